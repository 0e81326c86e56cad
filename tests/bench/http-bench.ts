// `npm run bench:http [-- --sizes 18,10000 --workers 2 --duration S --port P --profile DIR --corpus DIR]`: API
// throughput of the production server (scripts/serve.mjs, as `npm start` runs it) on loopback. For each size it writes
// a temporary content repository (18: the sample content, with --corpus the public corpus imported into it; more: a
// synthetic knowledge base, tests/bench/knowledge-base.ts), signs in a reader and drives, with autocannon:
// - one worker: /api/ping (a constant answer behind the same sign-in), /api/search over 8 queries asked again and
//   again (answered from its cache once asked), "search, new" (every query new) and "search, mix" (a team's mix: 70%
//   of requests ask one of the 8 popular queries, 30% a new one; the rows under it give each kind's latency), at 50
//   and 10 connections;
// - `--workers` workers (default 2) on the same clone and data directory: the same at 50 connections.
// It prints /api/search's requests per second as a share of /api/ping's in the same run (goal ≥ 90%), /api/search's
// p99 at 10 connections (goal ≤ 50 ms) and the throughput of N workers against one (goal ≥ 1.6× with 2). The client
// runs on the same machine and takes CPU from the server: the ratios are what to compare, the load average is printed,
// and each row says how much of a core the load generator itself used ("client cpu") and how much CPU time the
// server's processes spent per request ("server µs/req", from /proc: far steadier than req/s on a shared machine).
// Rows start once every worker has built its start-up page models, so no row shares the CPU with them.
// `--profile DIR` runs every server process with --cpu-prof (written to DIR when the server stops).
// `--breakdown` also says where a request's time goes, one worker at 10 connections, `--rounds` times interleaved
// (median): a bare node:http server, a static file through Next, /api/ping signed out (401 before any session work),
// /api/ping signed in, /api/search (cached) and a new search; each row's cost over the one above is what that layer adds.
// Needs a production build (`npm run build`).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { addUser } from "../../lib/auth/users";
import { parseTaxonomy } from "../../lib/content/store";
import { parseArgs, toolOptions, flagNumber, flagString } from "../../scripts/cli-args";
import { generate } from "./knowledge-base";

const args = parseArgs(process.argv.slice(2), toolOptions(["sizes", "workers", "duration", "port", "profile", "corpus", "rounds"], ["breakdown"]));
const root = path.resolve(import.meta.dirname, "../..");
const sizes = (flagString(args, "sizes") ?? "18,10000").split(",").map((s) => Number(s.trim()));
const manyWorkers = flagNumber(args, "workers", 2);
const duration = flagNumber(args, "duration", 8);
const port = flagNumber(args, "port", 3950);
const profileDir = flagString(args, "profile");
const corpusArg = flagString(args, "corpus");
const breakdown = args.flags.breakdown === true;
const rounds = flagNumber(args, "rounds", 3);
const base = `http://127.0.0.1:${port}`;
const QUERIES = ["redis failover", "certificate expired", "dns outage", "database connection pool exhausted", "bgp", "deploy rollback config", "leap second", "disk full"];
const SAMPLE_SIZE = fs.readdirSync(path.join(root, "content", "incidents")).filter((n) => n.endsWith(".mdx")).length;
const gitEnv = { GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@localhost", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@localhost" };

// Words of the sample's incidents: every request of the "new" rows asks a combination of three not asked before in the
// run (30³ of them), so the answer cache of /api/search never answers it and what is measured is the search itself.
const WORDS = ["redis", "failover", "certificate", "expired", "dns", "outage", "database", "connection", "pool", "exhausted", "bgp", "deploy", "rollback", "config", "leap", "second", "disk", "full", "latency", "queue", "timeout", "retry", "cache", "token", "checkout", "payments", "alert", "replica", "network", "kafka"];
const ping = () => "/api/ping";
const search = (i: number) => `/api/search?q=${encodeURIComponent(QUERIES[i % QUERIES.length]!)}&limit=10`;
const n = WORDS.length;
const fresh = (i: number) => `/api/search?q=${encodeURIComponent(`${WORDS[i % n]} ${WORDS[Math.floor(i / n) % n]} ${WORDS[Math.floor(i / n / n) % n]}`)}&limit=10`;
// The mix: of every 10 requests, 7 ask a popular query and 3 a new one (offset past what the "new" rows asked).
let mixed = 0;
const MIX_NEW = [1, 4, 8];
const mix = (i: number): { path: string; kind: string } =>
  MIX_NEW.includes(i % 10) ? { path: fresh(20_000 + mixed++), kind: "new" } : { path: search(i), kind: "repeated" };

