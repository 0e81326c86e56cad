import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ContentStore } from "@/lib/content/store";
import { clearMemoryCache, compileMdxCached, compileStats } from "@/lib/mdx/cache";
import { checkMdxLimits } from "@/lib/mdx/limits";
import { MDX_TIME_BUDGET_MS, checkMdxOffThread, setMdxTimeBudget } from "@/lib/mdx/off-thread";
import { WORKER_READY, WorkerPool, type PoolOutcome } from "@/lib/mdx/pool";
import { gitRepo } from "../fixtures/git-repo";

// The slowest shape found within MDX_LIMITS: 12-deep lists over and over (0.3 s to seconds of parsing). No timing is
// asserted; the budget is raised where a test needs the body to finish, so a loaded machine cannot fail it.
const LIST = Array.from({ length: 12 }, (_, i) => `${"  ".repeat(i)}- item`).join("\n") + "\n\n";
const WORST = LIST.repeat(Math.floor(60_000 / LIST.length));
const PATIENT = 120_000;
const GUARD = PATIENT + 30_000;

/** Counts timer ticks while `work` runs: a blocked event loop gets none in until it is done. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ ticks: number; result: T }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const result = await work();
    return { ticks, result };
  } finally {
    clearInterval(timer);
  }
}

let dir = "";
const previousData = process.env.KAIZEN_DATA_DIR;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kaizen-mdx-thread-"));
  process.env.KAIZEN_DATA_DIR = dir;
});
afterAll(() => {
  if (previousData === undefined) delete process.env.KAIZEN_DATA_DIR;
  else process.env.KAIZEN_DATA_DIR = previousData;
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => setMdxTimeBudget(MDX_TIME_BUDGET_MS));

describe("MDX off the request thread", () => {
  it("the worst-case body is within the limits", () => {
    expect(WORST.length).toBeGreaterThan(55_000);
    expect(checkMdxLimits(WORST)).toBeNull();
  });

  it(
    "the event loop keeps ticking while a worst-case body compiles, and the result is the real one",
    async () => {
      setMdxTimeBudget(PATIENT);
      const body = `${WORST}Run ${Date.now()}.\n`;
      const { ticks, result } = await ticksDuring(() => compileMdxCached(body));
      expect(result.problems).toEqual([]);
      expect(JSON.stringify(result.hast).match(/"tagName":"li"/g)?.length).toBeGreaterThan(1_000);
      expect(ticks).toBeGreaterThan(10);
    },
    GUARD,
  );

  it(
    "the content store loads a worst-case file while the event loop keeps ticking",
    async () => {
      setMdxTimeBudget(PATIENT);
      // The store serves what is committed.
      const root = await gitRepo(
        {
          "factors.yml": "- id: bad-config-push\n  name: Push\n  category: change\n  description: A push.\n",
          "incidents/lists.mdx": `---\ntitle: Lists\nstatus: published\nseverity: SEV3\n---\n${WORST}`,
          "incidents/bad.mdx": `---\ntitle: Bad\nstatus: published\nseverity: SEV3\n---\n# Hi\n\n{process.env.SECRET}\n`,
        },
        { prefix: "kaizen-mdx-thread-store-", message: "fixture" },
      );
      try {
        const { ticks, result } = await ticksDuring(() => new ContentStore(root).snapshot());
        expect(result.incidents.map((i) => i.id)).toEqual(["lists"]);
        // The body's problems still carry the file's line numbers when they come from the worker.
        expect(result.broken).toEqual([expect.objectContaining({ id: "bad", problems: [expect.objectContaining({ line: 8, field: "body", message: expect.stringMatching(/expressions/) })] })]);
        expect(ticks).toBeGreaterThan(10);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    GUARD,
  );

  it(
    "a body over its time budget gets a problem, cached in memory, and the next body still compiles",
    async () => {
      setMdxTimeBudget(100);
      const body = `${WORST}Timeout ${Date.now()}.\n`;
      const before = compileStats();
      const first = await compileMdxCached(body);
      expect(first.problems).toEqual([{ line: 1, col: 1, message: "could not be rendered within 0.1 s: simplify its nesting or split it", retry: true }]);
      expect(first.hast.children).toEqual([]);
      expect(await compileMdxCached(body)).toEqual(first);
      expect(compileStats()).toMatchObject({ compiles: before.compiles + 1, memoryHits: before.memoryHits + 1 });
      // Not on disk: after a restart it is tried again (still off the request thread).
      clearMemoryCache();
      await compileMdxCached(body);
      expect(compileStats()).toMatchObject({ compiles: before.compiles + 2, diskHits: before.diskHits });

      setMdxTimeBudget(PATIENT);
      const next = await compileMdxCached(`# Summary\n\nThe worker was replaced ${Date.now()}.\n`);
      expect(next.problems).toEqual([]);
      expect(next.toc).toEqual([]);
      expect(JSON.stringify(next.hast)).toMatch(/The worker was replaced/);
    },
    GUARD,
  );

  it(
    "a body checked over its time budget gets a problem saying so",
    async () => {
      setMdxTimeBudget(100);
      expect(await checkMdxOffThread(`${WORST}Check ${Date.now()}.\n`)).toEqual([
        { line: 1, col: 1, message: "could not be checked within 0.1 s: simplify its nesting or split it", retry: true },
      ]);
      setMdxTimeBudget(PATIENT);
      expect(await checkMdxOffThread("# Fine\n\n{/* a comment */}\n")).toEqual([]);
    },
    GUARD,
  );

  it("a body over the size limit is refused without a worker", async () => {
    const body = "Some ordinary prose about the incident.\n\n".repeat(10_000);
    expect(await checkMdxOffThread(body)).toEqual([{ line: 1, col: 1, message: expect.stringMatching(/the body is 4\d\d KB; the limit is 64 KB/) }]);
  });
});

