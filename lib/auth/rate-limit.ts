const EPSILON = 1e-9;

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
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: t };
    b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) / 60_000) * this.refillPerMinute);
    b.at = t;
    // Refills are summed in floating point, so a token due exactly now may show up as 0.9999999.
    if (b.tokens < 1 - EPSILON) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens = Math.max(0, b.tokens - 1);
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.prune(t);
    return true;
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
