// Getting an index for a content snapshot: the persisted one when it matches, the persisted one brought up to date
// incrementally when it is older, a fresh build otherwise. Shared by the server (service.ts) and the CLI.
import type { Snapshot } from "../content/store";
import { buildFromSnapshot, syncWithSnapshot } from "./build";
import { contentRevision, indexDir, loadIndex, saveIndex, taxonomyHash } from "./persist";
import type { SearchIndex } from "./search-index";

export interface OpenedIndex {
  index: SearchIndex;
  revision: string;
  /** How it was obtained: loaded as is, loaded then updated, or built from scratch. */
  source: "persisted" | "updated" | "built";
}

/** An index in line with `snapshot`, from the persisted copy in `dir` when possible. */
export function openIndex(snapshot: Snapshot, dir: string = indexDir()): OpenedIndex {
  const revision = contentRevision(snapshot);
  const loaded = loadIndex(dir);
  if (loaded && loaded.revision === revision) return { index: loaded.index, revision, source: "persisted" };
  // Blob ids say which incidents changed; a changed taxonomy changes every incident's factor text, so it rebuilds.
  if (loaded && loaded.revision.endsWith(`:${taxonomyHash(snapshot.taxonomy)}`)) {
    syncWithSnapshot(loaded.index, snapshot);
    return { index: loaded.index, revision, source: "updated" };
  }
  return { index: buildFromSnapshot(snapshot), revision, source: "built" };
}

/** Builds from scratch and persists; returns the index and the file size. */
export function rebuildAndSave(snapshot: Snapshot, dir: string = indexDir()): { index: SearchIndex; bytes: number; revision: string } {
  const index = buildFromSnapshot(snapshot);
  const revision = contentRevision(snapshot);
  const bytes = saveIndex(index, revision, dir);
  return { index, bytes, revision };
}
