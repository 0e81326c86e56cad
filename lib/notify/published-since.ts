import { runGit } from "../content/git";
import type { ContentStore, Snapshot } from "../content/store";

const STATUS_LINE = /^status:\s*["']?([a-z-]+)["']?\s*(?:#.*)?$/m;

/** The status written in a file's frontmatter, read without parsing the rest (an old revision may not parse today). */
export function statusOfText(raw: string): string | null {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(raw);
  return m?.[1] ? (STATUS_LINE.exec(m[1])?.[1] ?? null) : null;
}

/**
 * Ids of the snapshot's published incidents that were not published at `since` (absent then, or another status), by
 * comparing with the content repository's last commit before that moment. Unchanged files are skipped by blob id, so
 * only files changed in the window are read. A repository younger than the window makes every published one new.
 */
export async function publishedSince(store: ContentStore, snapshot: Snapshot, since: Date): Promise<Set<string>> {
  const published = snapshot.incidents.filter((i) => i.frontmatter.status === "published");
  let rev = "";
  try {
    rev = (await runGit(store.repo.root, ["rev-list", "-1", `--before=${since.toISOString()}`, "HEAD", "--"])).stdout.trim();
  } catch {
    rev = "";
  }
  if (!rev) return new Set(published.map((i) => i.id));
  const then = await store.repo.tree(rev, ["incidents/"]);
  const changed = published.filter((i) => then.get(i.path)?.blob !== i.blob);
  const old = await store.repo.readBlobs(changed.flatMap((i) => then.get(i.path)?.blob ?? []));
  const out = new Set<string>();
  for (const i of changed) {
    const blob = then.get(i.path)?.blob;
    const text = blob ? old.get(blob) : undefined;
    if (text === undefined || statusOfText(text) !== "published") out.add(i.id);
  }
  return out;
}
