import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { CompiledMdx } from "./compile";
import { MDX_LIMITS, checkMdxLimits } from "./limits";
import { WorkerPool } from "./pool";
import type { MdxProblem } from "./validate";
import type { MdxJob } from "./worker";

/**
 * Milliseconds one body may take to parse or compile. Real post-mortems take a few milliseconds and the worst bodies
 * within MDX_LIMITS 0.3 to 2 s on an idle machine (more under load), so only hostile text meets it.
 */
export const MDX_TIME_BUDGET_MS = 2_000;

/** A compiled body, and whether it may be kept across restarts (a timeout says as much about the load as the body). */
export interface OffThreadCompile {
  compiled: CompiledMdx;
  /** `compiled` as JSON, for the disk cache; null when the result is only worth keeping in memory. */
  json: string | null;
}

/**
 * An MDX worker idle this long is stopped. After the first snapshot (every body checked) its heap is hundreds of MB
 * at 50,000 incidents; a fresh worker starts in a fraction of a second, which only a compile missing from the MDX
 * cache or a save after a quiet spell pays.
 */
const MDX_WORKER_IDLE_MS = 30_000;

/** At most this many MDX workers while many bodies are parsed at once, whatever KAIZEN_MDX_WORKERS or the cores say. */
const MAX_BULK_WORKERS = 16;

/**
 * Bodies sent to an MDX worker ahead of its answers. A body takes a few milliseconds; with one at a time a worker
 * waited (a third of a 10,000-file first start) for the request thread, busy with the frontmatter, to send the next.
 */
const MDX_WORKER_DEPTH = 4;

let pool: WorkerPool | null = null;
/** Scopes of bulkMdxWorkers running now: while there is one, the pool is as wide as bulkWorkerCount(). */
let bulkScopes = 0;

/** The pool's size outside a bulk parse. */
function steadySize(): number {
  // One worker leaves a core to the request thread on a small machine; two are plenty for validating on save.
  return Math.min(2, Math.max(1, availableParallelism() - 1));
}

function mdxPool(): WorkerPool {
  pool ??= new WorkerPool({ size: steadySize(), timeoutMs: MDX_TIME_BUDGET_MS, spawn: spawnMdxWorker, idleMs: MDX_WORKER_IDLE_MS, depth: MDX_WORKER_DEPTH });
  return pool;
}

/** MDX worker threads running now (started or starting): the start-up progress shows how many check bodies. */
export function mdxWorkerCount(): number {
  return pool?.workers ?? 0;
}

/**
 * MDX workers while many bodies are parsed at once (the first snapshot of a new clone checks every body):
 * KAIZEN_MDX_WORKERS when set (a whole number from 1 to 16), else the cores this process may use — all of them, or
 * its share when it is one of several `npm start` servers (KAIZEN_WORKERS), since those start together on one clone.
 */
export function bulkWorkerCount(env: Record<string, string | undefined> = process.env, cores = availableParallelism()): number {
  const raw = env.KAIZEN_MDX_WORKERS?.trim();
  if (raw) {
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_BULK_WORKERS) return n;
    throw new Error(`KAIZEN_MDX_WORKERS must be a whole number from 1 to ${MAX_BULK_WORKERS} (got "${raw}")`);
  }
  const servers = env.KAIZEN_WORKER ? Number(env.KAIZEN_WORKERS?.trim() || cores) || cores : 1;
  return Math.min(MAX_BULK_WORKERS, Math.max(1, Math.floor(cores / Math.max(1, servers))));
}

let warnedBulkSize = false;

/** bulkWorkerCount(), or its default (said once on stderr) when KAIZEN_MDX_WORKERS is not a valid count. */
function bulkSize(): number {
  try {
    return bulkWorkerCount();
  } catch (err) {
    if (!warnedBulkSize) console.error(`[kaizen] ${(err as Error).message}; using the default`);
    warnedBulkSize = true;
    return bulkWorkerCount({ ...process.env, KAIZEN_MDX_WORKERS: "" });
  }
}

