import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { contentDir, dataDir } from "../env";
import { ParseCache } from "./parse-cache";
import { ContentStore } from "./store";

const globalForStore = globalThis as unknown as { kaizenStores?: Map<string, ContentStore> };

/** The process-wide content store for KAIZEN_CONTENT_DIR (one per directory, kept across hot reloads). */
export function getStore(dir: string = contentDir()): ContentStore {
  globalForStore.kaizenStores ??= new Map();
  let store = globalForStore.kaizenStores.get(dir);
  if (!store) {
    store = new ContentStore(dir, { parseCache: parseCacheFor(dir) });
    globalForStore.kaizenStores.set(dir, store);
  }
  return store;
}

export type { IncidentDoc, BrokenIncident, IncidentEntry, Snapshot } from "./store";

/**
 * The server's parse cache: in the data directory, one per content directory, tied to this build (a new build may
 * parse differently, so it never reads an older build's results). None outside a production build (dev, tests).
 */
function parseCacheFor(dir: string): ParseCache | undefined {
  if (process.env.KAIZEN_PARSE_CACHE === "off") return undefined;
  const build = buildId();
  if (!build) return undefined;
  return new ParseCache(cacheDirFor(dir), build);
}

/** Where the server keeps what it derives from one content directory (parse results, page figures). */
export function cacheDirFor(dir: string = contentDir()): string {
  return path.join(dataDir(), "cache", createHash("sha256").update(dir).digest("hex").slice(0, 16));
}

/**
 * The id of the production build serving, which caches on disk are tied to (a new build may compute differently);
 * null outside a production build (dev, tests), where nothing derived is kept across restarts.
 */
export function buildId(): string | null {
  if (process.env.NODE_ENV !== "production") return null;
  try {
    return fs.readFileSync(path.join(/*turbopackIgnore: true*/ process.cwd(), process.env.KAIZEN_DIST_DIR ?? ".next", "BUILD_ID"), "utf8").trim() || null;
  } catch {
    return null;
  }
}
