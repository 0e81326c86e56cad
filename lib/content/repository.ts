import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import { blobId, GitError, isLockContention, runGit } from "./git";
import { parseRenameTrailers, RENAME_TRAILER, withRenameTrailers, type Rename } from "./rename-trailer";
import { withWriteLock } from "./write-lock";

export interface CommitInfo {
  commit: string;
  authorName: string;
  authorEmail: string;
  date: string;
  subject: string;
  /** The file's path at that commit (it may have been renamed since). */
  path: string;
  /** Blob id of the file's text at that commit. */
  blob: string;
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
  /** Revisions of one file, newest first: its own commits, then (only through Kaizen's rename trailer) its old path's. */
  log(rel: string): Promise<CommitInfo[]>;
  show(rev: string, rel: string): Promise<string | null>;
  /** Texts of these blobs (missing ones left out). */
  readBlobs(ids: readonly string[]): Promise<Map<string, string>>;
  /** Unified diff of one file's text at `fromRev` (as `relFrom`) against its text at `toRev` (as `relTo`), nothing else. */
  diff(fromRev: string, toRev: string, relFrom: string, relTo: string): Promise<string>;
  /** Commits the changes; renames (`renamedFrom`) are recorded in the message with the rename trailer. */
  commit(changes: FileChange[], message: string, author: Author): Promise<string>;
  /** Old path → newest path for every rename Kaizen recorded (chains followed). */
  renames(): Promise<Map<string, string>>;
}

const REV = /^[0-9a-f]{7,40}$/;
const BLOB = /^[0-9a-f]{40}$/;
/** A chain of renames longer than this is not followed further (each hop is one `git log`). */
const MAX_RENAME_HOPS = 100;

interface LogChange {
  status: string;
  blob: string;
  path: string;
}

interface LogRecord {
  fields: string[];
  changes: LogChange[];
}

const RAW = /^\n?:\d{6} \d{6} [0-9a-f]{40} ([0-9a-f]{40}) ([A-Z])\d*$/;

/**
 * Parses `git log -z --raw --no-renames --format=<fieldCount fields joined by %x00>`. Fields are NUL-separated and git
 * never writes NUL inside a name or message, so no title or author name can forge a record (any other separator could).
 */
function parseLogZ(out: string, fieldCount: number): LogRecord[] {
  const tokens = out.split("\0");
  const records: LogRecord[] = [];
  let current: LogRecord | null = null;
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i]!;
    const raw = RAW.exec(t);
    if (raw && current) {
      current.changes.push({ blob: raw[1]!, status: raw[2]!, path: tokens[i + 1] ?? "" });
      i += 2;
    } else if (/^\n?[0-9a-f]{40}$/.test(t)) {
      current = { fields: [t.trim(), ...tokens.slice(i + 1, i + fieldCount)], changes: [] };
      records.push(current);
      i += fieldCount;
    } else i++;
  }
  return records;
}

