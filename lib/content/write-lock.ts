import fs from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import { findGitDir } from "./git-dir";

const chains = new Map<string, Promise<unknown>>();
const STALE_MS = 60_000;

/**
 * Serializes writes to one repository: a promise chain within this process, and a lock file beside `.git` across
 * processes (the server, the CLI, a second replica on the same clone). A lock older than a minute is taken as stale.
 */
export async function withWriteLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const prev = chains.get(root) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const chained = prev.then(() => mine);
  chains.set(root, chained);
  await prev.catch(() => undefined);
  try {
    return await withFileLock(root, fn);
  } finally {
    release();
    if (chains.get(root) === chained) chains.delete(root);
  }
}

async function withFileLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const lockFile = path.join(findGitDir(root) ?? root, "kaizen-write.lock");
  const deadline = Date.now() + 30_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(lockFile, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const st = await fs.stat(lockFile).catch(() => null);
      if (st && Date.now() - st.mtimeMs > STALE_MS) {
        await fs.rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new AppError("unavailable", "the content repository is busy; try again");
      await new Promise((r) => setTimeout(r, Math.min(200, 10 + attempt * 10)));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}
