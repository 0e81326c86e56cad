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

let pool: WorkerPool | null = null;

function mdxPool(): WorkerPool {
  // One worker leaves a core to the request thread on a small machine; two are plenty for validating on save.
  pool ??= new WorkerPool({ size: Math.min(2, Math.max(1, availableParallelism() - 1)), timeoutMs: MDX_TIME_BUDGET_MS, spawn: spawnMdxWorker, idleMs: MDX_WORKER_IDLE_MS });
  return pool;
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
