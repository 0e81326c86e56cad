import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { withLockFile } from "./file-lock";
import { readIfExists } from "./state-file";

const EPSILON = 1e-9;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The token bucket's one definition: bucket `b` (a full one when absent) refilled for the time elapsed up to `t`, one
 * token taken when there is one, and the seconds until the next token when there was not.
 */
export function takeToken(b: Bucket | undefined, capacity: number, refillPerMinute: number, t: number): { bucket: Bucket; ok: boolean; retryAfter: number } {
  const start = b ?? { tokens: capacity, at: t };
  let tokens = Math.min(capacity, start.tokens + (Math.max(0, t - start.at) / 60_000) * refillPerMinute);
  // Refills are summed in floating point, so a token due exactly now may show up as 0.9999999.
  const ok = tokens >= 1 - EPSILON;
  if (ok) tokens = Math.max(0, tokens - 1);
  const retryAfter = tokens >= 1 - EPSILON ? 0 : Math.ceil(((1 - tokens) / refillPerMinute) * 60);
  return { bucket: { tokens, at: Math.max(t, start.at) }, ok, retryAfter };
}

/** What sign-in and search need of a limiter: this process's own (below) or one shared through Redis (lib/shared-state). */
export interface Limiter {
  /** Takes one token for `key`: whether it was granted, and the seconds until one more would be. */
  attempt(key: string): Promise<{ ok: boolean; retryAfter: number }>;
  reset(key: string): Promise<void> | void;
}

/**
 * A fixed-window-free token bucket per key: `capacity` attempts, refilled at `refillPerMinute`. In memory, which is
 * right for one process; replicas share theirs through Redis (lib/shared-state/limits.ts, same semantics).
 */
export class RateLimiter implements Limiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly capacity: number,
    private readonly refillPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; false when the key is out of tokens. */
  take(key: string): boolean {
    const t = this.now();
    const { bucket, ok } = takeToken(this.buckets.get(key), this.capacity, this.refillPerMinute, t);
    this.buckets.set(key, bucket);
    if (ok && this.buckets.size > 10_000) this.prune(t);
    return ok;
  }

  async attempt(key: string): Promise<{ ok: boolean; retryAfter: number }> {
    const ok = this.take(key);
    return { ok, retryAfter: this.retryAfter(key) };
  }

  /** Seconds until one more attempt is allowed. */
  retryAfter(key: string): number {
    const b = this.buckets.get(key);
    if (!b || b.tokens >= 1 - EPSILON) return 0;
    return Math.ceil(((1 - b.tokens) / this.refillPerMinute) * 60);
  }

  reset(key: string): void {
    this.buckets.delete(key);
  }

  private prune(t: number): void {
    for (const [k, b] of this.buckets) if (t - b.at > 3_600_000) this.buckets.delete(k);
  }
}

const bucketsFileSchema = z.object({ buckets: z.record(z.string(), z.object({ tokens: z.number(), at: z.number() })) });

/**
 * The same token bucket kept in a file of the data directory, for the cluster workers of one server (serve.mjs,
 * KAIZEN_WORKERS) without Redis: every worker draws on one budget, so more workers do not mean more sign-in guesses.
 * Each attempt reads and replaces the file under a lock (milliseconds; sign-in attempts are rare and cost a password
 * hash anyway). Buckets idle for an hour are full again and dropped.
 */
export class FileRateLimiter implements Limiter {
  constructor(
    readonly file: string,
    private readonly capacity: number,
    private readonly refillPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  async attempt(key: string): Promise<{ ok: boolean; retryAfter: number }> {
    return this.update((buckets, t) => {
      const r = takeToken(buckets.get(key), this.capacity, this.refillPerMinute, t);
      buckets.set(key, r.bucket);
      return { ok: r.ok, retryAfter: r.retryAfter };
    });
  }

  async reset(key: string): Promise<void> {
    await this.update((buckets) => void buckets.delete(key));
  }

  private async update<T>(fn: (buckets: Map<string, Bucket>, t: number) => T): Promise<T> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    return withLockFile(`${this.file}.lock`, async () => {
      const t = this.now();
      const buckets = await this.read();
      const out = fn(buckets, t);
      const kept: Record<string, Bucket> = {};
      for (const [k, b] of buckets) if (t - b.at <= 3_600_000) kept[k] = b;
      const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await fs.writeFile(tmp, JSON.stringify({ buckets: kept }) + "\n", { mode: 0o600 });
      await fs.rename(tmp, this.file);
      return out;
    });
  }

  private async read(): Promise<Map<string, Bucket>> {
    const raw = await readIfExists(this.file);
    if (raw === null) return new Map();
    let parsed: z.infer<typeof bucketsFileSchema> | null = null;
    try {
      parsed = bucketsFileSchema.parse(JSON.parse(raw));
    } catch {
      // A damaged file (a full disk mid-write cannot cause one: it is replaced by rename) starts every budget afresh
      // rather than locking everyone out; it is said once in the log.
      console.error(`[kaizen] ${this.file} is not a valid rate-limit file; starting it again`);
    }
    return new Map(Object.entries(parsed?.buckets ?? {}));
  }
}
