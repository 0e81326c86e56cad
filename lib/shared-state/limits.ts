import path from "node:path";
import { FileRateLimiter, RateLimiter, type Limiter } from "../auth/rate-limit";
import { clusterWorker, dataDir } from "../env";
import { sharedState, type SharedState } from "./client";

// The same token bucket as lib/auth/rate-limit.ts, in one atomic script: read the bucket, refill it for the time
// elapsed on Redis's clock (one clock for every replica), take a token if there is one, write it back. A bucket
// expires once it would be full again, so idle keys cost nothing.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
if now > at then tokens = math.min(cap, tokens + ((now - at) / 60000) * rate) end
local ok = 0
if tokens >= 1 - 1e-9 then
  tokens = math.max(0, tokens - 1)
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', math.max(now, at))
redis.call('PEXPIRE', KEYS[1], math.ceil(((cap - tokens) / rate) * 60000) + 1000)
local retry = 0
if tokens < 1 - 1e-9 then retry = math.ceil(((1 - tokens) / rate) * 60) end
return {ok, retry}
`;

/** A token bucket per key kept in Redis, so every replica draws on the same budget. */
export class SharedRateLimiter implements Limiter {
  constructor(
    private readonly shared: SharedState,
    private readonly name: string,
    private readonly capacity: number,
    private readonly refillPerMinute: number,
    /** Used while Redis is down; without one, an attempt then fails with SharedStateUnavailable. */
    private readonly whenDown: Limiter | null = null,
  ) {}

  async attempt(key: string): Promise<{ ok: boolean; retryAfter: number }> {
    try {
      const [ok, retryAfter] = (await this.shared.run((r) => r.eval(TAKE, 1, this.shared.key("limit", this.name, key), this.capacity, this.refillPerMinute))) as [number, number];
      return { ok: ok === 1, retryAfter };
    } catch (err) {
      if (this.whenDown) return this.whenDown.attempt(key);
      throw err;
    }
  }

  async reset(key: string): Promise<void> {
    await this.shared.run((r) => r.del(this.shared.key("limit", this.name, key))).catch(() => undefined);
    await this.whenDown?.reset(key);
  }
}

/**
 * A rate limiter named `name`: shared by every replica when KAIZEN_REDIS_URL is set, else this process's own.
 * `whenDown` says what happens while Redis is unreachable: "refuse" (sign-in fails closed) or "local" (each replica
 * limits on its own, so reading keeps working). A "refuse" limiter of a cluster worker without Redis is kept in the
 * data directory (FileRateLimiter), so the workers of one server count together; a "local" one (search) stays per
 * worker, like per replica while Redis is down: it protects the process, and a file round trip per search would not.
 */
export function rateLimiter(name: string, capacity: number, refillPerMinute: number, whenDown: "refuse" | "local", shared: SharedState | null = sharedState()): Limiter {
  const local = new RateLimiter(capacity, refillPerMinute);
  if (!shared) return whenDown === "refuse" && clusterWorker() !== null ? new FileRateLimiter(path.join(dataDir(), `rate-limit-${name}.json`), capacity, refillPerMinute) : local;
  return new SharedRateLimiter(shared, name, capacity, refillPerMinute, whenDown === "local" ? local : null);
}
