import fs from "node:fs/promises";
import path from "node:path";
import { lockAcquiredAt } from "./write-lock";

/**
 * Removes a git lock file (`.git/index.lock`, `refs/heads/<b>.lock`) that a killed git process left behind, and says
 * whether it did. git writes no owner into its locks, so "stale" is decided by three facts, all required:
 * 1. the caller holds Kaizen's write lock, and every git command of Kaizen that writes runs under it: none of ours
 *    can be holding the lock now;
 * 2. the lock is older than the moment we took ours: one made since was made by another program while we held ours;
 * 3. no git process is running in this repository (Linux: /proc/<pid>/comm is "git" and its cwd is inside the work
 *    tree). This is what protects a person's clone: `git commit` holds index.lock for as long as its editor is open.
 * Where /proc cannot be read the third fact is unknown, and the lock is left alone.
 */
export async function clearStaleGitLock(lock: string, root: string, top: string): Promise<boolean> {
  const since = lockAcquiredAt(root);
  if (since === undefined) return false;
  const st = await fs.stat(lock).catch(() => null);
  if (!st) return true; // gone meanwhile: a retry may succeed
  if (st.mtimeMs >= since) return false;
  const running = await gitProcessesIn(top);
  if (running !== 0) {
    console.warn(`[kaizen] ${lock} is left alone: ${running < 0 ? "cannot tell whether" : `${running}`} git process(es) run in ${top}`);
    return false;
  }
  const aside = `${lock}.stale-${process.pid}`;
  try {
    await fs.rename(lock, aside);
    await fs.rm(aside, { force: true });
  } catch {
    return false;
  }
  console.warn(`[kaizen] removed ${lock}, left by a git process that no longer runs`);
  return true;
}

/** How many git processes have their working directory inside `top`; -1 when that cannot be known. */
async function gitProcessesIn(top: string): Promise<number> {
  let pids: string[];
  try {
    pids = (await fs.readdir("/proc")).filter((n) => /^\d+$/.test(n));
  } catch {
    return -1;
  }
  const real = await fs.realpath(top).catch(() => top);
  let count = 0;
  for (const pid of pids) {
    const comm = (await fs.readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")).trim();
    if (comm !== "git" && !comm.startsWith("git-")) continue;
    // A zombie (killed, not yet reaped: common in containers whose init does not reap) runs nothing and holds nothing.
    const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
    const cwd = await fs.readlink(`/proc/${pid}/cwd`).catch(() => null);
    // A git process whose cwd cannot be read (another user's) might be in this repository: count it.
    if (cwd === null || cwd === real || cwd.startsWith(real + path.sep)) count++;
  }
  return count;
}
