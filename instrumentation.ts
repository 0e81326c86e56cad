// At server start: sync with the team's remote first (an empty content directory is cloned before the first page),
// then load the content and the search index in the background, so /api/health can answer "starting" with progress
// while the first page does not have to wait for all of it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.KAIZEN_GIT_REMOTE) {
    const { getSync } = await import("./lib/sync/service");
    await getSync().ready;
  }
  if (process.env.KAIZEN_WARM_UP === "off") return;
  const { warmUp } = await import("./lib/search/warm-up");
  const { warmUpFirstPage, warmUpPages } = await import("./lib/pages/warm-up");
  // The content, then the home page's figures, then the search index (it opens synchronously: after the first page's
  // work, not before it), then the rest of the typical viewer's page models (factor links) in the background.
  void warmUp(undefined, { beforeIndex: warmUpFirstPage }).then(() => warmUpPages());
}