function sh(cmd: string, argv: string[], env: Record<string, string> = {}) {
  execFileSync(cmd, argv, { cwd: root, env: { ...process.env, ...gitEnv, ...env }, stdio: ["ignore", "ignore", "inherit"] });
}

async function signIn(): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookies = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies },
    body: new URLSearchParams({ csrfToken, username: "bench", password: "bench-password-123", json: "true" }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c?.includes("session-token"));
  if (!session) throw new Error(`sign-in failed (${res.status})`);
  return session;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Share of one core the load generator (this process) used during the run. */
  clientCpu: number;
  /** CPU time the server's processes (all workers and their threads) spent per request, in µs: what a request costs, whatever else the machine runs. */
  serverUs: number;
  /** Latency per kind of request, when the paths say their kind (the mix). */
  kinds?: Record<string, { n: number; p50: number; p99: number }>;
}

type Target = (i: number) => string | { path: string; kind: string };

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** CPU seconds used so far by a process and its descendants (Linux /proc; NaN elsewhere). */
function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined || process.platform !== "linux") return NaN;
  const tick = 100; // USER_HZ, 100 on every Linux this runs on
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(f[11]) + Number(f[12])) / tick;
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim();
        if (children) stack.push(...children.split(" ").map(Number));
      }
    } catch {
      // The process ended meanwhile: its time is no longer counted anywhere, nor needed.
    }
  }
  return total;
}

let serverPid: number | undefined;

async function load(pathFor: Target, connections: number, cookie: string, url = base): Promise<Run> {
  let i = 0;
  const times: Record<string, number[]> = {};
  const serverCpu = url === base ? treeCpuSeconds(serverPid) : NaN;
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  const result = await autocannon({
    url,
    connections,
    duration,
    headers: { cookie },
    requests: [
      {
        setupRequest: (req, context) => {
          const t = pathFor(i++);
          if (typeof t === "string") return { ...req, path: t };
          (context as { kind?: string }).kind = t.kind;
          return { ...req, path: t.path };
        },
      },
    ],
    // A client has one request in flight: its context still names the kind of the one that just answered.
    setupClient: (client) => {
      const c = client as unknown as { on(e: "response", f: (status: number, bytes: number, ms: number) => void): void; requestIterator: { context: { kind?: string } } };
      c.on("response", (_status, _bytes, ms) => {
        const kind = c.requestIterator.context.kind;
        if (kind) (times[kind] ??= []).push(ms);
      });
    },
  });
  const used = process.cpuUsage(cpu);
  const served = result.requests.total || NaN;
  const serverUs = ((treeCpuSeconds(serverPid) - serverCpu) / served) * 1e6;
  const clientCpu = (used.user + used.system) / (Number(process.hrtime.bigint() - wall) / 1000);
  const kinds = Object.keys(times).length
    ? Object.fromEntries(
        Object.entries(times).map(([k, ts]) => {
          const s = ts.sort((a, b) => a - b);
          return [k, { n: s.length, p50: Math.round(quantile(s, 0.5)), p99: Math.round(quantile(s, 0.99)) }];
        }),
      )
    : undefined;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx, clientCpu, serverUs, kinds };
}

/** Writes the content repository of one size and the bench account; returns a label for the output. */
function prepare(size: number, content: string, data: string): string {
  if (size === SAMPLE_SIZE) {
    fs.cpSync(path.join(root, "content"), content, { recursive: true });
    sh("git", ["-C", content, "init", "-q", "-b", "main"]);
    sh("git", ["-C", content, "add", "-A"]);
    sh("git", ["-C", content, "commit", "-q", "-m", "sample"]);
    const corpus = corpusArg ? path.resolve(root, corpusArg) : null;
    if (!corpus) return `sample content (${size} incidents)`;
    sh(path.join(root, "node_modules/.bin/tsx"), ["scripts/kaizen.ts", "import", "postmortems-app", corpus, "--content", content], { KAIZEN_DATA_DIR: data });
    return `sample content + public corpus (${fs.readdirSync(path.join(content, "incidents")).length} incidents)`;
  }
  const { taxonomy, problems } = parseTaxonomy(fs.readFileSync(path.join(root, "content", "factors.yml"), "utf8"));
  if (problems.length) throw new Error(`content/factors.yml: ${problems[0]!.message}`);
  fs.mkdirSync(content, { recursive: true });
  const ids = generate(content, size, taxonomy);
  return `synthetic knowledge base (${ids.length} incidents)`;
}

