import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { dataDir } from "../env";
import type { CompiledMdx } from "./compile";
import { compileMdxOffThread } from "./off-thread";

/** Bump when compile output changes (schema, components such as <Internal>, slugging, limits) so old cache entries are never read. */
const CACHE_VERSION = "kaizen-mdx-3";
const MEMORY_ENTRIES = 500;

const memory = new Map<string, CompiledMdx>();
const inFlight = new Map<string, Promise<CompiledMdx>>();
const stats = { compiles: 0, memoryHits: 0, diskHits: 0 };

/**
 * Compiles a body once per content hash: memory LRU, then `<dataDir>/cache/mdx`, then compileMdx in a worker thread
 * under a time budget. Problems are cached like successes; a timeout only in memory. Treat the result as read-only.
 */
export async function compileMdxCached(body: string): Promise<CompiledMdx> {
  const key = createHash("sha256").update(CACHE_VERSION).update("\0").update(body).digest("hex");
  const hit = memory.get(key);
  if (hit) {
    memory.delete(key); // re-insert so Map order stays least-recently-used first
    memory.set(key, hit);
    stats.memoryHits++;
    return hit;
  }
  const pending = inFlight.get(key);
  if (pending) return pending;
  const work = load(key, body).finally(() => inFlight.delete(key));
  inFlight.set(key, work);
  return work;
}

/** How many bodies were compiled and how many came from each cache level since start. */
export function compileStats(): { compiles: number; memoryHits: number; diskHits: number } {
  return { ...stats };
}

/** Empties the memory level only (tests use it to simulate a restart with a warm disk cache). */
export function clearMemoryCache(): void {
  memory.clear();
}

function cacheFile(key: string): string {
  return path.join(dataDir(), "cache", "mdx", key.slice(0, 2), `${key}.json`);
}

async function load(key: string, body: string): Promise<CompiledMdx> {
  const file = cacheFile(key);
  const cached = await readCached(file, key);
  if (cached) {
    stats.diskHits++;
    remember(key, cached);
    return cached;
  }
  const { compiled, json } = await compileMdxOffThread(body);
  stats.compiles++;
  remember(key, compiled);
  // A body that timed out is tried again after a restart, off the request thread like the first time.
  if (json !== null) await writeCached(file, key, json);
  return compiled;
}

function remember(key: string, value: CompiledMdx): void {
  memory.set(key, value);
  while (memory.size > MEMORY_ENTRIES) {
    const oldest = memory.keys().next().value;
    if (oldest === undefined) break;
    memory.delete(oldest);
  }
}

async function readCached(file: string, key: string): Promise<CompiledMdx | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    // The cache only saves time: an unreadable entry must not stop a page from rendering.
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") console.warn(`mdx cache: could not read ${file}: ${(err as Error).message}`);
    return null;
  }
  try {
    return parseEntry(JSON.parse(text), key);
  } catch {
    return null; // corrupt or foreign file: compile again and overwrite it
  }
}

function parseEntry(value: unknown, key: string): CompiledMdx | null {
  if (!isRecord(value) || value.version !== CACHE_VERSION || value.key !== key || !isRecord(value.compiled)) return null;
  const { hast, toc, problems } = value.compiled;
  if (!isRecord(hast) || hast.type !== "root" || !Array.isArray(hast.children)) return null;
  if (!Array.isArray(toc) || !toc.every((t) => isRecord(t) && typeof t.depth === "number" && typeof t.text === "string" && typeof t.id === "string")) return null;
  if (!Array.isArray(problems) || !problems.every((p) => isRecord(p) && typeof p.line === "number" && typeof p.col === "number" && typeof p.message === "string")) return null;
  // The tree itself was written by compileMdx from sanitized output; MdxContent and the components re-check URLs.
  return value.compiled as unknown as CompiledMdx;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Write-then-rename, so a crash or a concurrent reader never sees half a file. A failed write only costs a recompile later. */
async function writeCached(file: string, key: string, compiledJson: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    // Spliced rather than re-serialized: the worker already turned the tree into JSON.
    await writeFile(tmp, `{"version":${JSON.stringify(CACHE_VERSION)},"key":${JSON.stringify(key)},"compiled":${compiledJson}}`, "utf8");
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    console.warn(`mdx cache: could not write ${file}: ${(err as Error).message}`);
  }
}