/** Runs git and returns stdout as bytes (blob sizes from `cat-file --batch` count bytes, not characters). */
function runGitBytes(cwd: string, args: string[], input: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile("git", args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" }, maxBuffer: 256 * 1024 * 1024, encoding: "buffer" }, (err, stdout, stderr) => {
      if (err) reject(new GitError(`git ${args[0]} failed: ${stderr.toString("utf8").trim() || err.message}`, stderr.toString("utf8"), null));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

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
    if (!(await this.head())) return [];
    const out: CommitInfo[] = [];
    let file = rel;
    let start = "HEAD";
    for (let hop = 0; hop < MAX_RENAME_HOPS; hop++) {
      const { commits, addedBy } = await this.fileLog(start, file);
      out.push(...commits);
      // A file renamed by hand (no trailer) has its history start at the rename: git's guess of where it came from
      // may be another incident, so it is not followed.
      const from = addedBy ? await this.renamedInto(addedBy, file) : null;
      if (!addedBy || !from) break;
      file = from;
      start = `${addedBy}^`;
    }
    return out;
  }

  /**
   * One path's commits from `start` back to the commit that added it (included), newest first. A commit before that
   * one touching the same path belongs to an earlier file that had the same name (an id reused), so the walk stops.
   */
  private async fileLog(start: string, rel: string): Promise<{ commits: CommitInfo[]; addedBy: string | null }> {
    const format = ["%H", "%an", "%ae", "%aI", "%s"].join("%x00");
    const out = (await runGit(this.root, ["log", "-z", "--no-renames", "--raw", "--no-abbrev", `--format=${format}`, start, "--", rel])).stdout;
    const commits: CommitInfo[] = [];
    const noBlob: CommitInfo[] = [];
    let addedBy: string | null = null;
    for (const { fields, changes } of parseLogZ(out, 5)) {
      const [commit = "", authorName = "", authorEmail = "", date = "", subject = ""] = fields;
      const change = changes.find((c) => c.path === rel);
      // Deleted here: the revisions further back are an earlier file of that name.
      if (change?.status === "D") break;
      const info = { commit, authorName, authorEmail, date, subject, path: rel, blob: change?.blob ?? "" };
      commits.push(info);
      // A merge shows no raw diff: its blob is looked up below.
      if (!change) noBlob.push(info);
      if (change?.status === "A") {
        addedBy = commit;
        break;
      }
    }
    if (noBlob.length) {
      const found = await this.objectIds(noBlob.map((c) => `${c.commit}:${rel}`));
      for (const c of noBlob) c.blob = found.get(`${c.commit}:${rel}`) ?? "";
    }
    return { commits: commits.filter((c) => c.blob), addedBy };
  }

  /**
   * The old path of a rename into `rel` that `commit` recorded with Kaizen's trailer and really made (the old path
   * existed in its parent and is gone in it); null for anything else, whatever the message says.
   */
  private async renamedInto(commit: string, rel: string): Promise<string | null> {
    const trailers = (await runGit(this.root, ["log", "-1", `--format=%(trailers:key=${RENAME_TRAILER},valueonly,separator=%x00)`, commit, "--"])).stdout;
    const rename = parseRenameTrailers(trailers.replace(/\n$/, ""), "\0").find((r) => r.to === rel);
    if (!rename) return null;
    try {
      resolveInside(this.root, rename.from);
    } catch {
      return null;
    }
    const ids = await this.objectIds([`${commit}^:${rename.from}`, `${commit}:${rename.from}`]);
    return ids.has(`${commit}^:${rename.from}`) && !ids.has(`${commit}:${rename.from}`) ? rename.from : null;
  }

  /** Object ids of `rev:path` names (missing ones left out), in one git call. */
  private async objectIds(names: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (!names.length) return found;
    // Each name is answered on one line in order: "<id> <type> <size>" or "<name> missing".
    const out = (await runGit(this.root, ["cat-file", "--batch-check=%(objectname) %(objecttype)"], { input: names.map((n) => `${n}\n`).join("") })).stdout.split("\n");
    names.forEach((n, i) => {
      const [id, type] = (out[i] ?? "").split(" ");
      if (id && type === "blob" && BLOB.test(id)) found.set(n, id);
    });
    return found;
  }

  async readBlobs(ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)].filter((id) => BLOB.test(id));
    const texts = new Map<string, string>();
    if (!wanted.length) return texts;
    const out = await runGitBytes(this.root, ["cat-file", "--batch"], wanted.map((id) => `${id}\n`).join(""));
    let at = 0;
    while (at < out.length) {
      const eol = out.indexOf(10, at);
      if (eol < 0) break;
      const [id = "", type = "", size = ""] = out.subarray(at, eol).toString("utf8").split(" ");
      at = eol + 1;
      if (type === "missing") continue;
      const n = Number(size);
      if (!Number.isSafeInteger(n)) break;
      if (type === "blob") texts.set(id, out.subarray(at, at + n).toString("utf8"));
      at += n + 1;
    }
    return texts;
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
    // The two texts only (rev:path, both revisions checked above): a diff of two trees limited to paths would also show
    // whatever file has either name at the other revision, and rename detection would pair it with another file.
    return (await runGit(this.root, ["diff", "--no-color", "--no-ext-diff", `${fromRev}:${relFrom}`, `${toRev}:${relTo}`])).stdout;
  }

  /**
   * Compare-and-swap commit: under a lock shared by every request and process, checks each change's base blob against
   * the working tree, writes, stages and commits only these paths. Resolves only once the commit exists; on any
   * failure the files are put back as they were and the error is thrown.
   */
  async commit(changes: FileChange[], message: string, author: Author): Promise<string> {
    const renames = changes.filter((c) => c.renamedFrom && c.renamedFrom !== c.path).map((c): Rename => ({ from: c.renamedFrom!, to: c.path }));
    const fullMessage = withRenameTrailers(message, renames);
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
        await this.retry(() => runGit(this.root, ["commit", "-q", "--no-verify", "-m", fullMessage, "--", ...touched], { env }));
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
      // Oldest first, so a later rename of the new name extends the chain. Only renames Kaizen recorded, and only
      // where the commit really removed the old path and added the new one (see RENAME_TRAILER).
      const format = ["%H", `%(trailers:key=${RENAME_TRAILER},valueonly,separator=%x1f)`].join("%x00");
      const out = (await runGit(this.root, ["log", "--reverse", "-z", "--no-renames", "--raw", "--no-abbrev", "-i", `--grep=^${RENAME_TRAILER}:`, `--format=${format}`])).stdout;
      for (const { fields, changes } of parseLogZ(out, 2)) {
        for (const { from, to } of parseRenameTrailers((fields[1] ?? "").trim(), "\x1f")) {
          if (!changes.some((c) => c.path === from && c.status === "D") || !changes.some((c) => c.path === to && c.status === "A")) continue;
          for (const [k, v] of map) if (v === from) map.set(k, to);
          map.set(from, to);
        }
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
