import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GitRepository } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { readSyncConfig, redact } from "../../lib/sync/config";
import { readConflicts } from "../../lib/sync/state";
import { Syncer, SyncSetupError } from "../../lib/sync/syncer";
import { bareRemote, outsideGit, removeTempDirs, tempDir } from "../fixtures/git-repo";

const FACTORS = `- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
`;
const incident = (title: string, body = "Something happened.") =>
  ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", "---", "", "## Summary", "", body, ""].join("\n");

const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await removeTempDirs();
});

const git = outsideGit;

const tmp = () => tempDir("kaizen-sync-");

/** A bare remote with one incident, and a person's clone of it to push "from outside" (a merged pull request). */
async function remoteWithContent(): Promise<{ bare: string; outside: string; base: string }> {
  const { bare, outside, base } = await bareRemote({ "factors.yml": FACTORS, "incidents/db-outage.mdx": incident("Database outage") }, { prefix: "kaizen-sync-" });
  return { bare, outside, base };
}

async function outsideCommit(outside: string, file: string, text: string, message = "from a pull request"): Promise<void> {
  git(outside, "pull", "-q", "--rebase", "origin", "main");
  await fs.mkdir(path.dirname(path.join(outside, file)), { recursive: true });
  await fs.writeFile(path.join(outside, file), text);
  git(outside, "add", "-A");
  git(outside, "commit", "-qm", message);
  git(outside, "push", "-q", "origin", "HEAD:main");
}

async function instance(remote: string, env: Record<string, string> = {}) {
  const base = await tmp();
  const content = path.join(base, "content");
  const data = path.join(base, "data");
  await fs.mkdir(content);
  const cfg = readSyncConfig({ KAIZEN_GIT_REMOTE: remote, KAIZEN_SYNC_INTERVAL: "3600", ...env })!;
  const repo = new GitRepository(content);
  const store = new ContentStore(repo);
  const syncer = new Syncer(store, repo, cfg, data);
  await syncer.prepare();
  store.onCommit(() => void syncer.requestSync());
  return { content, data, store, syncer, repo };
}

const ANA = { name: "Ana Lima", email: "ana@example.com" };

async function edit(store: ContentStore, id: string, text: string) {
  const snap = await store.forceRefresh();
  const cur = snap.byId.get(id);
  return store.commit([{ path: `incidents/${id}.mdx`, content: text, baseBlob: cur ? cur.blob : null }], `Edit ${id}`, ANA);
}

