import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FileRevocationStore } from "../../lib/auth/revocation";
import { passwordSignIn } from "../../lib/auth/sign-in";
import { addUser } from "../../lib/auth/users";
import { blobId } from "../../lib/content/git";
import { ConflictError, GitRepository } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { SharedState, SharedStateUnavailable } from "../../lib/shared-state/client";
import { readRedisConfig } from "../../lib/shared-state/config";
import { rateLimiter, SharedRateLimiter } from "../../lib/shared-state/limits";
import { SharedRevocationStore } from "../../lib/shared-state/revocation";
import { readSyncConfig } from "../../lib/sync/config";
import { claimSave, connectReplicas } from "../../lib/sync/replicas";
import { Syncer } from "../../lib/sync/syncer";
import { haveRedis, startRedis, type RedisProcess } from "../fixtures/redis-server";
import { bareRemote as makeBareRemote, removeTempDirs } from "../fixtures/git-repo";

// Ports 6390–6391 belong to this file (the replicas e2e uses 6392, the benchmark 6393); nothing answers on 6399.
const PORT = 6390;
const DEAD_URL = "redis://127.0.0.1:6399";

const dirs: string[] = [];
const states: SharedState[] = [];
const syncers: Syncer[] = [];
let redis: RedisProcess | null = null;

async function tmp(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-shared-"));
  dirs.push(d);
  return d;
}

/** One replica's connection to the shared Redis (each with its own replica id, as two processes would have). */
function replica(url = redis!.url): SharedState {
  const s = new SharedState(readRedisConfig({ KAIZEN_REDIS_URL: url })!);
  states.push(s);
  return s;
}

beforeAll(async () => {
  if (haveRedis) redis = await startRedis(PORT);
  process.env.KAIZEN_DATA_DIR = await tmp(); // the audit log of the sign-in tests
});
afterAll(async () => {
  for (const s of syncers) s.stop();
  for (const s of states) await s.close();
  await redis?.stop();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  await removeTempDirs();
});

