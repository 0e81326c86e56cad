import { parentPort, type Worker } from "node:worker_threads";

/** What a job came to: the worker's answer, or why there is none (over its time budget, or the worker died). */
export type PoolOutcome = { ok: true; value: unknown } | { ok: false; reason: "timeout" | "failed"; detail: string };

export interface PoolOptions {
  /** Workers running at once; more jobs wait in order. */
  size: number;
  /** Milliseconds a job may run once a worker has it (queueing and worker start-up do not count). */
  timeoutMs: number;
  /** Starts one worker that speaks the protocol of `serveJobs`. */
  spawn: () => Worker;
  /**
   * Milliseconds a worker may sit without a job before it is stopped (a later job starts a fresh one); unset: kept.
   * A worker that checked thousands of bodies at start-up holds a heap of its own that nothing else would give back.
   */
  idleMs?: number;
}

interface Job {
  message: unknown;
  resolve: (outcome: PoolOutcome) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
  idle: ReturnType<typeof setTimeout> | null;
}

/** The first message of a worker: it has loaded its code, so the time budget of its first job measures only the job. */
export const WORKER_READY = "kaizen-worker-ready";

/**
 * A few worker threads with a time budget per job. A job over its budget terminates its worker (the only way to stop
 * synchronous code) and answers `timeout`; a fresh worker takes the next job. Idle workers do not keep the process
 * alive, so a CLI run ends when its work does.
 */
export class WorkerPool {
  timeoutMs: number;
  private size: number;
  private readonly spawn: () => Worker;
  private readonly idleMs: number | undefined;
  private slots: Slot[] = [];
  private queue: Job[] = [];

  constructor(options: PoolOptions) {
    this.size = Math.max(1, options.size);
    this.timeoutMs = options.timeoutMs;
    this.spawn = options.spawn;
    this.idleMs = options.idleMs;
  }

  /** Workers that may run at once. */
  get maxWorkers(): number {
    return this.size;
  }

  /**
   * Changes how many workers may run at once (the first snapshot parses every body on as many workers as cores, then
   * goes back to one). A larger size starts workers for queued jobs at once; a smaller one stops the idle workers over
   * it at once and each busy one when its job is done. Jobs still start in the order they were queued.
   */
  resize(size: number): void {
    this.size = Math.max(1, Math.floor(size));
    this.pump();
  }

  /** Workers running now (started or starting). */
  get workers(): number {
    return this.slots.length;
  }

  /** Runs one job on the next free worker; never rejects. */
  run(message: unknown): Promise<PoolOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ message, resolve });
      this.pump();
    });
  }

  /** Stops every worker; queued and running jobs answer `failed`. */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    const queued = this.queue.splice(0);
    for (const job of queued) job.resolve({ ok: false, reason: "failed", detail: "the worker pool was closed" });
    await Promise.all(slots.map((s) => this.retire(s, { ok: false, reason: "failed", detail: "the worker pool was closed" })));
  }

  private pump(): void {
    // Over the size (after a resize down): a worker without a job is not needed, and memory it holds is given back.
    for (const slot of this.slots.filter((s) => s.ready && !s.job)) {
      if (this.slots.length <= this.size) break;
      if (!this.slots.includes(slot)) continue;
      void this.retire(slot, { ok: false, reason: "failed", detail: "the worker pool was made smaller" });
    }
    while (this.slots.length < Math.min(this.size, this.slots.filter((s) => s.job).length + this.queue.length)) this.start();
    for (const slot of this.slots) {
      if (slot.ready && !slot.job) {
        const job = this.queue.shift();
        if (job) this.dispatch(slot, job);
      }
      // Keep the process alive only for work in hand: a running job, or a worker starting for a queued one.
      if (slot.job || (!slot.ready && this.queue.length > 0)) slot.worker.ref();
      else slot.worker.unref();
      if (slot.ready && !slot.job && this.idleMs !== undefined && !slot.idle) {
        slot.idle = setTimeout(() => {
          slot.idle = null;
          if (!slot.job) void this.retire(slot, { ok: false, reason: "failed", detail: "the worker was idle" });
        }, this.idleMs);
        slot.idle.unref();
      }
    }
  }

  private start(): void {
    const worker = this.spawn();
    const slot: Slot = { worker, ready: false, job: null, timer: null, idle: null };
    this.slots.push(slot);
    worker.on("message", (message: unknown) => {
      if (!slot.ready) {
        if (message === WORKER_READY) {
          slot.ready = true;
          this.pump();
        }
        return;
      }
      const job = slot.job;
      if (!job) return;
      if (slot.timer) clearTimeout(slot.timer);
      slot.job = null;
      slot.timer = null;
      job.resolve({ ok: true, value: message });
      this.pump();
    });
    const died = (detail: string) => {
      if (!this.slots.includes(slot)) return;
      // A worker that cannot even start (a broken entry file) would fail every job the same way: fail them now
      // rather than respawn for ever.
      if (!slot.ready && !slot.job) {
        for (const job of this.queue.splice(0)) job.resolve({ ok: false, reason: "failed", detail });
      }
      void this.retire(slot, { ok: false, reason: "failed", detail });
    };
    worker.on("error", (err: Error) => died(err.message));
    worker.on("exit", (code) => died(`the worker exited (code ${code})`));
  }

  private dispatch(slot: Slot, job: Job): void {
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    slot.job = job;
    slot.timer = setTimeout(() => {
      void this.retire(slot, { ok: false, reason: "timeout", detail: `over its time budget of ${this.timeoutMs} ms` });
    }, this.timeoutMs);
    slot.worker.postMessage(job.message);
  }

  private async retire(slot: Slot, outcome: PoolOutcome): Promise<void> {
    this.slots = this.slots.filter((s) => s !== slot);
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.idle) clearTimeout(slot.idle);
    const job = slot.job;
    slot.job = null;
    job?.resolve(outcome);
    this.pump();
    await slot.worker.terminate().catch(() => undefined);
  }
}

/** The worker side: answers each job with `handle`'s result, one at a time, after telling the pool it is ready. */
export function serveJobs(handle: (message: unknown) => unknown): void {
  const port = parentPort;
  if (!port) throw new Error("serveJobs runs inside a worker thread");
  port.on("message", (message: unknown) => port.postMessage(handle(message)));
  port.postMessage(WORKER_READY);
}