describe("sync with a remote over file://", () => {
  it("clones into an empty content directory and pulls a commit pushed from outside", async () => {
    const { bare, outside } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    expect((await a.store.snapshot()).byId.get("db-outage")?.ok).toBe(true);
    await outsideCommit(outside, "incidents/cache-storm.mdx", incident("Cache storm"));
    await a.syncer.requestSync();
    const snap = await a.store.snapshot();
    expect(snap.byId.get("cache-storm")?.ok).toBe(true);
    expect(a.syncer.state.lastError).toBeNull();
    // The work tree follows too, for people using the clone.
    expect(await fs.readFile(path.join(a.content, "incidents", "cache-storm.mdx"), "utf8")).toContain("Cache storm");
  });

  it("a broken file that arrives by pull is a broken incident, the rest still served", async () => {
    const { bare, outside } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    await outsideCommit(outside, "incidents/broken.mdx", "---\ntitle: [unclosed\n---\n");
    await a.syncer.requestSync();
    const snap = await a.store.snapshot();
    expect(snap.byId.get("broken")?.ok).toBe(false);
    expect(snap.byId.get("db-outage")?.ok).toBe(true);
  });

  it("pushes an acknowledged save in the background with its author", async () => {
    const { bare } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    const { commit } = await edit(a.store, "db-outage", incident("Database outage", "Edited on the web."));
    await a.syncer.idle();
    expect(git(bare, "rev-parse", "main")).toBe(commit);
    expect(git(bare, "log", "-1", "--format=%an <%ae>", "main")).toBe("Ana Lima <ana@example.com>");
    expect(a.syncer.state.pending).toBe(0);
    expect(a.syncer.state.lastPush).not.toBeNull();
  });

  it("remote down: the save succeeds, stays pending, and is pushed when the remote is back", async () => {
    const { bare, base } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    const away = path.join(base, "away.git");
    await fs.rename(bare, away);
    const { commit } = await edit(a.store, "db-outage", incident("Database outage", "Written while the remote was down."));
    await a.syncer.idle();
    expect(a.syncer.state.pending).toBe(1);
    expect(a.syncer.state.lastError).toBeTruthy();
    expect(a.syncer.state.unreachableSince).not.toBeNull();
    await fs.rename(away, bare);
    await a.syncer.requestSync();
    expect(git(bare, "rev-parse", "main")).toBe(commit);
    expect(a.syncer.state.pending).toBe(0);
    expect(a.syncer.state.unreachableSince).toBeNull();
    a.syncer.stop();
  });

  it("rebases an unpushed local commit onto a remote change of another file", async () => {
    const { bare, outside, base } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    await fs.rename(bare, path.join(base, "away.git"));
    await edit(a.store, "db-outage", incident("Database outage", "Local edit."));
    await a.syncer.idle();
    a.syncer.stop();
    await fs.rename(path.join(base, "away.git"), bare);
    await outsideCommit(outside, "incidents/other.mdx", incident("Other"));
    await a.syncer.requestSync();
    expect(git(bare, "show", "main:incidents/db-outage.mdx")).toContain("Local edit.");
    expect(git(bare, "show", "main:incidents/other.mdx")).toContain("Other");
    expect(git(bare, "log", "-1", "--format=%ae", "main")).toBe("ana@example.com");
    expect(a.syncer.state.pending).toBe(0);
  });

  it("the remote changed the same incident: the user's commit is kept on a conflicts ref and recorded", async () => {
    const { bare, outside, base } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    await fs.rename(bare, path.join(base, "away.git"));
    const { commit } = await edit(a.store, "db-outage", incident("Database outage", "Mine."));
    await a.syncer.idle();
    a.syncer.stop();
    await fs.rename(path.join(base, "away.git"), bare);
    await outsideCommit(outside, "incidents/db-outage.mdx", incident("Database outage", "Theirs, merged in a PR."));
    await a.syncer.requestSync();
    const refs = git(a.content, "for-each-ref", "--format=%(refname) %(objectname)", "refs/kaizen/conflicts/");
    expect(refs).toMatch(new RegExp(`^refs/kaizen/conflicts/db-outage/\\S+ ${commit}$`));
    const conflicts = await readConflicts(a.data);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ id: "db-outage", authorEmail: "ana@example.com" });
    expect(conflicts[0]!.mine).toContain("Mine.");
    expect(conflicts[0]!.theirs).toContain("Theirs, merged in a PR.");
    const snap = await a.store.snapshot();
    expect(snap.byId.get("db-outage")?.blob).toBe(conflicts[0]!.theirsBlob);
    expect(git(bare, "show", "main:incidents/db-outage.mdx")).toContain("Theirs");
    expect(a.syncer.state.pending).toBe(0);
  });

  it("a force-push upstream keeps the local commits on a backup ref and follows the remote", async () => {
    const { bare, outside, base } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    await outsideCommit(outside, "incidents/second.mdx", incident("Second"));
    await a.syncer.requestSync();
    await fs.rename(bare, path.join(base, "away.git"));
    const { commit } = await edit(a.store, "db-outage", incident("Database outage", "Local, unpushed."));
    await a.syncer.idle();
    a.syncer.stop();
    await fs.rename(path.join(base, "away.git"), bare);
    // Rewrite upstream: drop "second", add something else.
    git(outside, "reset", "-q", "--hard", "HEAD~1");
    await fs.writeFile(path.join(outside, "incidents", "rewritten.mdx"), incident("Rewritten"));
    git(outside, "add", "-A");
    git(outside, "commit", "-qm", "rewritten history");
    git(outside, "push", "-q", "--force", "origin", "HEAD:main");
    await a.syncer.requestSync();
    const backup = a.syncer.state.lastRewrite?.backupRef ?? "";
    expect(backup).toMatch(/^refs\/kaizen\/backup\//);
    expect(git(a.content, "rev-parse", backup)).toBe(commit);
    expect(await a.repo.head()).toBe(git(bare, "rev-parse", "main"));
    expect((await a.store.snapshot()).byId.has("rewritten")).toBe(true);
    git(a.content, "fsck", "--strict", "--no-progress");
  });

  it("a commit made before a crash (never pushed) is pushed by the next start, and the clone stays fsck-clean", async () => {
    const { bare } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    // The save is acknowledged by its local commit; the process dies before any push (no syncer listens here).
    const repo = new GitRepository(a.content);
    const { commit } = await new ContentStore(repo).commit([{ path: "incidents/db-outage.mdx", content: incident("Database outage", "Before the crash.") }], "Edit", ANA);
    expect(git(bare, "rev-parse", "main")).not.toBe(commit);
    const restarted = new Syncer(new ContentStore(repo), repo, readSyncConfig({ KAIZEN_GIT_REMOTE: `file://${bare}` })!, a.data);
    await restarted.prepare();
    await restarted.requestSync();
    expect(git(bare, "rev-parse", "main")).toBe(commit);
    git(a.content, "fsck", "--strict", "--no-progress");
    git(bare, "fsck", "--strict", "--no-progress");
  });

  it("a burst of sync requests coalesces into at most two fetches", async () => {
    const { bare } = await remoteWithContent();
    const a = await instance(`file://${bare}`);
    const before = a.syncer.fetches;
    await Promise.all(Array.from({ length: 20 }, () => a.syncer.requestSync()));
    expect(a.syncer.fetches - before).toBeLessThanOrEqual(2);
  });

  it("refuses an existing clone of another remote, clearly", async () => {
    const one = await remoteWithContent();
    const two = await remoteWithContent();
    const a = await instance(`file://${one.bare}`);
    const syncer = new Syncer(a.store, a.repo, readSyncConfig({ KAIZEN_GIT_REMOTE: `file://${two.bare}` })!, a.data);
    await expect(syncer.prepare()).rejects.toThrow(SyncSetupError);
    await expect(syncer.prepare()).rejects.toThrow(/is a clone of .*not of KAIZEN_GIT_REMOTE/);
  });
});

