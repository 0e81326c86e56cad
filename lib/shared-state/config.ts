import { AppError } from "../errors";

/** How replicas reach their shared Redis (KAIZEN_REDIS_URL); null when unset: single-process behaviour. */
export interface RedisConfig {
  url: string;
  /** The URL without its password, for logs and /api/health. */
  display: string;
  /** Prefix of every key and channel, so several Kaizen deployments can share one Redis. */
  prefix: string;
}

/** Reads KAIZEN_REDIS_URL (`redis://` or `rediss://`) and KAIZEN_REDIS_PREFIX; a bad value is a clear error. */
export function readRedisConfig(env: Record<string, string | undefined> = process.env): RedisConfig | null {
  const raw = env.KAIZEN_REDIS_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("bad_request", "KAIZEN_REDIS_URL is not a valid URL (expected redis://host:6379 or rediss://…)");
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw new AppError("bad_request", `KAIZEN_REDIS_URL must start with redis:// or rediss://, got ${url.protocol}//`);
  const prefix = env.KAIZEN_REDIS_PREFIX?.trim() || "kaizen";
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new AppError("bad_request", "KAIZEN_REDIS_PREFIX may hold letters, digits, '.', '_' and '-' only");
  const shown = new URL(raw);
  if (shown.password) shown.password = "***";
  return { url: raw, display: shown.toString(), prefix: `${prefix}:` };
}
