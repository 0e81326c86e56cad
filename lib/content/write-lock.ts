import { randomBytes } from "node:crypto";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppError } from "../errors";
import { findGitDir } from "./git-dir";

const chains = new Map<string, Promise<unknown>>();
/** Lock files this process holds right now (the promise chain guarantees at most one per file). */
const held = new Set<string>();
const WAIT_MS = 30_000;
/** Only for a lock written by an older Kaizen (a bare pid, no start time) whose pid is alive again. */
const LEGACY_STALE_MS = 60_000;

/** What a lock file records about its holder: enough to tell, on this host, whether that process still exists. */
interface Holder {
  pid: number;
  /** /proc/<pid>/stat field 22 (start time in clock ticks since boot); null where /proc is missing. */
  start: string | null;
  host: string;
  /** Random per process: tells this process's own locks apart from a previous process that had the same pid. */
  token: string;
}

const self: Holder = { pid: process.pid, start: processStart(process.pid), host: os.hostname(), token: randomBytes(8).toString("hex") };

/** The start time of a process, which changes when its pid is reused; null when unknown (no /proc, or gone). */
export function processStart(pid: number): string | null {
  try {
    const stat = fsSync.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may itself contain spaces or ")": count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the process that wrote a lock is certainly gone. Never decided by age alone: a save can legitimately take
 * long (a slow disk, a big import), and taking a live holder's lock would let two writers interleave. A lock from
 * another host (a clone on a shared file system) cannot be checked from here, so it is never broken.
 */
function isStale(text: string, lockFile: string, mtimeMs: number): boolean {
  let holder: Partial<Holder> | null = null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") holder = parsed as Partial<Holder>;
  } catch {
    // handled below
  }
  if (!holder) {
    const pid = Number.parseInt(text, 10);
    // Not written by this version (which links a complete file into place, so it is never empty or partial).
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - mtimeMs > LEGACY_STALE_MS;
    return !alive(pid) || Date.now() - mtimeMs > LEGACY_STALE_MS;
  }
  if (typeof holder.pid !== "number" || holder.host !== self.host) return false;
  if (holder.token === self.token) return !held.has(lockFile);
  if (holder.pid === self.pid) return true; // our pid, another token: a previous process that had this pid
  if (!alive(holder.pid)) return true;
  // Alive, but a different process that has been given the same pid since.
  const now = processStart(holder.pid);
  return holder.start != null && now !== null && now !== holder.start;
}

/**
 * Breaks a stale lock by renaming it away (atomic, so two processes breaking it at once cannot both succeed), then
 * checks that what was moved is the lock judged stale: if another process broke it and took a fresh lock in between,
 * that fresh lock is linked back (link fails rather than overwrite).
 */
async function breakStale(lockFile: string, judged: string): Promise<void> {
  const aside = `${lockFile}.stale-${self.token}-${randomBytes(4).toString("hex")}`;
  try {
    await fs.rename(lockFile, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const moved = await fs.readFile(aside, "utf8").catch(() => judged);
  if (moved !== judged) await fs.link(aside, lockFile).catch(() => undefined);
  await fs.rm(aside, { force: true });
  console.warn(`[kaizen] removed a stale write lock left by a process that no longer runs: ${judged.trim()}`);
}

/** When this process took the write lock of `root` (only meaningful inside withWriteLock). */
const acquiredAt = new Map<string, number>();

/** The moment the current holder (this process) took the lock of the repository containing `root`. */
export function lockAcquiredAt(root: string): number | undefined {
  return acquiredAt.get(lockFileOf(root));
}

function lockFileOf(root: string): string {
  return path.join(findGitDir(root) ?? root, "kaizen-write.lock");
}

/**
 * Serializes writes to one repository: a promise chain within this process, and a lock file beside `.git` across
 * processes (the server, the CLI, a second replica on the same clone). The lock records who holds it, so a lock left
 * by a crashed process is taken over at once, and a live holder is waited for.
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
  const lockFile = lockFileOf(root);
  const deadline = Date.now() + WAIT_MS;
  const record = `${JSON.stringify(self)}\n`;
  for (let attempt = 0; ; attempt++) {
    // The record is written first and linked into place (link, like O_EXCL, fails if the lock exists), so a crash
    // can never leave an empty or half-written lock whose holder could not be told.
    const tmp = `${lockFile}.${self.token}.tmp`;
    await fs.writeFile(tmp, record);
    try {
      await fs.link(tmp, lockFile);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const text = await fs.readFile(lockFile, "utf8").catch(() => null);
      const st = await fs.stat(lockFile).catch(() => null);
      if (text === null || !st) continue; // released meanwhile
      if (isStale(text, lockFile, st.mtimeMs)) {
        await breakStale(lockFile, text);
        continue;
      }
      if (Date.now() > deadline) throw new AppError("unavailable", "the content repository is busy; try again");
      await new Promise((r) => setTimeout(r, Math.min(200, 10 + attempt * 10)));
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
  held.add(lockFile);
  acquiredAt.set(lockFile, Date.now());
  try {
    return await fn();
  } finally {
    held.delete(lockFile);
    acquiredAt.delete(lockFile);
    // Remove only our own lock: a file that is not ours means ours was (wrongly) broken, and the other one is live.
    const text = await fs.readFile(lockFile, "utf8").catch(() => null);
    if (text === record) await fs.rm(lockFile, { force: true });
  }
}
