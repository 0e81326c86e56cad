// `npm run bench:http [-- --corpus DIR --duration S]`: starts the production server on loopback over a temporary
// content repository (the public corpus imported when ../shared is there, else the sample content), signs in, and
// drives /api/search and /search with autocannon at 1, 10 and 50 connections. Needs a production build (`npm run build`).
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { addUser } from "../../lib/auth/users";
import { parseArgs, toolOptions, flagNumber, flagString } from "../../scripts/cli-args";

const args = parseArgs(process.argv.slice(2), toolOptions(["corpus", "duration", "port"], []));
const root = path.resolve(import.meta.dirname, "../..");
const corpus = path.resolve(root, flagString(args, "corpus") ?? "../shared/corpus/postmortems-app");
const duration = flagNumber(args, "duration", 8);
const port = flagNumber(args, "port", 3950);
const base = `http://127.0.0.1:${port}`;
const QUERIES = ["redis failover", "certificate expired", "dns outage", "database connection pool exhausted", "bgp", "deploy rollback config", "leap second", "disk full"];

function sh(cmd: string, argv: string[], env: Record<string, string>) {
  execFileSync(cmd, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
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

async function load(pathFor: (i: number) => string, connections: number, cookie: string) {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration,
    headers: { cookie },
    requests: [{ setupRequest: (req) => ({ ...req, path: pathFor(i++) }) }],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main() {
  if (!fs.existsSync(path.join(root, process.env.KAIZEN_DIST_DIR ?? ".next", "BUILD_ID"))) throw new Error("no production build: run `npm run build` first");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-http-bench-"));
  const content = path.join(tmp, "content");
  const data = path.join(tmp, "data");
  fs.cpSync(path.join(root, "content"), content, { recursive: true });
  const gitEnv = { GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@localhost", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@localhost" };
  sh("git", ["-C", content, "init", "-q", "-b", "main"], gitEnv);
  sh("git", ["-C", content, "add", "-A"], gitEnv);
  sh("git", ["-C", content, "commit", "-q", "-m", "sample"], gitEnv);
  let label = "sample content (18 incidents)";
  if (fs.existsSync(corpus)) {
    sh(path.join(root, "node_modules/.bin/tsx"), ["scripts/kaizen.ts", "import", "postmortems-app", corpus, "--content", content], { ...gitEnv, KAIZEN_DATA_DIR: data });
    label = `sample content + public corpus (${fs.readdirSync(path.join(content, "incidents")).length} incidents)`;
  }
  await addUser({ username: "bench", role: "reader", password: "bench-password-123" }, data);
  const server = spawn(path.join(root, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, KAIZEN_CONTENT_DIR: content, KAIZEN_DATA_DIR: data, AUTH_SECRET: "bench-secret-bench-secret-bench-secret-42", NEXTAUTH_URL: base, KAIZEN_SEARCH_RATE: "100000000" },
    stdio: "ignore",
  });
  try {
    for (let t = 0; ; t++) {
      const ok = await fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (t > 120) throw new Error("server did not start");
      await new Promise((r) => setTimeout(r, 500));
    }
    const cookie = await signIn();
    // Warm up: the first request builds or loads the index and compiles nothing else.
    for (const q of QUERIES) await fetch(`${base}/api/search?q=${encodeURIComponent(q)}`, { headers: { cookie } });
    console.log(`HTTP search load on ${label}, ${duration} s per run, ${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(1)}`);
    console.log("endpoint        connections   req/s    p50 ms   p99 ms   errors");
    for (const [name, pathFor] of [
      ["/api/search", (i: number) => `/api/search?q=${encodeURIComponent(QUERIES[i % QUERIES.length]!)}&limit=10`],
      ["/search", (i: number) => `/search?q=${encodeURIComponent(QUERIES[i % QUERIES.length]!)}`],
    ] as const) {
      for (const c of [1, 10, 50]) {
        const r = await load(pathFor, c, cookie);
        console.log(`${name.padEnd(15)} ${String(c).padStart(11)} ${r.rps.toFixed(0).padStart(7)} ${String(r.p50).padStart(9)} ${String(r.p99).padStart(8)} ${String(r.errors).padStart(8)}`);
      }
    }
  } finally {
    server.kill("SIGTERM");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
