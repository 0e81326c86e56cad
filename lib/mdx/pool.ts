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
  /**
   * Jobs a worker is given ahead of its answers (default 1). More keep a worker busy while the thread that feeds it
   * is busy itself (the first snapshot parses frontmatter there); the budget of each still starts only when the
   * previous one on its worker has answered, and the jobs behind one that timed out go back to the queue unharmed.
   */
  depth?: number;
}

interface Job {
  message: unknown;
  resolve: (outcome: PoolOutcome) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Jobs sent to this worker, oldest first: the first is the one it runs now. */
  jobs: Job[];
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
  private readonly depth: number;
  private slots: Slot[] = [];
  private queue: Job[] = [];

  constructor(options: PoolOptions) {
    this.size = Math.max(1, options.size);
    this.timeoutMs = options.timeoutMs;
    this.spawn = options.spawn;
    this.idleMs = options.idleMs;
    this.depth = Math.max(1, options.depth ?? 1);
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
    await Promise.all(slots.map((s) => this.retire(s, { ok: false, reason: "failed", detail: "the worker pool was closed" }, false)));
  }

  private pump(): void {
    // Over the size (after a resize down): a worker without a job is not needed, and memory it holds is given back.
    for (const slot of this.slots.filter((s) => s.ready && s.jobs.length === 0)) {
      if (this.slots.length <= this.size) break;
      if (!this.slots.includes(slot)) continue;
      void this.retire(slot, { ok: false, reason: "failed", detail: "the worker pool was made smaller" });
    }
    while (this.slots.length < Math.min(this.size, this.slots.filter((s) => s.jobs.length > 0).length + this.queue.length)) this.start();
    // First one job to every free worker, then the rest of each window: the work is spread before it is stacked.
    for (let depth = 1; depth <= this.depth && this.queue.length > 0; depth++) {
      for (const slot of this.slots) {
        if (!slot.ready || slot.jobs.length >= depth || this.slots.length > this.size) continue;
        const job = this.queue.shift();
        if (job) this.dispatch(slot, job);
      }
    }
    for (const slot of this.slots) {
      // Keep the process alive only for work in hand: a running job, or a worker starting for a queued one.
      if (slot.jobs.length > 0 || (!slot.ready && this.queue.length > 0)) slot.worker.ref();
      else slot.worker.unref();
      if (slot.ready && slot.jobs.length === 0 && this.idleMs !== undefined && !slot.idle) {
        slot.idle = setTimeout(() => {
          slot.idle = null;
          if (slot.jobs.length === 0) void this.retire(slot, { ok: false, reason: "failed", detail: "the worker was idle" });
        }, this.idleMs);
        slot.idle.unref();
      }
    }
  }

  private start(): void {
    const worker = this.spawn();
    const slot: Slot = { worker, ready: false, jobs: [], timer: null, idle: null };
    this.slots.push(slot);
    worker.on("message", (message: unknown) => {
      if (!slot.ready) {
        if (message === WORKER_READY) {
          slot.ready = true;
          this.pump();
        }
        return;
      }
      const job = slot.jobs.shift();
      if (!job) return;
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      // The worker takes its next job as it sends this answer: that job's budget starts now.
      if (slot.jobs.length > 0) this.startBudget(slot);
      job.resolve({ ok: true, value: message });
      this.pump();
    });
    const died = (detail: string) => {
      if (!this.slots.includes(slot)) return;
      // A worker that cannot even start (a broken entry file) would fail every job the same way: fail them now
      // rather than respawn for ever.
      if (!slot.ready && slot.jobs.length === 0) {
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
    slot.jobs.push(job);
    if (slot.jobs.length === 1) this.startBudget(slot);
    slot.worker.postMessage(job.message);
  }

  /** The time budget of the job the worker runs now (the first of its jobs). */
  private startBudget(slot: Slot): void {
    slot.timer = setTimeout(() => {
      void this.retire(slot, { ok: false, reason: "timeout", detail: `over its time budget of ${this.timeoutMs} ms` });
    }, this.timeoutMs);
  }

  private async retire(slot: Slot, outcome: PoolOutcome, requeue = true): Promise<void> {
    this.slots = this.slots.filter((s) => s !== slot);
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.idle) clearTimeout(slot.idle);
    const [job, ...waiting] = slot.jobs;
    slot.jobs = [];
    // Only the running job meets the outcome; those sent behind it never started and go back to the queue's head.
    if (requeue) this.queue.unshift(...waiting);
    else for (const w of waiting) w.resolve(outcome);
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
