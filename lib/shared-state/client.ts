import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { readRedisConfig, type RedisConfig } from "./config";

/** Redis is configured but does not answer: callers fail closed (sign-in) or fall back to local state (reading). */
export class SharedStateUnavailable extends Error {
  constructor(cause: string) {
    super(`the shared state (Redis) is unreachable: ${cause}`);
    this.name = "SharedStateUnavailable";
  }
}

// Short on purpose: a replica that cannot reach Redis must answer within a second, never queue requests behind it.
const CONNECT_TIMEOUT_MS = 1000;
const COMMAND_TIMEOUT_MS = 500;

export interface SharedStatus {
  url: string;
  ok: boolean;
  lastError: string | null;
  downSince: string | null;
}

/**
 * One process's connections to the shared Redis: a command connection (no offline queue, short timeouts, so a
 * command either runs now or fails now) and, on first use, a subscriber connection for notices between replicas.
 * Both reconnect on their own; the status says whether Redis answers now.
 */
export class SharedState {
  /** Tells this replica's own notices apart from the others'. */
  readonly replica = randomUUID();
  private readonly cmd: Redis;
  private sub: Redis | null = null;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  private lastError: string | null = null;
  private downSince: string | null = null;
  private closing = false;

  constructor(
    readonly cfg: RedisConfig,
    private readonly opts: { connectTimeoutMs?: number; commandTimeoutMs?: number } = {},
  ) {
    this.cmd = this.connect(false);
    this.cmd.on("ready", () => {
      if (this.downSince) console.warn(`[kaizen] shared state (Redis at ${cfg.display}) is reachable again`);
      this.lastError = null;
      this.downSince = null;
    });
    this.cmd.on("error", (err: Error) => this.failed(err.message));
    this.cmd.on("close", () => this.failed("connection closed"));
  }

  private connect(queue: boolean): Redis {
    return new Redis(this.cfg.url, {
      connectTimeout: this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      commandTimeout: queue ? undefined : (this.opts.commandTimeoutMs ?? COMMAND_TIMEOUT_MS),
      enableOfflineQueue: queue,
      maxRetriesPerRequest: queue ? null : 0,
      retryStrategy: (attempt) => Math.min(250 * attempt, 2000),
      lazyConnect: false,
    });
  }

  private failed(message: string): void {
    if (this.closing) return;
    if (!this.downSince) {
      this.downSince = new Date().toISOString();
      console.warn(`[kaizen] shared state (Redis at ${this.cfg.display}) is unreachable: ${message}`);
    }
    this.lastError = message.slice(0, 300);
  }

  /** Whether Redis answers now, and since when it does not. */
  status(): SharedStatus {
    return { url: this.cfg.display, ok: this.cmd.status === "ready", lastError: this.cmd.status === "ready" ? null : (this.lastError ?? `connection ${this.cmd.status}`), downSince: this.downSince };
  }

  /** Asks Redis now (within the command timeout): what /api/health reports. */
  async check(): Promise<SharedStatus> {
    const ok = await this.run((r) => r.ping()).then(() => true, () => false);
    const s = this.status();
    // The connection may still say "ready" for a moment after the server went away: the PING is what counts.
    return ok ? { ...s, ok, lastError: null } : { ...s, ok, lastError: s.lastError ?? this.lastError ?? "no answer" };
  }

  key(...parts: string[]): string {
    return this.cfg.prefix + parts.join(":");
  }

  /** Runs commands on Redis; any failure (down, timeout, error reply) is a SharedStateUnavailable. */
  async run<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.cmd.status === "connecting" || this.cmd.status === "connect" || this.cmd.status === "wait") await this.readyWithin(this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    try {
      return await fn(this.cmd);
    } catch (err) {
      this.failed((err as Error).message);
      throw new SharedStateUnavailable((err as Error).message);
    }
  }

  /** A process that just started waits (briefly) for its first connection instead of failing its first requests. */
  private readyWithin(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.cmd.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.cmd.once("ready", done);
    });
  }

  /** Publishes a notice to every replica (this one included; handlers skip their own by `replica`). */
  async publish(channel: string, message: string): Promise<void> {
    await this.run((r) => r.publish(this.key(channel), message));
  }

  /** Calls `fn` for every notice on `channel`; the subscription survives reconnects. */
  subscribe(channel: string, fn: (message: string) => void): () => void {
    const name = this.key(channel);
    if (!this.sub) {
      this.sub = this.connect(true);
      this.sub.on("error", () => undefined); // reported through the command connection's status
      this.sub.on("message", (ch: string, message: string) => {
        for (const h of this.handlers.get(ch) ?? []) h(message);
      });
    }
    let set = this.handlers.get(name);
    if (!set) {
      this.handlers.set(name, (set = new Set()));
      void this.sub.subscribe(name).catch(() => undefined);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.cmd.disconnect();
    this.sub?.disconnect();
  }
}

// Route handlers, pages and instrumentation are bundled separately, each with its own copy of this module: the one
// connection per process hangs off globalThis.
const globalForShared = globalThis as unknown as { kaizenShared?: Map<string, SharedState> };

/** The process's shared state when KAIZEN_REDIS_URL is set, else null (everything stays in this process). */
export function sharedState(env: Record<string, string | undefined> = process.env): SharedState | null {
  const cfg = readRedisConfig(env);
  if (!cfg) return null;
  const all = (globalForShared.kaizenShared ??= new Map());
  let s = all.get(cfg.url + "\0" + cfg.prefix);
  if (!s) all.set(cfg.url + "\0" + cfg.prefix, (s = new SharedState(cfg)));
  return s;
}