describe("KAIZEN_REDIS_URL", () => {
  it("is optional, and a bad value is a clear error", () => {
    expect(readRedisConfig({})).toBeNull();
    expect(() => readRedisConfig({ KAIZEN_REDIS_URL: "http://x" })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(readRedisConfig({ KAIZEN_REDIS_URL: "redis://:hunter22@cache:6379" })!.display).not.toContain("hunter22");
  });

  it("without it, limiters are this process's own", () => {
    expect(rateLimiter("x", 1, 1, "refuse", null)).not.toBeInstanceOf(SharedRateLimiter);
  });
});

describe.skipIf(!haveRedis)("shared state on a real redis-server", () => {
  it("sign-in limits are counted across replicas: the sixth attempt on either is refused", async () => {
    const a = new SharedRateLimiter(replica(), "signin-account", 5, 5);
    const b = new SharedRateLimiter(replica(), "signin-account", 5, 5);
    const results = [await a.attempt("user:ana"), await b.attempt("user:ana"), await a.attempt("user:ana"), await b.attempt("user:ana"), await a.attempt("user:ana")];
    expect(results.every((r) => r.ok)).toBe(true);
    const sixth = await b.attempt("user:ana");
    expect(sixth.ok).toBe(false);
    // One token comes back after 60/5 = 12 s, as with the in-process limiter.
    expect(sixth.retryAfter).toBe(12);
    expect((await a.attempt("user:bo")).ok).toBe(true);
    await a.reset("user:ana");
    expect((await b.attempt("user:ana")).ok).toBe(true);
  });

  it("many simultaneous attempts from several replicas never grant more than the capacity", async () => {
    const limiters = [replica(), replica(), replica()].map((s) => new SharedRateLimiter(s, "burst", 7, 1));
    const all = await Promise.all(Array.from({ length: 30 }, (_, i) => limiters[i % 3]!.attempt("ip:1.2.3.4")));
    expect(all.filter((r) => r.ok)).toHaveLength(7);
  });

  it("passwordSignIn counts the attempts of two replicas against one budget", async () => {
    const dir = await tmp();
    await addUser({ username: "ana", role: "author", password: "a long secret 123" }, dir);
    const limitsOf = (s: SharedState) => ({ perAccount: new SharedRateLimiter(s, "t-acct", 5, 5), perAddress: new SharedRateLimiter(s, "t-addr", 20, 20) });
    const [a, b] = [limitsOf(replica()), limitsOf(replica())];
    for (let i = 0; i < 5; i++) {
      const r = await passwordSignIn(i % 2 ? a : b, { login: "ana", password: "wrong", address: "10.0.0.1" }, dir);
      expect(r).toMatchObject({ ok: false, reason: "bad credentials" });
    }
    expect(await passwordSignIn(a, { login: "ANA", password: "a long secret 123", address: "10.0.0.2" }, dir)).toMatchObject({ ok: false, reason: "rate-limited" });
  });

  it("a sign-out on one replica revokes the session on another, until the session would have expired", async () => {
    const [sa, sb] = [replica(), replica()];
    const a = new SharedRevocationStore(sa, new FileRevocationStore(await tmp()));
    const b = new SharedRevocationStore(sb, new FileRevocationStore(await tmp()));
    expect(await b.isRevoked("sid-1")).toBe(false);
    await a.revoke("sid-1", Date.now() + 8 * 3600_000);
    expect(await b.isRevoked("sid-1")).toBe(true);
    expect(await b.isRevoked("sid-2")).toBe(false);
    const ttl = await sa.run((r) => r.pttl(sa.key("revoked", "sid-1")));
    expect(ttl).toBeGreaterThan(8 * 3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(8 * 3600_000);
  });

  it("a push on replica A makes replica B fetch at once (no interval, no webhook)", async () => {
    const remote = await bareRemote();
    const [a, b] = [await clone(remote), await clone(remote)];
    connectReplicas(a.syncer, replica());
    connectReplicas(b.syncer, replica());
    await new Promise((r) => setTimeout(r, 200)); // the subscriptions are made
    const before = b.syncer.fetches;
    const { commit } = await edit(a.store, "db-outage", incident("Database outage", "Saved on replica A."));
    await a.syncer.idle();
    await vi.waitFor(async () => expect(await b.repo.head()).toBe(commit), { timeout: 10_000, interval: 50 });
    expect(b.syncer.fetches).toBeGreaterThan(before);
    expect((await b.store.snapshot()).byId.get("db-outage")?.ok).toBe(true);
  });

  it("two simultaneous saves of one incident on two replicas: one is accepted, the other is a conflict with the winner's text", async () => {
    const remote = await bareRemote();
    const [a, b] = [await clone(remote), await clone(remote)];
    const [sa, sb] = [replica(), replica()];
    connectReplicas(a.syncer, sa);
    connectReplicas(b.syncer, sb);
    const file = "incidents/db-outage.mdx";
    const base = (await a.store.snapshot()).byId.get("db-outage")!.blob;
    const mine = incident("Database outage", "Ana's version (A).");
    const theirs = incident("Database outage", "Bo's version (B).");
    await claimSave(a.syncer, sa, file, base, mine);
    const { commit } = await a.store.commit([{ path: file, content: mine, baseBlob: base }], "A", ANA);
    // What saveIncident does on B: the replicas' check, then the local compare-and-swap commit.
    const refused = await claimSave(b.syncer, sb, file, base, theirs)
      .then(() => b.store.commit([{ path: file, content: theirs, baseBlob: base }], "B", ANA))
      .then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    // B caught up with A's push before answering, so the conflict shows A's text.
    expect((refused as ConflictError).currentText).toBe(mine);
    expect(await b.repo.head()).toBe(commit);
    // From the new text B may save again.
    await claimSave(b.syncer, sb, file, blobId(mine), theirs);
    await b.store.commit([{ path: file, content: theirs, baseBlob: blobId(mine) }], "B again", ANA);
  });

  it("a save another replica accepted but has not pushed yet is a conflict here, not a silent second version", async () => {
    const remote = await bareRemote();
    const [a, b] = [await clone(remote), await clone(remote)];
    const [sa, sb] = [replica(), replica()];
    const file = "incidents/db-outage.mdx";
    const base = (await a.store.snapshot()).byId.get("db-outage")!.blob;
    // A accepted a save (its claim is in Redis) whose commit never reaches the remote: B cannot catch up.
    await claimSave(a.syncer, sa, file, base, incident("Database outage", "A, unpushed."));
    const refused = await claimSave(b.syncer, sb, file, base, incident("Database outage", "B.")).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).currentBlob).toBe(base);
    // A withdrew (its local commit failed): B's save goes through.
    const release = await claimSave(a.syncer, sa, file, base, incident("Database outage", "A, second try."));
    await release();
    await claimSave(b.syncer, sb, file, base, incident("Database outage", "B."));
  });

  it("Redis down: sign-in fails closed within a second, search falls back to this replica's own limit, revocations stay local", async () => {
    const down = replica(DEAD_URL);
    const signIn = new SharedRateLimiter(down, "signin-account", 5, 5);
    const t0 = Date.now();
    await expect(signIn.attempt("user:ana")).rejects.toBeInstanceOf(SharedStateUnavailable);
    console.log(`refused after ${Date.now() - t0} ms`);
    const dir = await tmp();
    expect(await passwordSignIn({ perAccount: signIn, perAddress: signIn }, { login: "ana", password: "x", address: "10.0.0.3" }, dir)).toEqual({ ok: false, reason: "unavailable" });
    const search = rateLimiter("search", 2, 2, "local", down);
    expect([(await search.attempt("u")).ok, (await search.attempt("u")).ok, (await search.attempt("u")).ok]).toEqual([true, true, false]);
    const revoked = new SharedRevocationStore(down, new FileRevocationStore(await tmp()));
    await revoked.revoke("sid-9", Date.now() + 60_000);
    expect(await revoked.isRevoked("sid-9")).toBe(true);
    expect(await revoked.isRevoked("sid-10")).toBe(false);
    expect(down.status()).toMatchObject({ ok: false });
    expect(down.status().lastError).toBeTruthy();
  });

  it("a redis-server that goes away mid-run: commands fail fast, and work again when it is back", async () => {
    const own = await startRedis(PORT + 1);
    const s = replica(own.url);
    const lim = new SharedRateLimiter(s, "flap", 100, 100);
    expect((await lim.attempt("k")).ok).toBe(true);
    await own.stop();
    await expect(lim.attempt("k")).rejects.toBeInstanceOf(SharedStateUnavailable);
    expect((await s.check()).ok).toBe(false);
    const again = await startRedis(PORT + 1);
    await vi.waitFor(async () => expect((await s.check()).ok).toBe(true), { timeout: 10_000, interval: 100 });
    expect((await lim.attempt("k")).ok).toBe(true);
    await again.stop();
  });
});