async function startServer(workers: number, content: string, data: string): Promise<ChildProcess> {
  // Cluster workers are forked with the primary's execArgv, so --cpu-prof profiles each of them too.
  const nodeArgs = profileDir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(profileDir)] : [];
  const server = spawn(process.execPath, [...nodeArgs, "scripts/serve.mjs", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      KAIZEN_WORKERS: String(workers),
      KAIZEN_CONTENT_DIR: content,
      KAIZEN_DATA_DIR: data,
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-42",
      NEXTAUTH_URL: base,
      KAIZEN_SEARCH_RATE: "100000000",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  serverPid = server.pid;
  // Each worker says when its start-up work (content, search index, the typical viewer's page models) is done.
  let warm = 0;
  let tail = "";
  server.stdout!.on("data", (chunk: Buffer) => {
    const text = tail + chunk.toString();
    warm += text.split("\n").slice(0, -1).filter((l) => l.includes("page models ready")).length;
    tail = text.slice(text.lastIndexOf("\n") + 1);
  });
  for (let t = 0; ; t++) {
    const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    if (t > 1200) throw new Error("server did not start within 10 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
  // Health answers before the page models are built (seconds of CPU at 10,000 incidents): a row measured meanwhile,
  // the first one (/api/ping), would share the CPU with them and flatter every ratio over it.
  const t0 = Date.now();
  while (warm < workers && server.exitCode === null && Date.now() - t0 < 300_000) await new Promise((r) => setTimeout(r, 250));
  if (warm < workers) console.log(`(${workers - warm} of ${workers} workers did not report their page models within 5 minutes; measuring anyway)`);
  return server;
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  await exited;
}

/** The breakdown (see the top of this file), on the running one-worker server. */
async function costBreakdown(cookie: string): Promise<void> {
  const barePort = port + 5;
  const bare = spawn(process.execPath, ["-e", `require("node:http").createServer((q, s) => { s.setHeader("content-type", "application/json"); s.end('{"ok":true}'); }).listen(${barePort}, "127.0.0.1")`], { stdio: "ignore" });
  try {
    for (let t = 0; !(await fetch(`http://127.0.0.1:${barePort}/`).then((r) => r.ok, () => false)); t++) {
      if (t > 100) throw new Error("the bare node:http server did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    let k = 0;
    const layers: { name: string; run: () => Promise<Run> }[] = [
      { name: "node:http, constant JSON", run: () => load(() => "/", 10, "", `http://127.0.0.1:${barePort}`) },
      { name: "Next, a static file", run: () => load(() => "/favicon.ico", 10, "") },
      { name: "/api/ping signed out (401)", run: () => load(ping, 10, "") },
      { name: "/api/ping signed in", run: () => load(ping, 10, cookie) },
      { name: "/api/search, cached", run: () => load(search, 10, cookie) },
      // Offset so that no round repeats an earlier round's queries.
      { name: "/api/search, new", run: () => load((i) => fresh(i + 10_000 * k++), 10, cookie) },
    ];
    const seen = layers.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) for (const [i, l] of layers.entries()) seen[i]!.push((await l.run()).rps);
    console.log(`where a request's time goes: 1 worker, 10 connections, median of ${rounds} interleaved rounds, load average ${os.loadavg()[0]?.toFixed(1)}`);
    console.log("layer                          req/s   µs/request   over the row above");
    let prev: number | null = null;
    for (const [i, l] of layers.entries()) {
      const sorted = [...seen[i]!].sort((a, b) => a - b);
      const rps = sorted[Math.floor(sorted.length / 2)] ?? NaN;
      const us = 1e6 / rps;
      const over = prev === null ? "" : `${us - prev >= 0 ? "+" : ""}${(us - prev).toFixed(0)} µs`;
      // Search rows are compared with the signed-in ping, the route that does everything but search.
      console.log(`${l.name.padEnd(30)} ${rps.toFixed(0).padStart(6)} ${us.toFixed(0).padStart(12)}   ${over}`);
      if (i < 4) prev = us;
    }
  } finally {
    bare.kill("SIGTERM");
  }
}

const row = (name: string, workers: number, c: number, r: Run) => {
  console.log(`${name.padEnd(12)} ${String(workers).padStart(7)} ${String(c).padStart(11)} ${r.rps.toFixed(0).padStart(7)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.errors).padStart(7)} ${`${(r.clientCpu * 100).toFixed(0)}%`.padStart(11)} ${r.serverUs.toFixed(0).padStart(14)}`);
  // Latency only: the requests per second of a kind is its share of the row above.
  for (const [kind, k] of Object.entries(r.kinds ?? {})) console.log(`${`  ${kind}`.padEnd(12)} ${"".padStart(7)} ${"".padStart(11)} ${`${((k.n / Math.max(1, Object.values(r.kinds ?? {}).reduce((a, b) => a + b.n, 0))) * 100).toFixed(0)}%`.padStart(7)} ${String(k.p50).padStart(7)} ${String(k.p99).padStart(7)}`);
};

async function runSize(size: number): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-http-bench-"));
  const content = path.join(tmp, "content");
  const data = path.join(tmp, "data");
  try {
    const label = prepare(size, content, data);
    await addUser({ username: "bench", role: "reader", password: "bench-password-123" }, data);
    console.log(`\n${label}, ${duration} s per run, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} before`);
    console.log("endpoint     workers connections   req/s  p50 ms  p99 ms  errors  client cpu  server µs/req");
    const at: Record<string, Run> = {};
    for (const workers of [1, manyWorkers]) {
      const server = await startServer(workers, content, data);
      try {
        const cookie = await signIn();
        // Warm up every worker (connections are spread over them): the first search loads or builds the index.
        for (let i = 0; i < QUERIES.length * workers * 2; i++) {
          await fetch(`${base}${search(i)}`, { headers: { cookie } });
          await fetch(`${base}${ping()}`, { headers: { cookie } });
        }
        const plan: [string, Target, number][] = [["/api/ping", ping, 50], ["/api/search", search, 50], ["search, new", fresh, 50], ["search, mix", mix, 50]];
        if (workers === 1) plan.push(["/api/ping", ping, 10], ["/api/search", search, 10], ["search, new", fresh, 10], ["search, mix", mix, 10]);
        for (const [name, pathFor, c] of plan) {
          const r = await load(pathFor, c, cookie);
          at[`${name} ${workers} ${c}`] = r;
          row(name, workers, c, r);
        }
        if (breakdown && workers === 1) await costBreakdown(cookie);
      } finally {
        await stopServer(server);
      }
    }
    const get = (k: string) => at[k]?.rps ?? NaN;
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    const times = (name: string) => `${(get(`${name} ${manyWorkers} 50`) / get(`${name} 1 50`)).toFixed(2)}×`;
    for (const name of ["/api/search", "search, new", "search, mix"]) {
      console.log(`${name} ÷ /api/ping at 50 connections, 1 worker: ${pct(get(`${name} 1 50`) / get("/api/ping 1 50"))} (goal ≥ 90%); ${manyWorkers} workers: ${pct(get(`${name} ${manyWorkers} 50`) / get(`/api/ping ${manyWorkers} 50`))}`);
    }
    const mixed10 = at["search, mix 1 10"];
    console.log(`p99 at 10 connections, 1 worker: /api/search ${at["/api/search 1 10"]?.p99 ?? "?"} ms, search, new ${at["search, new 1 10"]?.p99 ?? "?"} ms, search, mix ${mixed10?.p99 ?? "?"} ms (its new queries ${mixed10?.kinds?.new?.p99 ?? "?"} ms) (goal ≤ 50 ms)`);
    console.log(`${manyWorkers} workers ÷ 1 at 50 connections: /api/search ${times("/api/search")} (goal ≥ 1.6× with 2), search, new ${times("search, new")}, search, mix ${times("search, mix")}, /api/ping ${times("/api/ping")}`);
    console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  if (!fs.existsSync(path.join(root, process.env.KAIZEN_DIST_DIR ?? ".next", "BUILD_ID"))) throw new Error("no production build: run `npm run build` first");
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--sizes expects positive integers, e.g. 18,10000");
  if (!Number.isInteger(manyWorkers) || manyWorkers < 2) throw new Error("--workers expects a whole number of at least 2");
  for (const size of sizes) await runSize(size);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