/**
 * Runs `work` (which sends many bodies to the workers) with the pool as wide as bulkWorkerCount(); afterwards the pool
 * goes back to its steady size, stopping the extra workers as they finish, and the idle rule stops the rest.
 * Results do not depend on the width: each job answers its own caller, in the order they were queued.
 */
export async function bulkMdxWorkers<T>(work: () => Promise<T>): Promise<T> {
  const p = mdxPool();
  if (bulkScopes++ === 0) p.resize(Math.max(steadySize(), bulkSize()));
  try {
    return await work();
  } finally {
    if (--bulkScopes === 0) p.resize(steadySize());
  }
}

/**
 * Inside Next (NEXT_RUNTIME is set, and inlined by the bundler), Turbopack compiles this literal
 * `new Worker(new URL(…))` into a worker chunk. Run from source (vitest, the tsx CLI) the entry is TypeScript, which
 * Node 20 cannot load in a worker by itself, so the worker first registers tsx's loader, which is there wherever the
 * sources are. (`import.meta.url` cannot tell the two apart: Turbopack keeps the source file's URL.)
 */
function spawnMdxWorker(): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: 512, stackSizeMb: 8 };
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./worker.ts", import.meta.url), { resourceLimits });
  const boot = `
    const { createRequire } = require("node:module");
    const path = require("node:path");
    const { pathToFileURL } = require("node:url");
    const local = createRequire(${JSON.stringify(import.meta.url)});
    const pkg = local.resolve("tsx/package.json");
    const api = path.join(path.dirname(pkg), local(pkg).exports["./esm/api"].import.default);
    import(pathToFileURL(api).href).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL("./worker.ts", import.meta.url).href)}); });`;
  return new Worker(boot, { eval: true, resourceLimits });
}

/** Changes the time budget of the MDX workers (tests use it to make a timeout cheap). */
export function setMdxTimeBudget(ms: number): void {
  mdxPool().timeoutMs = ms;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** compileMdx in a worker thread, under the time budget: the request thread stays free whatever the body. */
export async function compileMdxOffThread(body: string): Promise<OffThreadCompile> {
  const oversize = quickReject(body);
  if (oversize) {
    const compiled: CompiledMdx = { hast: { type: "root", children: [] }, toc: [], problems: [oversize] };
    return { compiled, json: JSON.stringify(compiled) };
  }
  const job: MdxJob = { kind: "compile", body };
  const p = mdxPool();
  const outcome = await p.run(job);
  if (outcome.ok && typeof outcome.value === "string") {
    return { compiled: JSON.parse(outcome.value) as CompiledMdx, json: outcome.value };
  }
  const message = outcome.ok
    ? "could not be rendered: the renderer gave no result"
    : outcome.reason === "timeout"
      ? `could not be rendered within ${seconds(p.timeoutMs)}: simplify its nesting or split it`
      : `could not be rendered: ${outcome.detail}`;
  return { compiled: { hast: { type: "root", children: [] }, toc: [], problems: [{ line: 1, col: 1, message, retry: true }] }, json: null };
}

/** checkMdx in a worker thread, under the time budget; a body over the budget gets one problem saying so. */
export async function checkMdxOffThread(body: string): Promise<MdxProblem[]> {
  const oversize = quickReject(body);
  if (oversize) return [oversize];
  const job: MdxJob = { kind: "check", body };
  const p = mdxPool();
  const outcome = await p.run(job);
  if (outcome.ok && Array.isArray(outcome.value)) return outcome.value as MdxProblem[];
  const message = outcome.ok
    ? "could not be checked: the validator gave no result"
    : outcome.reason === "timeout"
      ? `could not be checked within ${seconds(p.timeoutMs)}: simplify its nesting or split it`
      : `could not be checked: ${outcome.detail}`;
  return [{ line: 1, col: 1, message, retry: true }];
}

/** A body with more characters than the byte limit is over it whatever its encoding: no need to copy it to a worker. */
function quickReject(body: string): MdxProblem | null {
  return body.length > MDX_LIMITS.bytes ? checkMdxLimits(body) : null;
}
