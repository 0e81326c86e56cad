import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import { faultPoint } from "./fault";
import { blobId, catBlobs, GitError, isLockContention, runGit } from "./git";
import { clearStaleGitLock } from "./git-locks";
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
  /** The entries at `rev` of the given files and directories (a trailing "/" lists a directory's children). */
  tree(rev: string, rels: string[]): Promise<Map<string, TreeEntry>>;
  /** Repairs what a crashed save left behind; safe to call at any time. */
  recover(): Promise<void>;
  /** Old path → newest path for every rename Kaizen recorded (chains followed). */
  renames(): Promise<Map<string, string>>;
}

export interface TreeEntry {
  /** "100644", "100755", "120000" (a symlink), "040000" (a directory)… */
  mode: string;
  type: string;
  blob: string;
}

/** One path of a commit: its blob after (null: deleted) and before (null: did not exist). */
const editSchema = z.object({ path: z.string(), blob: z.string().nullable(), base: z.string().nullable() });
export type Edit = z.infer<typeof editSchema>;
/** The save journal: commits whose work-tree and index update may not have finished. */
const pendingSchema = z.array(z.object({ commit: z.string(), pid: z.number(), edits: z.array(editSchema) }));
type Pending = z.infer<typeof pendingSchema>[number];

interface Layout {
  top: string;
  /** The content directory inside the work tree ("" or "sub/dir/"): git's own paths are relative to `top`. */
  prefix: string;
  gitDir: string;
  commonDir: string;
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

const ZERO = "0".repeat(40);
const SYMLINK_MODE = "120000";
const TEMP_INDEX = "kaizen-index-";
/** In the git directory, beside the write lock: it describes this clone's work tree, so it must travel with it. */
const JOURNAL = "kaizen-journal.json";

/** Resolves a path relative to the content root and refuses anything that would leave it. */
export function resolveInside(root: string, rel: string): string {
  const abs = path.resolve(root, rel);
  if (abs !== root && !abs.startsWith(root + path.sep)) throw new AppError("bad_request", `path escapes the content directory: ${rel}`);
  return abs;
}

const TMP_SUFFIX = ".kaizen-tmp";

async function writeAtomic(file: string, text: string | Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}${TMP_SUFFIX}`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

/** Removes what writeAtomic leaves when killed between writing and renaming. */
async function removeTempFiles(files: string[]): Promise<void> {
  for (const file of files) {
    const dir = path.dirname(file);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const base = `${path.basename(file)}.`;
    for (const n of names) if (n.startsWith(base) && n.endsWith(TMP_SUFFIX)) await fs.rm(path.join(dir, n), { force: true });
  }
}

export class GitRepository implements ContentRepository {
  readonly root: string;
  private layoutP: Promise<Layout> | null = null;
  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /**
   * Reads are from HEAD, never from the work tree: the work tree may hold text that was never committed (a save cut
   * off by a crash, a hand edit in a person's clone), and serving it would show readers what no save acknowledged.
   */
  async readFile(rel: string): Promise<string | null> {
    resolveInside(this.root, rel);
    const head = await this.head();
    if (!head) return null;
    const entry = (await this.tree(head, [rel])).get(rel);
    if (!entry || entry.type !== "blob") return null;
    // git stores a symlink as a blob holding its target; its "text" is a path, never the file it points at.
    if (entry.mode === SYMLINK_MODE) throw new AppError("bad_request", `${rel} is a symbolic link`);
    const { top } = await this.layout();
    return (await catBlobs(top, [entry.blob])).get(entry.blob)?.toString("utf8") ?? null;
  }

  async listDir(rel: string): Promise<string[]> {
    resolveInside(this.root, rel);
    const head = await this.head();
    if (!head) return [];
    return [...(await this.tree(head, [`${rel}/`])).keys()].map((p) => path.posix.basename(p)).sort();
  }

  /** The entries at `rev` of the given files and directories (a trailing "/" lists a directory's children). */
  async tree(rev: string, rels: string[]): Promise<Map<string, TreeEntry>> {
    if (!REV.test(rev)) throw new AppError("bad_request", `not a revision: ${rev}`);
    const { top, prefix } = await this.layout();
    const out = new Map<string, TreeEntry>();
    if (rels.length === 0) return out;
    for (const r of rels) resolveInside(this.root, r);
    const full = rels.map((r) => prefix + r);
    const text = (await runGit(top, ["ls-tree", "-z", "--full-tree", rev, "--", ...full])).stdout;
    for (const rec of text.split("\0")) {
      const tab = rec.indexOf("\t");
      if (tab < 0) continue;
      const [mode = "", type = "", blob = ""] = rec.slice(0, tab).split(" ");
      const p = rec.slice(tab + 1);
      if (!p.startsWith(prefix)) continue;
      out.set(p.slice(prefix.length), { mode, type, blob });
    }
    return out;
  }

  /** The text of many blobs at once (one git process), by blob id. */
  async readBlobs(ids: readonly string[]): Promise<Map<string, string>> {
    const { top } = await this.layout();
    const raw = await catBlobs(top, ids);
    return new Map([...raw].map(([id, buf]) => [id, buf.toString("utf8")]));
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
   * Compare-and-swap commit, built without the shared index or the work tree: blobs and a tree are written through
   * a private index file, the commit object is made with commit-tree, and the branch is moved with update-ref from
   * the revision the checks were made against (itself a compare-and-swap). Only then is the work tree brought up to
   * date. So a crash at any step either leaves the branch where it was (the new objects are merely unreferenced,
   * which fsck accepts) or has moved it atomically; a stale `.git/index.lock` cannot block a save; and the base
   * blobs are checked against HEAD, the text that is served. Resolves only once the branch points at the commit.
   */
  async commit(changes: FileChange[], message: string, author: Author): Promise<string> {
    for (const ch of changes) {
      resolveInside(this.root, ch.path);
      if (ch.renamedFrom) resolveInside(this.root, ch.renamedFrom);
    }
    const renames = changes.filter((c) => c.renamedFrom && c.renamedFrom !== c.path).map((c): Rename => ({ from: c.renamedFrom!, to: c.path }));
    const fullMessage = withRenameTrailers(message, renames);
    return withWriteLock(this.root, async () => {
      await this.finishPending();
      for (let attempt = 0; ; attempt++) {
        const head = await this.head();
        const paths = [...new Set(changes.flatMap((ch) => [ch.path, ch.renamedFrom].filter((x): x is string => !!x)))];
        const current = head ? await this.tree(head, paths) : new Map<string, TreeEntry>();
        const blobAt = (rel: string) => current.get(rel)?.blob ?? null;
        for (const ch of changes) {
          const from = ch.renamedFrom ?? ch.path;
          if (ch.baseBlob !== undefined && blobAt(from) !== ch.baseBlob) {
            const blob = blobAt(from);
            throw new ConflictError(from, blob ? ((await this.readBlobs([blob])).get(blob) ?? null) : null, blob);
          }
          if (ch.renamedFrom && ch.renamedFrom !== ch.path && blobAt(ch.path) !== null) throw new AppError("conflict", `${ch.path} already exists`);
        }
        const edits = new Map<string, Edit>();
        for (const ch of changes) {
          if (ch.renamedFrom && ch.renamedFrom !== ch.path) edits.set(ch.renamedFrom, { path: ch.renamedFrom, blob: null, base: blobAt(ch.renamedFrom) });
          const blob = ch.content === null ? null : await this.hashObject(ch.content);
          edits.set(ch.path, { path: ch.path, blob, base: blobAt(ch.path) });
        }
        faultPoint("write");
        const env = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: "Kaizen", GIT_COMMITTER_EMAIL: "kaizen@localhost" };
        const made = await this.buildCommit(head, [...edits.values()], fullMessage, env);
        faultPoint("commit");
        // Recorded before the branch moves: after a crash from here on, the next start knows which work-tree files
        // were Kaizen's to bring up to date (and which dirty files are someone else's, to be left alone).
        await this.addPending({ commit: made, pid: process.pid, edits: [...edits.values()] });
        try {
          await this.moveBranch(head, made, message);
        } catch (err) {
          await this.dropPending(made);
          // The branch moved under us (a pull, a commit from a shell in the same clone): check and build again.
          if (err instanceof GitError && /but expected|is at .* but expected|reference already exists/i.test(err.stderr) && attempt < 5) continue;
          throw err;
        }
        faultPoint("ref");
        await this.finishPending();
        return made;
      }
    });
  }

  /**
   * Runs `fn` under the write lock every save takes, after repairing what a crash left: sync (fetch, rebase, reset)
   * moves the branch only from inside it, so a save and a pull never interleave.
   */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    return withWriteLock(this.root, async () => {
      await this.finishPending();
      return fn();
    });
  }

  /**
   * Moves the branch from `from` to `to` (compare-and-swap) and brings the work-tree files that differ up to `to`,
   * through the same journal as a save, so a crash in between is repaired the same way. Only inside withLock.
   */
  async advanceLocked(from: string | null, to: string, reason: string): Promise<void> {
    const edits = await this.changesBetween(from, to);
    await this.addPending({ commit: to, pid: process.pid, edits });
    try {
      await this.moveBranch(from, to, reason);
    } catch (err) {
      await this.dropPending(to);
      throw err;
    }
    await this.finishPending();
  }

  /** The content files that differ between two commits (`from` null: everything in `to`), as journal edits. */
  async changesBetween(from: string | null, to: string): Promise<Edit[]> {
    for (const r of [from, to]) if (r !== null && !REV.test(r)) throw new AppError("bad_request", `not a revision: ${r}`);
    const { top, prefix } = await this.layout();
    const spec = prefix ? ["--", prefix] : [];
    const args = from ? ["diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", from, to, ...spec] : ["diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", "--root", to, ...spec];
    const tokens = (await runGit(top, args)).stdout.split("\0");
    const edits: Edit[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const m = /^:\d{6} \d{6} ([0-9a-f]{40}) ([0-9a-f]{40}) ([A-Z])/.exec(tokens[i] ?? "");
      if (!m) continue;
      const full = tokens[++i] ?? "";
      if (!full.startsWith(prefix)) continue;
      edits.push({ path: full.slice(prefix.length), base: m[1] === ZERO ? null : m[1]!, blob: m[3] === "D" || m[2] === ZERO ? null : m[2]! });
    }
    return edits;
  }

  /** A commit of `parent` with these edits applied (a replayed local commit keeps its author, date and message). */
  async commitOnto(parent: string, edits: Edit[], message: string, env: Record<string, string>): Promise<string> {
    return this.buildCommit(parent, edits, message, env);
  }

  /** Finishes work-tree updates left pending by a crash, and sets aside what a crash left half-written. */
  async recover(): Promise<void> {
    await withWriteLock(this.root, () => this.finishPending());
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

  private layout(): Promise<Layout> {
    this.layoutP ??= (async () => {
      const [top = "", prefix = "", gitDir = "", common = ""] = (
        await runGit(this.root, ["rev-parse", "--show-toplevel", "--show-prefix", "--absolute-git-dir", "--git-common-dir"])
      ).stdout.split("\n");
      return { top, prefix, gitDir, commonDir: path.resolve(this.root, common) };
    })();
    this.layoutP.catch(() => (this.layoutP = null));
    return this.layoutP;
  }

  private async hashObject(content: string | Buffer): Promise<string> {
    const { top } = await this.layout();
    return (await runGit(top, ["hash-object", "-w", "--stdin"], { input: content })).stdout.trim();
  }

  /** A commit of `parent`'s tree with the edits applied, built in a private index so the shared one is not touched. */
  private async buildCommit(parent: string | null, edits: Edit[], message: string, env: Record<string, string>): Promise<string> {
    const { top, prefix, gitDir } = await this.layout();
    const index = path.join(gitDir, `${TEMP_INDEX}${process.pid}-${randomBytes(4).toString("hex")}`);
    const withIndex = { ...env, GIT_INDEX_FILE: index };
    try {
      if (parent) await runGit(top, ["read-tree", parent], { env: withIndex });
      const info = edits.map((e) => `${e.blob ? `100644 ${e.blob}` : `0 ${ZERO}`}\t${prefix}${e.path}\0`).join("");
      await runGit(top, ["update-index", "-z", "--index-info"], { env: withIndex, input: info });
      const tree = (await runGit(top, ["write-tree"], { env: withIndex })).stdout.trim();
      faultPoint("add");
      // commit-tree, unlike commit, ignores commit.gpgSign: a repository that signs its commits must keep doing so.
      const sign = (await runGit(top, ["config", "--type=bool", "--get", "commit.gpgSign"]).catch(() => null))?.stdout.trim() === "true";
      const args = ["commit-tree", tree, ...(parent ? ["-p", parent] : []), ...(sign ? ["-S"] : []), "-m", message];
      return (await runGit(top, args, { env: withIndex })).stdout.trim();
    } finally {
      await fs.rm(index, { force: true });
      await fs.rm(`${index}.lock`, { force: true });
    }
  }

  /** Moves the checked-out branch (or a detached HEAD) from `from` to `to`, failing if it is no longer at `from`. */
  private async moveBranch(from: string | null, to: string, message: string): Promise<void> {
    const { top, commonDir } = await this.layout();
    const ref = (await runGit(top, ["symbolic-ref", "-q", "HEAD"]).catch(() => null))?.stdout.trim() || null;
    const args = ref ? ["update-ref", "-m", `kaizen: ${message.split("\n")[0]}`, ref, to, from ?? ZERO] : ["update-ref", "--no-deref", "-m", "kaizen", "HEAD", to, from ?? ZERO];
    await this.underGitLock(ref ? path.join(commonDir, `${ref}.lock`) : path.join(commonDir, "HEAD.lock"), () => runGit(top, args));
  }

  private async journalFile(): Promise<string> {
    return path.join((await this.layout()).gitDir, JOURNAL);
  }

  private async readPending(): Promise<Pending[]> {
    const text = await fs.readFile(await this.journalFile(), "utf8").catch(() => null);
    if (text === null) return [];
    const parsed = pendingSchema.safeParse((() => { try { return JSON.parse(text) as unknown; } catch { return null; } })());
    if (!parsed.success) {
      console.warn("[kaizen] ignoring an unreadable save journal");
      return [];
    }
    return parsed.data;
  }

  private async writePending(list: Pending[]): Promise<void> {
    const file = await this.journalFile();
    if (list.length === 0) return void (await fs.rm(file, { force: true }));
    const tmp = `${file}.tmp`;
    const handle = await fs.open(tmp, "w");
    try {
      await handle.writeFile(JSON.stringify(list));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  }

  private async addPending(entry: Pending): Promise<void> {
    await this.writePending([...(await this.readPending()), entry]);
  }

  private async dropPending(commit: string): Promise<void> {
    await this.writePending((await this.readPending()).filter((p) => p.commit !== commit));
  }

  /**
   * Brings every journaled path of the work tree and the shared index to HEAD's version. Runs under the write lock,
   * so any journal entry belongs to a save that is over: this one, or one a crash cut off. A journaled file whose
   * text is none of the versions that save knew (the one before, the one it wrote, HEAD's) was edited by something
   * else meanwhile: it is committed to refs/kaizen/uncommitted/<time> before being replaced, so nothing is lost.
   * Dirty files the journal does not name are not Kaizen's and are left alone (they are never served either).
   */
  private async finishPending(): Promise<void> {
    const { top, prefix, gitDir } = await this.layout();
    for (const n of await fs.readdir(gitDir).catch(() => [] as string[])) {
      // Private indexes of builds a crash cut off (only ever used under the write lock, which this holds).
      if (n.startsWith(TEMP_INDEX)) await fs.rm(path.join(gitDir, n), { force: true });
    }
    const pending = await this.readPending();
    if (pending.length === 0) return;
    const head = await this.head();
    const rels = [...new Set(pending.flatMap((p) => p.edits.map((e) => e.path)))];
    const atHead = head ? await this.tree(head, rels) : new Map<string, TreeEntry>();
    const texts = await catBlobs(top, [...atHead.values()].map((e) => e.blob));
    const setAside: { path: string; content: Buffer }[] = [];
    const writes: { abs: string; content: Buffer | null }[] = [];
    for (const rel of rels) {
      const abs = resolveInside(this.root, rel);
      const target = atHead.get(rel);
      const want = target ? (texts.get(target.blob) ?? null) : null;
      const known = new Set<string | null>(pending.flatMap((p) => p.edits.filter((e) => e.path === rel).flatMap((e) => [e.base, e.blob])));
      known.add(target?.blob ?? null);
      const st = await fs.lstat(abs).catch(() => null);
      if (st && !st.isFile()) continue; // a directory or symlink where a file was: not something a save leaves
      const have = st ? await fs.readFile(abs) : null;
      const haveBlob = have ? blobId(have) : null;
      if (have && !known.has(haveBlob)) setAside.push({ path: rel, content: have });
      if (haveBlob !== (target?.blob ?? null)) writes.push({ abs, content: want });
    }
    if (setAside.length > 0) await this.setAside(head, setAside);
    for (const w of writes) {
      if (w.content === null) await fs.rm(w.abs, { force: true });
      else await writeAtomic(w.abs, w.content);
    }
    await removeTempFiles(rels.map((r) => resolveInside(this.root, r)));
    faultPoint("index");
    const indexed = await this.refreshIndex(rels.map((r) => prefix + r), path.join(gitDir, "index.lock"));
    // Kept in the journal while the shared index could not be updated, so the next save (or start) tries again.
    if (indexed) await this.writePending([]);
  }

  /** Updates the shared index entries of these paths from the work tree; false when another program holds its lock. */
  private async refreshIndex(fullPaths: string[], lock: string): Promise<boolean> {
    const { top } = await this.layout();
    try {
      await this.underGitLock(lock, () => runGit(top, ["update-index", "--add", "--remove", "--", ...fullPaths]));
      return true;
    } catch (err) {
      if (!isLockContention(err)) throw err;
      console.warn(`[kaizen] ${lock} is held by another program: the index entries of ${fullPaths.join(", ")} are updated on the next save`);
      return false;
    }
  }

  /**
   * Runs a git command that takes `lock`. On contention a lock a killed git left is removed at once (see
   * clearStaleGitLock for when that is safe); one another program holds is waited for a little, as before.
   */
  private async underGitLock<T>(lock: string, fn: () => Promise<T>, cleared = 0): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!isLockContention(err)) throw err;
      const { top, gitDir, commonDir } = await this.layout();
      // git names the lock it could not take, which is not always the obvious one: update-ref with a reflog message
      // on the checked-out branch also locks HEAD. Only a lock inside this repository's git directories is touched.
      const named = err instanceof GitError ? /Unable to create '([^']+\.lock)'/.exec(err.stderr)?.[1] : undefined;
      const inside = (p: string) => [gitDir, commonDir].some((d) => p.startsWith(d + path.sep));
      const target = named && inside(path.resolve(top, named)) ? path.resolve(top, named) : lock;
      // A command may need several locks (HEAD and the branch): each stale one is cleared in turn, a few at most.
      if (cleared < 4 && (await clearStaleGitLock(target, this.root, top))) return await this.underGitLock(lock, fn, cleared + 1);
      return await this.retry(fn);
    }
  }

  /** Commits these work-tree texts on top of `parent` to a ref of their own, out of every branch, and says where. */
  private async setAside(parent: string | null, files: { path: string; content: Buffer }[]): Promise<string> {
    const edits: Edit[] = [];
    for (const f of files) edits.push({ path: f.path, blob: await this.hashObject(f.content), base: null });
    const env = { GIT_AUTHOR_NAME: "Kaizen", GIT_AUTHOR_EMAIL: "kaizen@localhost", GIT_COMMITTER_NAME: "Kaizen", GIT_COMMITTER_EMAIL: "kaizen@localhost" };
    const list = files.map((f) => f.path).join(", ");
    const commit = await this.buildCommit(parent, edits, `Uncommitted changes set aside by Kaizen: ${list}`, env);
    const ref = `refs/kaizen/uncommitted/${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
    const { top } = await this.layout();
    await runGit(top, ["update-ref", ref, commit, ZERO]);
    console.warn(`[kaizen] uncommitted changes to ${list} were set aside on ${ref} (git show ${ref}); the work tree now has the committed text`);
    return ref;
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