describe("WorkerPool", () => {
  // A worker that never answers "hang": only terminating it stops it.
  const hanging = () =>
    new Worker(
      `const { parentPort } = require("node:worker_threads");
       parentPort.on("message", (m) => { if (m === "hang") for (;;); parentPort.postMessage(m + "!"); });
       parentPort.postMessage(${JSON.stringify(WORKER_READY)});`,
      { eval: true },
    );

  it("a job over its budget answers timeout; its worker is replaced and later jobs run", async () => {
    const pool = new WorkerPool({ size: 1, timeoutMs: 200, spawn: hanging });
    try {
      const [stuck, queued] = await Promise.all([pool.run("hang"), pool.run("next")]);
      expect(stuck).toEqual({ ok: false, reason: "timeout", detail: "over its time budget of 200 ms" });
      expect(queued).toEqual({ ok: true, value: "next!" });
      expect(await pool.run("again")).toEqual({ ok: true, value: "again!" });
    } finally {
      await pool.close();
    }
  });

  it("an idle worker is stopped (its memory given back) and the next job starts a fresh one", async () => {
    let spawned = 0;
    const pool = new WorkerPool({ size: 1, timeoutMs: 5_000, idleMs: 100, spawn: () => (spawned++, hanging()) });
    try {
      expect(await pool.run("a")).toEqual({ ok: true, value: "a!" });
      expect(await pool.run("b")).toEqual({ ok: true, value: "b!" });
      expect(spawned).toBe(1);
      await vi.waitFor(() => expect(pool.workers).toBe(0), { timeout: 10_000, interval: 50 });
      expect(await pool.run("c")).toEqual({ ok: true, value: "c!" });
      expect(spawned).toBe(2);
    } finally {
      await pool.close();
    }
  });

  // A worker that takes `ms` of synchronous work per job and says which thread did it; "hang" never answers.
  const busy = (ms: number) => () =>
    new Worker(
      `const { parentPort, threadId } = require("node:worker_threads");
       const pause = new Int32Array(new SharedArrayBuffer(4));
       parentPort.on("message", (m) => { if (m === "hang") for (;;); Atomics.wait(pause, 0, 0, ${ms}); parentPort.postMessage({ m: m + "!", threadId }); });
       parentPort.postMessage(${JSON.stringify(WORKER_READY)});`,
      { eval: true },
    );
  const values = (outcomes: { ok: boolean; value?: unknown }[]) => outcomes.map((o) => (o.ok ? (o.value as { m: string }).m : o));

  it("several workers answer every job as one worker does, each to its own caller, with the budget per job", async () => {
    const jobs = Array.from({ length: 30 }, (_, i) => (i === 5 ? "hang" : `job-${i}`));
    const one = new WorkerPool({ size: 1, timeoutMs: 1_000, spawn: busy(40) });
    const three = new WorkerPool({ size: 1, timeoutMs: 1_000, spawn: busy(40) });
    three.resize(3);
    // Four jobs sent to each worker ahead of its answers: those behind the one that hangs are run again elsewhere.
    const ahead = new WorkerPool({ size: 2, timeoutMs: 1_000, spawn: busy(40), depth: 4 });
    try {
      const [a, b, c] = await Promise.all([one, three, ahead].map((pool) => Promise.all(jobs.map((j) => pool.run(j)))));
      const expected = jobs.map((j) => (j === "hang" ? { ok: false, reason: "timeout", detail: "over its time budget of 1000 ms" } : `${j}!`));
      expect(values(a!)).toEqual(expected);
      expect(values(b!)).toEqual(expected);
      expect(values(c!)).toEqual(expected);
      const threads = (outcomes: PoolOutcome[]) => new Set(outcomes.filter((o) => o.ok).map((o) => (o.ok ? (o.value as { threadId: number }).threadId : 0)));
      // One pool used one worker (and its replacement after the timeout); the other spread the jobs over three at a time.
      expect(threads(a!).size).toBeLessThanOrEqual(2);
      expect(threads(b!).size).toBeGreaterThanOrEqual(3);
      expect(three.workers).toBeLessThanOrEqual(3);
      expect(ahead.workers).toBeLessThanOrEqual(2);
    } finally {
      await Promise.all([one.close(), three.close(), ahead.close()]);
    }
  });

  it("made smaller, a pool stops its extra workers once they are idle, and the idle stop still takes the last one", async () => {
    let spawned = 0;
    const pool = new WorkerPool({ size: 1, timeoutMs: 5_000, idleMs: 300, spawn: () => (spawned++, busy(30)()) });
    try {
      pool.resize(4);
      expect(pool.maxWorkers).toBe(4);
      const first = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.run(`a${i}`)));
      expect(values(first)).toEqual(Array.from({ length: 12 }, (_, i) => `a${i}!`));
      expect(spawned).toBe(4);
      pool.resize(1);
      expect(pool.workers).toBe(1);
      // Later jobs run on the one worker left, in order.
      expect(values(await Promise.all([pool.run("b0"), pool.run("b1")]))).toEqual(["b0!", "b1!"]);
      expect(spawned).toBe(4);
      await vi.waitFor(() => expect(pool.workers).toBe(0), { timeout: 10_000, interval: 50 });
      expect(values([await pool.run("c")])).toEqual(["c!"]);
      expect(spawned).toBe(5);
    } finally {
      await pool.close();
    }
  });

  it("a pool made smaller while its workers are busy lets each finish its job first", async () => {
    const pool = new WorkerPool({ size: 3, timeoutMs: 5_000, spawn: busy(200) });
    try {
      const running = Promise.all(Array.from({ length: 6 }, (_, i) => pool.run(`d${i}`)));
      await vi.waitFor(() => expect(pool.workers).toBe(3), { timeout: 10_000, interval: 10 });
      pool.resize(1);
      expect(values(await running)).toEqual(Array.from({ length: 6 }, (_, i) => `d${i}!`));
      expect(pool.workers).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it("a worker that cannot start fails the waiting jobs instead of restarting for ever", async () => {
    let spawned = 0;
    const pool = new WorkerPool({
      size: 1,
      timeoutMs: 1_000,
      spawn: () => {
        spawned++;
        return new Worker(`throw new Error("broken entry")`, { eval: true });
      },
    });
    try {
      expect(await Promise.all([pool.run("a"), pool.run("b")])).toEqual([
        { ok: false, reason: "failed", detail: "broken entry" },
        { ok: false, reason: "failed", detail: "broken entry" },
      ]);
      expect(spawned).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
