import "server-only";
import { contentDir } from "../env";
import { ContentStore } from "./store";

const globalForStore = globalThis as unknown as { kaizenStores?: Map<string, ContentStore> };

/** The process-wide content store for KAIZEN_CONTENT_DIR (one per directory, kept across hot reloads). */
export function getStore(dir: string = contentDir()): ContentStore {
  globalForStore.kaizenStores ??= new Map();
  let store = globalForStore.kaizenStores.get(dir);
  if (!store) {
    store = new ContentStore(dir);
    globalForStore.kaizenStores.set(dir, store);
  }
  return store;
}

export type { IncidentDoc, BrokenIncident, IncidentEntry, Snapshot } from "./store";
