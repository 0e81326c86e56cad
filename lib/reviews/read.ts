import type { ContentStore, Snapshot } from "../content/store";
import { parseReviewFile, REVIEWS_DIR, reviewFile, type ParsedReviewFile } from "./file";

export type ReviewFileState = ParsedReviewFile & { blob: string | null; raw: string | null };

interface Cached {
  head: string | null;
  files: Map<string, ReviewFileState>;
}

// Review files parsed once per blob, the list of them once per HEAD (the nav count asks on every page). The review
// policy is the snapshot's: configSection(snapshot, "review") in lib/content/kaizen-config.
const byStore = new WeakMap<ContentStore, Cached>();
const parsedByBlob = new Map<string, ReviewFileState>();
const MAX_PARSED = 5000;

/**
 * Every review file at the snapshot's HEAD. Callers filter by the incident's visibility before
 * anything of a file leaves the server: this reads them all.
 */
export async function reviewsAt(store: ContentStore, snapshot: Snapshot): Promise<Cached> {
  const hit = byStore.get(store);
  if (hit && hit.head === snapshot.head) return hit;
  const files = new Map<string, ReviewFileState>();
  if (snapshot.head) {
    const tree = await store.repo.tree(snapshot.head, [`${REVIEWS_DIR}/`]);
    const wanted = [...tree].filter(([rel, e]) => rel.startsWith(`${REVIEWS_DIR}/`) && rel.endsWith(".yml") && e.type === "blob" && e.mode !== "120000");
    const toRead = wanted.map(([, e]) => e.blob).filter((b) => !parsedByBlob.has(b));
    const texts = toRead.length ? await store.repo.readBlobs(toRead) : new Map<string, string>();
    if (parsedByBlob.size > MAX_PARSED) parsedByBlob.clear();
    for (const [rel, e] of wanted) {
      const id = rel.slice(REVIEWS_DIR.length + 1, -".yml".length);
      let state = parsedByBlob.get(e.blob);
      if (!state) {
        const raw = texts.get(e.blob) ?? null;
        state = { ...parseReviewFile(id, raw), blob: e.blob, raw };
        parsedByBlob.set(e.blob, state);
      }
      files.set(id, state);
    }
  }
  const cached = { head: snapshot.head, files };
  byStore.set(store, cached);
  return cached;
}

/** One incident's review file at the snapshot (no file: no entries). */
export async function reviewFileAt(store: ContentStore, snapshot: Snapshot, incidentId: string): Promise<ReviewFileState> {
  const all = await reviewsAt(store, snapshot);
  return all.files.get(incidentId) ?? { ok: true, entries: [], blob: null, raw: null };
}

export { reviewFile };
