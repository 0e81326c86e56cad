import fs from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import { blobId, GitError, isLockContention, runGit } from "./git";
import { withWriteLock } from "./write-lock";

export interface CommitInfo {
  commit: string;
  authorName: string;
  authorEmail: string;
  date: string;
  subject: string;
  /** The file's path at that commit (it may have been renamed since). */
  path: string;
}

export interface Author {
  name: string;
  email: string;
}

export interface FileChange {
  path: string;
  /** New text, or null to delete. */
  content: string | null;
  /** Blob id the change was based on; null means "the file must not exist yet"; undefined skips the check. */
  baseBlob?: string | null;
  /** For a rename: the old path, removed in the same commit with history kept (git mv). */
  renamedFrom?: string;
}

export class ConflictError extends AppError {
  constructor(
    readonly path: string,
    readonly currentText: string | null,
    readonly currentBlob: string | null,
  ) {
    super("conflict", `${path} changed since you started editing`);
  }
}

/** The small storage interface the content store needs; the git-backed one is used in production and tests. */
export interface ContentRepository {
  readonly root: string;
  readFile(rel: string): Promise<string | null>;
  listDir(rel: string): Promise<string[]>;
  head(): Promise<string | null>;
  log(rel: string): Promise<CommitInfo[]>;
  show(rev: string, rel: string): Promise<string | null>;
  diff(fromRev: string, toRev: string, relFrom: string, relTo: string): Promise<string>;
  commit(changes: FileChange[], message: string, author: Author): Promise<string>;
  /** Old path → newest path for every file renamed in history (chains followed). */
  renames(): Promise<Map<string, string>>;
}

const REV = /^[0-9a-f]{7,40}$/;

/** Resolves a path relative to the content root and refuses anything that would leave it. */
export function resolveInside(root: string, rel: string): string {
  const abs = path.resolve(root, rel);
  if (abs !== root && !abs.startsWith(root + path.sep)) throw new AppError("bad_request", `path escapes the content directory: ${rel}`);
  return abs;
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, text, "utf8");
  await fs.rename(tmp, file);
}

