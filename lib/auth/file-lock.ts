import fs from "node:fs/promises";

// A crashed writer leaves its lock behind; a lock older than this is taken over (the writes it guards take milliseconds).
const STALE_LOCK_MS = 10_000;
const LOCK_RETRY_MS = 5;

/**
 * Runs `fn` holding the lock file `lock` (created exclusively), for the small state files that several processes on
 * one data directory rewrite: the sign-out denylist, the sign-in limits of cluster workers.
 */
export async function withLockFile<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const h = await fs.open(lock, "wx");
      await h.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const st = await fs.stat(lock).catch(() => null);
      if (st && Date.now() - st.mtimeMs > STALE_LOCK_MS) await fs.rm(lock, { force: true });
      else await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { force: true });
  }
}
