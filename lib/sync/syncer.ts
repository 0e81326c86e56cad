import fs from "node:fs/promises";
import path from "node:path";
import { GitError, runGit } from "../content/git";
import type { Edit, GitRepository } from "../content/repository";
import { INCIDENTS_DIR, type ContentStore } from "../content/store";
import { redact, remoteGit, type SyncConfig } from "./config";
import { readConflicts, readSyncState, writeConflicts, writeSyncState, type SyncConflict, type SyncState } from "./state";

const ZERO = "0".repeat(40);
const MAX_PUSH_ROUNDS = 5;
const MAX_BACKOFF_MS = 60_000;

/** A problem with the clone itself (wrong remote): sync stays off and says why, the local content is still served. */
export class SyncSetupError extends Error {}

const stamp = () => new Date().toISOString().replace(/[:.]/g, "-");
// git itself treats "file:///x" and "/x" as the same repository.
const normalizeUrl = (u: string) => u.trim().replace(/^file:\/\//, "").replace(/\/+$/, "").replace(/\.git$/, "");

/**
 * Keeps one clone in step with the team's remote: fetch, fast-forward or replay unpushed local commits, push (never
 * --force). Every change to the branch happens under the repository's write lock, the one saves take. Requests
 * (interval, webhook, a save) coalesce: one run at a time and at most one queued behind it.
 */
export class Syncer {
  state: SyncState;
  /** Fetches made so far (a burst of webhooks must cost one). */
  fetches = 0;
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  private readonly listeners = new Set<() => Promise<void> | void>();
  private readonly pushListeners = new Set<(commit: string) => void>();

  constructor(
    readonly store: ContentStore,
    readonly repo: GitRepository,
    readonly cfg: SyncConfig,
    readonly dataDir: string,
  ) {
    this.state = { remote: redact(cfg.remote, [cfg.token]), branch: cfg.branch, head: null, remoteHead: null, pending: 0, lastFetch: null, lastPush: null, lastError: null, unreachableSince: null, lastRewrite: null };
  }

  get root(): string {
    return this.repo.root;
  }

  private get tracking(): string {
    return `refs/remotes/origin/${this.cfg.branch}`;
  }

  /** Called after the branch moved because of the remote (the caller re-indexes). */
  onPulled(fn: () => Promise<void> | void): void {
    this.listeners.add(fn);
  }

  /** Called after this clone pushed `commit` to the remote branch (replicas tell each other, lib/shared-state). */
  onPushed(fn: (commit: string) => void): void {
    this.pushListeners.add(fn);
  }

  /** Clones into an empty content directory, or checks that an existing clone is of the configured remote. */
  async prepare(): Promise<void> {
    const saved = await readSyncState(this.dataDir);
    if (saved && normalizeUrl(saved.remote) === normalizeUrl(this.state.remote)) this.state = { ...saved, lastError: null };
    const entries = await fs.readdir(this.root).catch(() => null);
    if (entries === null || entries.length === 0) {
      await fs.mkdir(this.root, { recursive: true });
      const { env, pre } = remoteGit(this.cfg);
      await this.git(path.dirname(this.root), [...pre, "clone", "--no-tags", "--branch", this.cfg.branch, "--", this.cfg.remote, this.root], env);
      this.fetches++;
    } else {
      const url = (await runGit(this.root, ["remote", "get-url", "origin"]).catch(() => null))?.stdout.trim();
      if (!url) throw new SyncSetupError(`${this.root} is not a clone of KAIZEN_GIT_REMOTE (it has no "origin" remote); empty it to let Kaizen clone, or add the remote`);
      if (normalizeUrl(url) !== normalizeUrl(this.cfg.remote)) {
        throw new SyncSetupError(`${this.root} is a clone of ${redact(url, [this.cfg.token])}, not of KAIZEN_GIT_REMOTE (${this.state.remote}): nothing is synced until they agree`);
      }
    }
    await this.repo.recover();
    await this.saveState();
  }

  /** Starts the interval loop (and a first sync at once). */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.requestSync(), this.cfg.intervalMs);
    this.timer.unref();
    void this.requestSync();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = null;
  }

  /** Asks for a sync; resolves when one that started after this call has finished. Never rejects. */
  requestSync(): Promise<void> {
    if (this.next) return this.next;
    if (!this.current) return this.launch();
    this.next = this.current.then(() => {
      this.next = null;
      return this.launch();
    });
    return this.next;
  }

  private launch(): Promise<void> {
    this.current = this.run().finally(() => (this.current = null));
    return this.current;
  }

  /** Waits for whatever is running or queued. */
  async idle(): Promise<void> {
    while (this.current || this.next) await (this.next ?? this.current);
  }

  private async run(): Promise<void> {
    try {
      await this.syncOnce();
      this.failures = 0;
      this.state.lastError = null;
      this.state.unreachableSince = null;
    } catch (err) {
      this.failures++;
      this.state.lastError = redact(err instanceof GitError ? err.stderr.trim() || err.message : (err as Error).message, [this.cfg.token]).slice(0, 500);
      this.state.unreachableSince ??= new Date().toISOString();
      console.warn(`[kaizen] sync with the remote failed (attempt ${this.failures}): ${this.state.lastError}`);
      this.scheduleRetry();
    } finally {
      await this.refreshCounts().catch(() => undefined);
      await this.saveState().catch(() => undefined);
    }
  }

  /** Backoff 1 s, 2 s, 4 s … 60 s: pending commits go out as soon as the remote is back. */
  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures - 1, 6));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.requestSync();
    }, delay);
    this.retryTimer.unref();
  }

  /** One round: fetch, integrate, push; a push rejected because the remote moved goes round again. */
  async syncOnce(): Promise<void> {
    for (let round = 0; round < MAX_PUSH_ROUNDS; round++) {
      await this.fetch();
      const moved = await this.integrate();
      if (moved) await this.pulled();
      const pushed = await this.push();
      if (pushed !== "rejected") return;
    }
    throw new Error("the remote kept moving while pushing; trying again later");
  }

  private async fetch(): Promise<void> {
    const { env, pre } = remoteGit(this.cfg);
    this.fetches++;
    try {
      await this.git(this.root, [...pre, "fetch", "--no-tags", "--no-write-fetch-head", "origin", `+refs/heads/${this.cfg.branch}:${this.tracking}`], env);
    } catch (err) {
      // A new, empty team repository has no branch yet: the first push creates it.
      if (!(err instanceof GitError && /couldn't find remote ref/i.test(err.stderr))) throw err;
      await runGit(this.root, ["update-ref", "-d", this.tracking]).catch(() => undefined);
    }
    this.state.lastFetch = new Date().toISOString();
  }

  /** Brings the fetched remote branch into the local one; true when the local branch moved. */
  private async integrate(): Promise<boolean> {
    return this.repo.withLock(async () => {
      const local = await this.repo.head();
      const remote = await this.revParse(this.tracking);
      const seen = this.state.remoteHead;
      if (!remote || local === remote) {
        this.state.remoteHead = remote;
        return false;
      }
      if (!local || (await this.isAncestor(local, remote))) {
        await this.repo.advanceLocked(local, remote, "kaizen sync: fast-forward");
        this.state.remoteHead = remote;
        return true;
      }
      if (await this.isAncestor(remote, local)) {
        this.state.remoteHead = remote;
        return false;
      }
      // Upstream no longer contains what it had: history was rewritten (a force-push). Nothing is merged blindly and
      // nothing local is thrown away: the local branch is kept on a backup ref, then the clone follows the remote.
      if (seen && seen !== remote && !(await this.isAncestor(seen, remote)) && (await this.objectExists(seen))) {
        const backupRef = `refs/kaizen/backup/${stamp()}`;
        await runGit(this.root, ["update-ref", backupRef, local, ZERO]);
        await this.repo.advanceLocked(local, remote, "kaizen sync: upstream history rewritten");
        this.state.lastRewrite = { at: new Date().toISOString(), backupRef };
        this.state.remoteHead = remote;
        console.warn(`[kaizen] the remote branch was rewritten; local commits are kept on ${backupRef}`);
        return true;
      }
      const rebased = await this.replay(local, remote);
      await this.repo.advanceLocked(local, rebased, "kaizen sync: rebase onto the remote");
      this.state.remoteHead = remote;
      return true;
    });
  }

  /**
   * Replays the unpushed local commits onto the remote, one by one, keeping author, date and message. A commit that
   * touches a file the remote also changed is not replayed: it is kept on refs/kaizen/conflicts/<id>/<time> and its
   * author is shown a conflict; later local commits of the same file follow it there.
   */
  private async replay(local: string, remote: string): Promise<string> {
    const base = (await runGit(this.root, ["merge-base", local, remote])).stdout.trim();
    const theirs = await this.repo.changesBetween(base, remote);
    const blocked = new Set(theirs.map((e) => e.path));
    const commits = (await runGit(this.root, ["rev-list", "--reverse", "--no-merges", `${base}..${local}`])).stdout.split("\n").filter(Boolean);
    let onto = remote;
    const conflicts: SyncConflict[] = [];
    for (const c of commits) {
      const edits: Edit[] = await this.repo.changesBetween(await this.revParse(`${c}^`), c);
      if (edits.some((e) => blocked.has(e.path))) {
        for (const e of edits) blocked.add(e.path);
        conflicts.push(...(await this.keepConflict(c, edits, remote)));
        continue;
      }
      const [name = "", email = "", date = "", message = ""] = (await runGit(this.root, ["log", "-1", "--format=%an%x00%ae%x00%aI%x00%B", c])).stdout.split("\0");
      const env = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: "Kaizen", GIT_COMMITTER_EMAIL: "kaizen@localhost" };
      onto = await this.repo.commitOnto(onto, edits.map((e) => ({ ...e, base: null })), message.replace(/\n+$/, ""), env);
    }
    if (conflicts.length) await this.addConflicts(conflicts);
    return onto;
  }

  private async keepConflict(commit: string, edits: Edit[], remote: string): Promise<SyncConflict[]> {
    const [name = "", email = ""] = (await runGit(this.root, ["log", "-1", "--format=%an%x00%ae", commit])).stdout.trim().split("\0");
    const out: SyncConflict[] = [];
    for (const e of edits) {
      const m = new RegExp(`^${INCIDENTS_DIR}/([^/]+)\\.mdx$`).exec(e.path);
      const id = m?.[1] ?? e.path.replace(/[^A-Za-z0-9-]+/g, "-");
      const ref = `refs/kaizen/conflicts/${id}/${stamp()}`;
      await runGit(this.root, ["update-ref", ref, commit]);
      const atRemote = (await this.repo.tree(remote, [e.path])).get(e.path);
      const texts = await this.repo.readBlobs([e.blob, atRemote?.blob].filter((b): b is string => !!b));
      out.push({
        id, path: e.path, authorEmail: email, authorName: name, ref, at: new Date().toISOString(),
        mine: e.blob ? (texts.get(e.blob) ?? null) : null,
        theirs: atRemote ? (texts.get(atRemote.blob) ?? null) : null,
        theirsBlob: atRemote?.blob ?? null,
      });
      console.warn(`[kaizen] ${e.path} was changed on the remote too: ${email}'s commit is kept on ${ref}`);
    }
    return out;
  }

  private async addConflicts(list: SyncConflict[]): Promise<void> {
    const all = await readConflicts(this.dataDir);
    await writeConflicts(this.dataDir, [...all, ...list]);
  }

  /** Pushes the local branch when it is ahead; "rejected" when the remote moved meanwhile. Never forces. */
  private async push(): Promise<"none" | "pushed" | "rejected"> {
    const local = await this.repo.head();
    const remote = await this.revParse(this.tracking);
    if (!local || local === remote || (remote && (await this.isAncestor(local, remote)))) return "none";
    const { env, pre } = remoteGit(this.cfg);
    try {
      await this.git(this.root, [...pre, "push", "--porcelain", "origin", `${local}:refs/heads/${this.cfg.branch}`], env);
    } catch (err) {
      if (err instanceof GitError && /\[rejected\]|non-fast-forward|fetch first|stale info|failed to update ref/i.test(err.stderr)) return "rejected";
      throw err;
    }
    await runGit(this.root, ["update-ref", this.tracking, local]);
    this.state.remoteHead = local;
    this.state.lastPush = new Date().toISOString();
    for (const fn of this.pushListeners) fn(local);
    return "pushed";
  }

  private async pulled(): Promise<void> {
    await this.store.forceRefresh();
    for (const fn of this.listeners) await fn();
  }

  private async refreshCounts(): Promise<void> {
    this.state.head = await this.repo.head();
    const remote = await this.revParse(this.tracking);
    if (!this.state.head) this.state.pending = 0;
    else this.state.pending = Number((await runGit(this.root, ["rev-list", "--count", this.state.head, ...(remote ? [`^${remote}`] : [])])).stdout.trim()) || 0;
  }

  async saveState(): Promise<void> {
    await writeSyncState(this.dataDir, this.state);
  }

  private async revParse(rev: string): Promise<string | null> {
    return (await runGit(this.root, ["rev-parse", "--verify", "-q", `${rev}^{commit}`]).catch(() => null))?.stdout.trim() || null;
  }

  private async isAncestor(a: string, b: string): Promise<boolean> {
    return runGit(this.root, ["merge-base", "--is-ancestor", a, b]).then(() => true, () => false);
  }

  private async objectExists(rev: string): Promise<boolean> {
    return runGit(this.root, ["cat-file", "-e", `${rev}^{commit}`]).then(() => true, () => false);
  }

  /** Runs a git command that talks to the remote; its messages are redacted before they can go anywhere. */
  private async git(cwd: string, args: string[], env: Record<string, string>): Promise<void> {
    try {
      await runGit(cwd, args, { env });
    } catch (err) {
      if (err instanceof GitError) throw new GitError(redact(err.message, [this.cfg.token]), redact(err.stderr, [this.cfg.token]), err.exitCode);
      throw err;
    }
  }
}