// ---- real git: a bare remote and clones, as in sync-git.test.ts ----

const ANA = { name: "Ana Lima", email: "ana@example.com" };
const FACTORS = "- id: missing-alert\n  name: Missing alert\n  category: observability\n  description: No alert fired.\n";
const incident = (title: string, body = "Something happened.") =>
  ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", "---", "", "## Summary", "", body, ""].join("\n");

async function bareRemote(): Promise<string> {
  return (await makeBareRemote({ "factors.yml": FACTORS, "incidents/db-outage.mdx": incident("Database outage") }, { prefix: "kaizen-shared-" })).url;
}

async function clone(remote: string) {
  const base = await tmp();
  const content = path.join(base, "content");
  await fs.mkdir(content);
  const cfg = readSyncConfig({ KAIZEN_GIT_REMOTE: remote, KAIZEN_SYNC_INTERVAL: "3600" })!;
  const repo = new GitRepository(content);
  const store = new ContentStore(repo);
  const syncer = new Syncer(store, repo, cfg, path.join(base, "data"));
  await syncer.prepare();
  store.onCommit(() => void syncer.requestSync());
  syncers.push(syncer);
  return { store, syncer, repo };
}

async function edit(store: ContentStore, id: string, text: string) {
  const cur = (await store.forceRefresh()).byId.get(id);
  return store.commit([{ path: `incidents/${id}.mdx`, content: text, baseBlob: cur ? cur.blob : null }], `Edit ${id}`, ANA);
}
