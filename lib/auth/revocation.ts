import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { dataDir } from "../env";
import { sharedState } from "../shared-state/client";
import { SharedRevocationStore } from "../shared-state/revocation";
import { withLockFile } from "./file-lock";
import { readIfExists } from "./state-file";

/**
 * Sessions ended before their cookie expires (sign-out). Each session carries an id chosen at sign-in; a revoked id is
 * remembered until no token with it can still be valid. Replicas that do not share a data directory need a shared
 * implementation of this interface (KAIZEN_REDIS_URL: lib/shared-state/revocation.ts); processes on one data directory
 * share the file one below.
 */
export interface RevocationStore {
  /** Ends session `sid` for good; `until` (ms since the epoch) is when the last token carrying it expires. */
  revoke(sid: string, until: number): Promise<void>;
  isRevoked(sid: string): Promise<boolean>;
}

const fileSchema = z.object({ revoked: z.record(z.string(), z.number()) });

/**
 * The denylist as `$KAIZEN_DATA_DIR/revoked-sessions.json` (`{ "revoked": { sid: expiresAtMs } }`). Writers take a
 * lock file and replace the file atomically (rename), pruning expired entries as they go. Readers keep the parsed
 * file and re-read it when its inode, size or mtime changes; that check is one stat() at most every `recheckMs`, so
 * another process's revocation is seen within that time and this process's own at once.
 */
export class FileRevocationStore implements RevocationStore {
  private revoked = new Map<string, number>();
  private seen: string | null = null;
  private checkedAt = -Infinity;
  private refreshing: Promise<void> | null = null;
  readonly file: string;

  constructor(
    dir: string,
    private readonly opts: { recheckMs?: number; now?: () => number } = {},
  ) {
    this.file = path.join(dir, "revoked-sessions.json");
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async revoke(sid: string, until: number): Promise<void> {
    this.revoked.set(sid, until);
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await withLockFile(`${this.file}.lock`, async () => {
      const current = await this.readFile();
      const now = this.now();
      const next: Record<string, number> = {};
      for (const [k, exp] of current) if (exp > now) next[k] = exp;
      next[sid] = Math.max(until, next[sid] ?? 0);
      const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await fs.writeFile(tmp, JSON.stringify({ revoked: next }) + "\n", { mode: 0o600 });
      await fs.rename(tmp, this.file);
      this.load(new Map(Object.entries(next)));
    });
    this.checkedAt = -Infinity;
  }

  async isRevoked(sid: string): Promise<boolean> {
    const now = this.now();
    if (now - this.checkedAt >= (this.opts.recheckMs ?? 500)) {
      this.checkedAt = now;
      this.refreshing = this.refresh().finally(() => (this.refreshing = null));
    }
    // Requests that arrive while a re-read is under way wait for it rather than answer from the older list.
    if (this.refreshing) await this.refreshing;
    const exp = this.revoked.get(sid);
    return exp !== undefined && exp > now;
  }

  /** Ids still on the list (for tests and diagnostics). */
  async entries(): Promise<Map<string, number>> {
    return this.readFile();
  }

  private load(entries: Map<string, number>): void {
    // Revocations made by this process stay known even if the file was replaced without them in between.
    for (const [k, exp] of this.revoked) if (!entries.has(k) && exp > this.now()) entries.set(k, exp);
    this.revoked = entries;
  }

  private async refresh(): Promise<void> {
    const st = await fs.stat(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    const sig = st ? `${st.ino}:${st.size}:${st.mtimeMs}` : "none";
    if (sig === this.seen) return;
    this.load(await this.readFile());
    this.seen = sig;
  }

  private async readFile(): Promise<Map<string, number>> {
    const raw = await readIfExists(this.file);
    if (raw === null) return new Map();
    const parsed = fileSchema.safeParse(JSON.parse(raw));
    // A corrupt denylist must not quietly let revoked sessions back in: refuse to guess.
    if (!parsed.success) throw new Error(`${this.file} is not a valid revocation list`);
    return new Map(Object.entries(parsed.data.revoked));
  }
}

// Route handlers (where next-auth's sign-out runs) and pages are bundled in separate layers, each with its own copy
// of this module: the store hangs off globalThis so that a sign-out is seen by every layer of the process at once,
// not after the next re-read of the file.
const globalForRevocations = globalThis as unknown as { kaizenRevocations?: Map<string, RevocationStore> };

/**
 * The revocation store of this data directory (one per process, so its cache is shared by every request): the file,
 * and with KAIZEN_REDIS_URL the denylist every replica shares as well.
 */
export function revocations(dir = dataDir()): RevocationStore {
  const stores = (globalForRevocations.kaizenRevocations ??= new Map());
  let s = stores.get(dir);
  if (!s) {
    const shared = sharedState();
    const file = new FileRevocationStore(dir);
    stores.set(dir, (s = shared ? new SharedRevocationStore(shared, file) : file));
  }
  return s;
}
