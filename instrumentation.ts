// Starts sync with the team's remote at server start, so an empty content directory is cloned before the first page.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || !process.env.KAIZEN_GIT_REMOTE) return;
  const { getSync } = await import("./lib/sync/service");
  await getSync().ready;
}