export class GitRepository implements ContentRepository {
  readonly root: string;
  private realRoot: string | undefined;
  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async readFile(rel: string): Promise<string | null> {
    try {
      const abs = resolveInside(this.root, rel);
      // Content arrives through git, which stores symlinks: one pointing outside must not expose that file.
      const real = await fs.realpath(abs);
      const realRoot = (this.realRoot ??= await fs.realpath(this.root));
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new AppError("bad_request", `${rel} points outside the content directory`);
      return await fs.readFile(real, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async listDir(rel: string): Promise<string[]> {
    try {
      return (await fs.readdir(resolveInside(this.root, rel))).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
  }

  async head(): Promise<string | null> {
    try {
      return (await runGit(this.root, ["rev-parse", "--verify", "-q", "HEAD"])).stdout.trim() || null;
    } catch {
      return null;
    }
  }

  async log(rel: string): Promise<CommitInfo[]> {
    resolveInside(this.root, rel);
    let out: string;
    try {
      out = (await runGit(this.root, ["log", "--follow", "--name-only", "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s", "--", rel])).stdout;
    } catch (err) {
      if (err instanceof GitError && /does not have any commits/.test(err.stderr)) return [];
      throw err;
    }
    return out
      .split("\x1e")
      .filter((s) => s.trim())
      .map((rec) => {
        const [meta = "", ...rest] = rec.split("\n");
        const [commit = "", authorName = "", authorEmail = "", date = "", subject = ""] = meta.split("\x1f");
        const file = rest.map((l) => l.trim()).find(Boolean) ?? rel;
        return { commit, authorName, authorEmail, date, subject, path: file };
      });
  }

  async show(rev: string, rel: string): Promise<string | null> {
    if (!REV.test(rev)) throw new AppError("bad_request", `not a revision: ${rev}`);
    resolveInside(this.root, rel);
    try {
      return (await runGit(this.root, ["show", `${rev}:${rel}`])).stdout;
    } catch {
      return null;
    }
  }

  async diff(fromRev: string, toRev: string, relFrom: string, relTo: string): Promise<string> {
    for (const r of [fromRev, toRev]) if (!REV.test(r)) throw new AppError("bad_request", `not a revision: ${r}`);
    resolveInside(this.root, relFrom);
    resolveInside(this.root, relTo);
    const paths = relFrom === relTo ? [relTo] : [relFrom, relTo];
    return (await runGit(this.root, ["diff", "-M", "--no-color", "--no-ext-diff", fromRev, toRev, "--", ...paths])).stdout;
  }

  /**
   * Compare-and-swap commit: under a lock shared by every request and process, checks each change's base blob against
   * the working tree, writes, stages and commits only these paths. Resolves only once the commit exists; on any
   * failure the files are put back as they were and the error is thrown.
   */
  async commit(changes: FileChange[], message: string, author: Author): Promise<string> {
    return withWriteLock(this.root, async () => {
      const previous = new Map<string, string | null>();
      for (const ch of changes) {
        for (const p of [ch.path, ch.renamedFrom].filter((x): x is string => !!x)) {
          if (!previous.has(p)) previous.set(p, await this.readFile(p));
        }
        if (ch.baseBlob !== undefined) {
          const current = previous.get(ch.renamedFrom ?? ch.path) ?? null;
          const currentBlob = current === null ? null : blobId(current);
          if (currentBlob !== ch.baseBlob) throw new ConflictError(ch.renamedFrom ?? ch.path, current, currentBlob);
        }
        if (ch.renamedFrom && ch.renamedFrom !== ch.path && previous.get(ch.path) != null) {
          throw new AppError("conflict", `${ch.path} already exists`);
        }
      }
      const touched: string[] = [];
      // `git mv` has already staged the removal of a rename's old path; `git add` would fail on it (no such file).
      const toAdd: string[] = [];
      try {
        for (const ch of changes) {
          if (ch.renamedFrom && ch.renamedFrom !== ch.path) {
            const from = ch.renamedFrom;
            await this.retry(() => runGit(this.root, ["mv", "--", from, ch.path]));
            touched.push(from);
          }
          const abs = resolveInside(this.root, ch.path);
          if (ch.content === null) await fs.rm(abs, { force: true });
          else await writeAtomic(abs, ch.content);
          touched.push(ch.path);
          toAdd.push(ch.path);
        }
        await this.retry(() => runGit(this.root, ["add", "-A", "--", ...toAdd]));
        const env = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: "Kaizen", GIT_COMMITTER_EMAIL: "kaizen@localhost" };
        await this.retry(() => runGit(this.root, ["commit", "-q", "--no-verify", "-m", message, "--", ...touched], { env }));
        const head = await this.head();
        if (!head) throw new AppError("internal", "the commit did not produce a revision");
        return head;
      } catch (err) {
        await this.restore(previous, touched);
        throw err;
      }
    });
  }

  private renameCache: { head: string | null; map: Map<string, string> } | null = null;

  async renames(): Promise<Map<string, string>> {
    const head = await this.head();
    if (this.renameCache && this.renameCache.head === head) return this.renameCache.map;
    const map = new Map<string, string>();
    if (head) {
      // Oldest first, so a later rename of the new name extends the chain.
      const out = (await runGit(this.root, ["log", "--reverse", "--diff-filter=R", "-M", "--name-status", "--format="])).stdout;
      for (const line of out.split("\n")) {
        const [status, from, to] = line.split("\t");
        if (!status?.startsWith("R") || !from || !to) continue;
        for (const [k, v] of map) if (v === from) map.set(k, to);
        map.set(from, to);
      }
    }
    this.renameCache = { head, map };
    return map;
  }

  private async restore(previous: Map<string, string | null>, touched: string[]): Promise<void> {
    try {
      await runGit(this.root, ["reset", "-q", "--", ...touched]).catch(() => undefined);
      for (const [rel, text] of previous) {
        const abs = resolveInside(this.root, rel);
        if (text === null) await fs.rm(abs, { force: true });
        else await writeAtomic(abs, text);
      }
    } catch {
      // Restoring is best effort: the original error is what the caller needs to see.
    }
  }

  private async retry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isLockContention(err) || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 25 + attempt * 25));
      }
    }
  }
}
