import "server-only";
// The server's search index: one per content directory and process, kept in line with the content store by diffing
// blob ids on every request that needs it (saves, pulls and edits on disk all show up as a new snapshot), and
// persisted a moment after it changes so the next start loads instead of building. Persisting runs in small steps
// between requests (persist.ts saveIndexInSteps) and is dropped and redone when the index changes meanwhile.
import type { ContentStore, Snapshot } from "../content/store";
import { getStore } from "../content";
import type { Taxonomy } from "../schema/taxonomy";
import { buildFromSnapshot, syncWithSnapshot, type IndexChanges } from "./build";
import { openIndex } from "./open";
import { contentRevision, indexDir, saveIndexInSteps } from "./persist";
import type { SearchIndex } from "./search-index";

const PERSIST_DELAY_MS = 2_000;

interface Held {
  index: SearchIndex;
  version: number;
  taxonomy: Taxonomy;
  snapshot: Snapshot;
  timer: NodeJS.Timeout | null;
  /** A write in progress, and whether another one is due when it ends. */
  writing: boolean;
  writeAgain: boolean;
  pending: Promise<SearchIndex> | null;
}

const globalForSearch = globalThis as unknown as { kaizenSearch?: Map<string, Held> };

/** The search index for a store, updated incrementally to its current snapshot. */
export async function getSearchIndex(store: ContentStore = getStore()): Promise<SearchIndex> {
  globalForSearch.kaizenSearch ??= new Map();
  const held = globalForSearch.kaizenSearch;
  const snapshot = await store.snapshot();
  const cur = held.get(store.root);
  if (cur && cur.version === snapshot.version) return cur.index;
  if (cur?.pending) return cur.pending;
  if (!cur) {
    const opened = openIndex(snapshot);
    const h: Held = { index: opened.index, version: snapshot.version, taxonomy: snapshot.taxonomy, snapshot, timer: null, writing: false, writeAgain: false, pending: null };
    held.set(store.root, h);
    if (opened.source !== "persisted") schedulePersist(h);
    return h.index;
  }
  updateHeld(cur, snapshot);
  return cur.index;
}

/** Applies a snapshot to a held index: incremental by blob ids, or a rebuild when the taxonomy itself changed. */
function updateHeld(h: Held, snapshot: Snapshot): IndexChanges | null {
  if (snapshot.version === h.version) return null;
  let changes: IndexChanges | null = null;
  if (snapshot.taxonomy !== h.taxonomy) h.index = buildFromSnapshot(snapshot);
  else changes = syncWithSnapshot(h.index, snapshot);
  h.version = snapshot.version;
  h.taxonomy = snapshot.taxonomy;
  h.snapshot = snapshot;
  schedulePersist(h);
  return changes;
}

/** Called by write paths right after a commit, so the next search sees the change without waiting for a request. */
export async function refreshSearchIndex(store: ContentStore = getStore()): Promise<IndexChanges | null> {
  const h = globalForSearch.kaizenSearch?.get(store.root);
  if (!h) {
    await getSearchIndex(store);
    return null;
  }
  return updateHeld(h, await store.snapshot());
}

function schedulePersist(h: Held): void {
  if (h.timer) clearTimeout(h.timer);
  h.timer = setTimeout(() => {
    h.timer = null;
    void persist(h);
  }, PERSIST_DELAY_MS);
  h.timer.unref();
}

/** Writes the held index in steps; one write at a time, redone when the index changed before it finished. */
async function persist(h: Held): Promise<void> {
  if (h.writing) {
    h.writeAgain = true;
    return;
  }
  h.writing = true;
  const index = h.index;
  const generation = index.generation;
  try {
    const written = await saveIndexInSteps(index, contentRevision(h.snapshot), indexDir(), {
      stillCurrent: () => h.index === index && index.generation === generation,
    });
    if (written === null) h.writeAgain = true;
  } catch (err) {
    // Persisting only speeds up the next start; a failure must not break searching.
    console.error(`search index not persisted: ${(err as Error).message}`);
  } finally {
    h.writing = false;
    if (h.writeAgain) {
      h.writeAgain = false;
      schedulePersist(h);
    }
  }
}
