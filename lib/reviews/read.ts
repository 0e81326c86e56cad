import type { ContentStore, Snapshot } from "../content/store";
import { parseReviewPolicy } from "../content/review-policy";
import { POLICY_FILE } from "../content/policy";
import type { ReviewPolicy } from "../schema/review-policy";
import type { Problem } from "../schema/problems";
import { parseReviewFile, REVIEWS_DIR, reviewFile, type ParsedReviewFile } from "./file";

export type ReviewFileState = ParsedReviewFile & { blob: string | null; raw: string | null };

interface Cached {
  head: string | null;
  policy: { policy: ReviewPolicy; problems: Problem[] };
  files: Map<string, ReviewFileState>;
}

// Review files parsed once per blob; the list of them and the policy once per HEAD (the nav count asks on every page).
const byStore = new WeakMap<ContentStore, Cached>();
const parsedByBlob = new Map<string, ReviewFileState>();
const MAX_PARSED = 5000;

/**
 * Every review file and the review policy at the snapshot's HEAD. Callers filter by the incident's visibility before
 * anything of a file leaves the server: this reads them all.
 */
export async function reviewsAt(store: ContentStore, snapshot: Snapshot): Promise<Cached> {
  const hit = byStore.get(store);
  if (hit && hit.head === snapshot.head) return hit;
  const files = new Map<string, ReviewFileState>();
  let policy: Cached["policy"] = parseReviewPolicy(null);
  if (snapshot.head) {
    const tree = await store.repo.tree(snapshot.head, [POLICY_FILE, `${REVIEWS_DIR}/`]);
    const wanted = [...tree].filter(([rel, e]) => rel.startsWith(`${REVIEWS_DIR}/`) && rel.endsWith(".yml") && e.type === "blob" && e.mode !== "120000");
    const policyEntry = tree.get(POLICY_FILE);
    const toRead = [...wanted.map(([, e]) => e.blob).filter((b) => !parsedByBlob.has(b)), ...(policyEntry?.type === "blob" ? [policyEntry.blob] : [])];
    const texts = toRead.length ? await store.repo.readBlobs(toRead) : new Map<string, string>();
    if (policyEntry?.type === "blob" && policyEntry.mode !== "120000") policy = parseReviewPolicy(texts.get(policyEntry.blob) ?? null);
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
  const cached = { head: snapshot.head, policy, files };
  byStore.set(store, cached);
  return cached;
}

/** One incident's review file at the snapshot (no file: no entries). */
export async function reviewFileAt(store: ContentStore, snapshot: Snapshot, incidentId: string): Promise<ReviewFileState> {
  const all = await reviewsAt(store, snapshot);
  return all.files.get(incidentId) ?? { ok: true, entries: [], blob: null, raw: null };
}

export { reviewFile };
