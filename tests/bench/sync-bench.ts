// `npm run bench:sync [-- --saves N --interval S --redis-port P]`: how long a save acknowledged on replica A takes to
// be served by replica B. Two clones of one bare remote (the sample knowledge base) on real git, each with its own
// content store and syncer:
//   notice    B syncs when A's push notice arrives through a real redis-server (KAIZEN_REDIS_URL), interval 1 h
//   interval  no Redis: B only syncs every S seconds (KAIZEN_SYNC_INTERVAL), the reference without notices
// "Visible on B" is B's content snapshot serving the saved blob, what B's next page shows. Both replicas run in this
// one process (separate stores, syncers, Redis connections and git processes), so they also share its CPU.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GitRepository } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { SharedState } from "../../lib/shared-state/client";
import { readRedisConfig } from "../../lib/shared-state/config";
import { readSyncConfig } from "../../lib/sync/config";
import { claimSave, connectReplicas } from "../../lib/sync/replicas";
import { Syncer } from "../../lib/sync/syncer";
import { parseArgs, toolOptions, flagNumber } from "../../scripts/cli-args";
import { haveRedis, startRedis } from "../fixtures/redis-server";

const args = parseArgs(process.argv.slice(2), toolOptions(["saves", "interval", "redis-port"], []));
const SAVES = flagNumber(args, "saves", 30);
const INTERVAL_S = flagNumber(args, "interval", 2);
const REDIS_PORT = flagNumber(args, "redis-port", 6393);
const root = path.resolve(import.meta.dirname, "../..");
const ID = "2026-03-14-checkout-latency-from-connection-pool";
const FILE = `incidents/${ID}.mdx`;
const WHO = { name: "Bench Author", email: "bench@example.com" };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-sync-bench-"));
const git = (cwd: string, ...a: string[]) => execFileSync("git", a, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "Seed", GIT_AUTHOR_EMAIL: "seed@example.com", GIT_COMMITTER_NAME: "Seed", GIT_COMMITTER_EMAIL: "seed@example.com" } }).trim();

function bareRemote(name: string): string {
  const seed = path.join(tmp, `${name}-seed`);
  fs.cpSync(path.join(root, "content"), seed, { recursive: true });
  git(seed, "init", "-q", "-b", "main");
  git(seed, "add", "-A");
  git(seed, "commit", "-qm", "seed");
  const bare = path.join(tmp, `${name}.git`);
  git(tmp, "clone", "-q", "--bare", seed, bare);
  return `file://${bare}`;
}

async function replica(remote: string, name: string, intervalS: number) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, "content"), { recursive: true });
  const repo = new GitRepository(path.join(dir, "content"));
  const store = new ContentStore(repo);
  const syncer = new Syncer(store, repo, readSyncConfig({ KAIZEN_GIT_REMOTE: remote, KAIZEN_SYNC_INTERVAL: String(intervalS) })!, path.join(dir, "data"));
  await syncer.prepare();
  store.onCommit(() => void syncer.requestSync());
  syncer.start();
  await syncer.idle();
  await store.snapshot();
  return { store, syncer, repo };
}

type Replica = Awaited<ReturnType<typeof replica>>;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

/** N saves on A, each waited for until B's snapshot serves it: [ack ms, visible-on-B ms] per save. */
async function run(a: Replica, b: Replica, n: number, shared: SharedState | null): Promise<{ ack: number[]; visible: number[] }> {
  const ack: number[] = [];
  const visible: number[] = [];
  for (let i = 0; i < n; i++) {
    const snap = await a.store.forceRefresh();
    const entry = snap.byId.get(ID)!;
    const text = (await a.repo.readFile(FILE))!.replace(/^## Lessons\n/m, `## Lessons\n\nBench note ${i} at ${Date.now()}.\n`);
    const t0 = performance.now();
    const release = shared ? await claimSave(a.syncer, shared, FILE, entry.blob, text) : null;
    const { snapshot } = await a.store.commit([{ path: FILE, content: text, baseBlob: entry.blob }], `bench save ${i}`, WHO).catch(async (err: unknown) => {
      await release?.();
      throw err;
    });
    const t1 = performance.now();
    const blob = snapshot.byId.get(ID)!.blob;
    for (;;) {
      if ((await b.store.snapshot()).byId.get(ID)?.blob === blob) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    const t2 = performance.now();
    ack.push(t1 - t0);
    visible.push(t2 - t1);
    await a.syncer.idle();
    await b.syncer.idle();
  }
  return { ack, visible };
}

const rows: string[][] = [];
const row = (mode: string, what: string, xs: number[]) => rows.push([mode, what, String(xs.length), pct(xs, 50).toFixed(1), pct(xs, 95).toFixed(1), Math.max(...xs).toFixed(1)]);

async function main() {
  console.log(`sync bench: ${SAVES} saves with notices, ${Math.min(SAVES, 10)} on the ${INTERVAL_S} s interval; sample content (${fs.readdirSync(path.join(root, "content", "incidents")).length} incidents), git file:// remote`);
  if (haveRedis) {
    const redis = await startRedis(REDIS_PORT);
    try {
      const remote = bareRemote("notice");
      const [sa, sb] = [new SharedState(readRedisConfig({ KAIZEN_REDIS_URL: redis.url })!), new SharedState(readRedisConfig({ KAIZEN_REDIS_URL: redis.url })!)];
      const a = await replica(remote, "notice-a", 3600);
      const b = await replica(remote, "notice-b", 3600);
      connectReplicas(a.syncer, sa);
      connectReplicas(b.syncer, sb);
      await new Promise((r) => setTimeout(r, 200));
      const r = await run(a, b, SAVES, sa);
      row("notice (Redis pub/sub)", "save acknowledged on A", r.ack);
      row("notice (Redis pub/sub)", "A's save served by B", r.visible);
      for (const x of [a, b]) x.syncer.stop();
      await Promise.all([sa.close(), sb.close()]);
    } finally {
      await redis.stop();
    }
  } else {
    console.log("redis-server not found: the notice rows are skipped (npm test installs it)");
  }
  const remote = bareRemote("interval");
  const a = await replica(remote, "interval-a", 3600);
  const b = await replica(remote, "interval-b", INTERVAL_S);
  const r = await run(a, b, Math.min(SAVES, 10), null);
  row(`interval ${INTERVAL_S} s, no Redis`, "save acknowledged on A", r.ack);
  row(`interval ${INTERVAL_S} s, no Redis`, "A's save served by B", r.visible);
  for (const x of [a, b]) x.syncer.stop();

  const head = ["mode", "measured", "n", "median ms", "p95 ms", "max ms"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(["", line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(tmp, { recursive: true, force: true }));