describe("credentials", () => {
  it("refuses credentials in the remote URL", () => {
    expect(() => readSyncConfig({ KAIZEN_GIT_REMOTE: "https://bot:s3cr3t-token@git.example.com/team/pm.git" })).toThrow(/KAIZEN_GIT_TOKEN/);
  });
  it("redacts tokens, URL userinfo and forge token shapes", () => {
    const out = redact("fatal: https://bot:abcd1234@h/x ghp_0123456789abcdefABCDEF0123 secret-value-xyz", ["secret-value-xyz"]);
    expect(out).not.toMatch(/abcd1234|ghp_0123|secret-value-xyz/);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, "127.0.0.1", () => (c.end(), r(true)));
      c.on("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

describe("sync over git daemon on loopback", () => {
  it("clones, pulls and pushes over the git protocol", async () => {
    const { bare, outside, base } = await remoteWithContent();
    const port = await freePort();
    const daemon = spawn("git", ["daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", `--base-path=${base}`, "--listen=127.0.0.1", `--port=${port}`, base], { stdio: "ignore" });
    children.push(daemon);
    await waitForPort(port);
    const a = await instance(`git://127.0.0.1:${port}/remote.git`);
    await outsideCommit(outside, "incidents/over-daemon.mdx", incident("Over the daemon"));
    await a.syncer.requestSync();
    expect((await a.store.snapshot()).byId.has("over-daemon")).toBe(true);
    const { commit } = await edit(a.store, "db-outage", incident("Database outage", "Pushed over git://."));
    await a.syncer.idle();
    expect(git(bare, "rev-parse", "main")).toBe(commit);
    // Nothing credential-like is written to the clone's config.
    expect(await fs.readFile(path.join(a.content, ".git", "config"), "utf8")).not.toMatch(/token|password/i);
    a.syncer.stop();
  });
});
