// `npm run bench:pages [-- --sizes 18,10000 --warm=10 --port=3950 --keep --profile=DIR]`: server response times of
// Kaizen's pages over synthetic knowledge bases of N incidents. For each size it writes a temporary content repository
// (the sample incidents cloned with seeded variations, one commit), starts the production server (`next start` from
// KAIZEN_DIST_DIR or .next) on loopback, signs in a reader and an author through next-auth's credentials endpoint and
// times each page to its full body: the first request (cold) and the median and p95 of the warm ones.
// `--profile=DIR` runs the server with `--cpu-prof` (profiles are written to DIR when it exits).
// It also reports the server's resident memory after every page was visited, and keeps each size's figures in
// .kaizen/bench/pages-<size>.json: the next run prints them beside its own (`prev`), so a change shows as before/after.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { addUser } from "../../lib/auth/users";
import { splitDocument } from "../../lib/content/frontmatter";
import { parseTaxonomy } from "../../lib/content/store";
import type { Taxonomy } from "../../lib/schema/taxonomy";
import { incidentSchema } from "../../lib/schema/incident";
import { flagNumber, flagString, parseArgs, toolOptions } from "../../scripts/cli-args";
import { generate } from "./knowledge-base";

const args = parseArgs(process.argv.slice(2), toolOptions(["sizes", "warm", "port", "profile", "results"], ["keep"]));
const root = path.resolve(import.meta.dirname, "../..");
const distDir = process.env.KAIZEN_DIST_DIR ?? ".next";
const sizes = (flagString(args, "sizes") ?? "18,10000").split(",").map((s) => Number(s.trim()));
const warmRuns = flagNumber(args, "warm", 10);
const port = flagNumber(args, "port", 3950);
const profileDir = flagString(args, "profile");
const keep = args.flags.keep === true;
const resultsDir = path.resolve(root, flagString(args, "results") ?? ".kaizen/bench");
const base = `http://127.0.0.1:${port}`;
const USERS = { reader: "bench-reader-password-1", author: "bench-author-password-1" } as const;
type User = keyof typeof USERS;


async function signIn(user: User): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookies = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies },
    body: new URLSearchParams({ csrfToken, username: `bench-${user}`, password: USERS[user], json: "true" }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c?.includes("session-token"));
  if (!session) throw new Error(`sign-in of bench-${user} failed (${res.status})`);
  return session;
}

/** Time to the full body of one GET, in ms, with the body size; a non-2xx answer is an error (pages must render). */
async function timed(url: string, cookie: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(`${base}${url}`, { headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(300_000) });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return { ms, bytes: body.byteLength };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const fmtSize = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MB` : `${(b / 1024).toFixed(1)} kB`);

/** A factor that many incidents share (the busiest one), for /factors/<id>. */
function busiestFactor(dir: string, ids: string[], taxonomy: Taxonomy): string {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const raw = fs.readFileSync(path.join(dir, "incidents", `${id}.mdx`), "utf8");
    const split = splitDocument(raw);
    const parsed = split.ok ? incidentSchema.safeParse(split.doc.data) : null;
    if (!parsed?.success) continue;
    for (const c of parsed.data.contributing_factors) {
      const f = taxonomy.canonicalId(c.factor) ?? c.factor;
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "retry-storm";
}

/** A published internal incident with countermeasures and history, visible to every bench user. */
function pageIncident(dir: string, ids: string[]): string {
  for (let k = Math.floor(ids.length / 2); k < ids.length + Math.floor(ids.length / 2); k++) {
    const id = ids[k % ids.length] ?? "";
    const raw = fs.readFileSync(path.join(dir, "incidents", `${id}.mdx`), "utf8");
    if (!/^visibility: restricted/m.test(raw) && /^countermeasures:/m.test(raw)) return id;
  }
  return ids[0] ?? "";
}

async function waitFor(url: string, server: ChildProcess, limitMs = 900_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode} before ${url} answered`);
    const ok = await fetch(`${base}${url}`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return performance.now() - t0;
    if (performance.now() - t0 > limitMs) throw new Error(`${url} did not answer within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runSize(size: number, taxonomy: Taxonomy) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `kaizen-page-bench-${size}-`));
  const content = path.join(tmp, "content");
  const data = path.join(tmp, "data");
  const g0 = performance.now();
  const ids = generate(content, size, taxonomy);
  const genMs = performance.now() - g0;
  await addUser({ username: "bench-reader", role: "reader", password: USERS.reader }, data);
  await addUser({ username: "bench-author", role: "author", password: USERS.author }, data);
  const id = pageIncident(content, ids);
  const factor = busiestFactor(content, ids, taxonomy);
  const routes: [User, string][] = [
    ["reader", "/"],
    ["reader", "/incidents"],
    ["reader", "/incidents?severity=SEV1"],
    ["reader", `/incidents/${id}`],
    ["author", `/incidents/${id}`],
    ["reader", `/incidents/${id}/history`],
    ["reader", "/search?q=redis%20failover"],
    ["reader", "/api/search?q=timeout"],
    ["reader", "/factors"],
    ["reader", `/factors/${factor}`],
    ["reader", "/learnings"],
    ["reader", "/countermeasures"],
    ["reader", "/countermeasures?overdue=1"],
    ["author", "/countermeasures/review"],
    ["reader", "/api/countermeasures.csv"],
  ];
  // Node refuses --cpu-prof in NODE_OPTIONS: the flags go on the server's own command line.
  const nodeOptions = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir, String(size))}`] : [];
  const t0 = performance.now();
  let server = start(content, data, nodeOptions);
  try {
    // /api/health reads the content snapshot even for anonymous callers: its first 200 is the server over this content.
    const healthMs = await waitFor("/api/health", server.child);
    const cookies = { reader: await signIn("reader"), author: await signIn("author") };
    const first = await timed("/", cookies.reader).catch((err: Error) => ({ ms: NaN, bytes: 0, error: err.message }));
    const firstPageAt = performance.now() - t0;
    const rows: { user: User; url: string; cold: number; p50: number; p95: number; bytes: number; error?: string }[] = [];
    for (const [user, url] of routes) {
      try {
        const cold = await timed(url, cookies[user]);
        const warm: number[] = [];
        for (let i = 0; i < warmRuns; i++) warm.push((await timed(url, cookies[user])).ms);
        rows.push({ user, url, cold: cold.ms, p50: quantile(warm, 0.5), p95: quantile(warm, 0.95), bytes: cold.bytes });
      } catch (err) {
        // A page that takes the server down (out of memory, say) is a result too: note it, restart, go on.
        await new Promise((r) => setTimeout(r, 500));
        const died = server.child.exitCode !== null || server.child.signalCode !== null;
        const why = died ? (/heap out of memory/i.test(server.stderr()) ? "server ran out of memory" : `server exited (${server.child.exitCode ?? server.child.signalCode})`) : (err as Error).message;
        rows.push({ user, url, cold: NaN, p50: NaN, p95: NaN, bytes: 0, error: why });
        if (died) {
          server = start(content, data, nodeOptions);
          await waitFor("/api/health", server.child);
        }
      }
    }
    const rssMb = treeRssMb(server.child.pid);
    // A warm restart (a deploy): same data directory, so whatever the last process kept (parse cache, search index)
    // is there; timed from spawn to the first signed-in page.
    await server.stop();
    const r0 = performance.now();
    server = start(content, data, nodeOptions);
    const restartHealthMs = await waitFor("/api/health", server.child);
    const again = await timed("/", cookies.reader).catch((err: Error) => ({ ms: NaN, bytes: 0, error: err.message }));
    const restartPageAt = performance.now() - r0;
    // The first incident page after the restart: its "Seen before?" comes from the search index, which must be open by then.
    const againIncident = await timed(`/incidents/${id}`, cookies.reader).catch(() => ({ ms: NaN, bytes: 0 }));
    const [l1, l5] = os.loadavg();
    const shown = (u: string) => u.replace(id, "<id>").replace(`/factors/${factor}`, "/factors/<factor>");
    const result: SizeResult = {
      at: new Date().toISOString(),
      build: distDir,
      load: [l1 ?? NaN, l5 ?? NaN],
      incidents: ids.length,
      coldHealthMs: healthMs,
      coldFirstPageMs: "error" in first ? NaN : firstPageAt,
      restartHealthMs,
      restartFirstPageMs: "error" in again ? NaN : restartPageAt,
      restartIncidentMs: againIncident.ms,
      rssMb,
      rows: rows.map((r) => ({ user: r.user, route: shown(r.url), cold: r.cold, p50: r.p50, p95: r.p95, bytes: r.bytes, ...(r.error ? { error: r.error } : {}) })),
    };
    const prev = readPrevious(ids.length);
    const was = (now: number, before: number | undefined, fmt: (x: number) => string) => (before === undefined || !Number.isFinite(before) ? fmt(now) : `${fmt(now)} (prev ${fmt(before)})`);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`\n${ids.length} incidents (generated in ${(genMs / 1000).toFixed(1)} s); ${os.cpus().length} cores, load average ${l1?.toFixed(2)} / ${l5?.toFixed(2)} (1 / 5 min)`);
    if (prev) console.log(`prev = the run of ${prev.at} (build ${prev.build}, load ${prev.load.map((x) => x.toFixed(2)).join(" / ")})`);
    console.log(`cold start: spawn to first /api/health 200: ${was(healthMs, prev?.coldHealthMs, s)}; first page (/) after that: ${"error" in first ? first.error : `${fmtMs(first.ms)} ms`}; spawn to first page: ${was(firstPageAt, prev?.coldFirstPageMs, s)}`);
    console.log(`warm restart: spawn to first /api/health 200: ${was(restartHealthMs, prev?.restartHealthMs, s)}; spawn to first page (/): ${"error" in again ? again.error : was(restartPageAt, prev?.restartFirstPageMs, s)}; then /incidents/<id>: ${was(againIncident.ms, prev?.restartIncidentMs, (x) => `${fmtMs(x)} ms`)}`);
    console.log(`server RSS after every page (process tree): ${was(rssMb, prev?.rssMb, (x) => `${x.toFixed(0)} MB`)}`);
    console.log(`<id> = ${id}, <factor> = ${factor}`);
    const w = Math.max(...routes.map(([, u]) => shown(u).length), 5) + 2;
    const before = new Map((prev?.rows ?? []).map((r) => [`${r.user} ${r.route}`, r]));
    console.log(`${"user".padEnd(7)} ${"route".padEnd(w)} ${"cold ms".padStart(9)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"HTML".padStart(10)}${prev ? `   ${"prev p95".padStart(9)} ${"prev HTML".padStart(10)}` : ""}`);
    for (const r of rows) {
      const p = before.get(`${r.user} ${shown(r.url)}`);
      const prevCols = prev ? `   ${(p && Number.isFinite(p.p95) ? fmtMs(p.p95) : "—").padStart(9)} ${(p && p.bytes ? fmtSize(p.bytes) : "—").padStart(10)}` : "";
      if (r.error) {
        console.log(`${r.user.padEnd(7)} ${shown(r.url).padEnd(w)} ${"—".padStart(9)} ${"—".padStart(8)} ${"—".padStart(8)} ${"—".padStart(10)}${prevCols}  ✗ ${r.error}`);
        continue;
      }
      const flag = r.p95 > 150 || r.bytes > 1024 * 1024 ? "  ◀" : "";
      console.log(`${r.user.padEnd(7)} ${shown(r.url).padEnd(w)} ${fmtMs(r.cold).padStart(9)} ${fmtMs(r.p50).padStart(8)} ${fmtMs(r.p95).padStart(8)} ${fmtSize(r.bytes).padStart(10)}${prevCols}${flag}`);
    }
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, `pages-${ids.length}.json`), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await server.stop();
    if (keep) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

interface SizeResult {
  at: string;
  build: string;
  load: number[];
  incidents: number;
  coldHealthMs: number;
  coldFirstPageMs: number;
  restartHealthMs: number;
  restartFirstPageMs: number;
  restartIncidentMs?: number;
  rssMb: number;
  rows: { user: string; route: string; cold: number; p50: number; p95: number; bytes: number; error?: string }[];
}

/** The figures the previous run kept for this size, or null (none yet, or unreadable: then this run starts afresh). */
function readPrevious(size: number): SizeResult | null {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(resultsDir, `pages-${size}.json`), "utf8")) as SizeResult;
    return Array.isArray(r.rows) && Array.isArray(r.load) ? r : null;
  } catch {
    return null;
  }
}

/** Resident memory of a process and its descendants in MB (`next start` may run the server in a child), from /proc. */
function treeRssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  let kb = 0;
  const todo = [pid];
  for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        const kids = fs.readFileSync(`/proc/${p}/task/${task}/children`, "utf8").trim();
        if (kids) todo.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return kb / 1024;
}

/** `next start` over this content on loopback; its stderr is kept (the last 20 kB) to tell why it died. */
function start(content: string, data: string, nodeFlags: string[]) {
  const child = spawn(process.execPath, [...nodeFlags, path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      KAIZEN_CONTENT_DIR: content,
      KAIZEN_DATA_DIR: data,
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-42",
      NEXTAUTH_URL: base,
      KAIZEN_SEARCH_RATE: "100000000",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000);
  });
  const exited = new Promise((r) => child.once("exit", r));
  return {
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (err.trim() && !/heap out of memory/i.test(err)) process.stderr.write(err.split("\n").filter((l) => !/nodedir/.test(l)).join("\n"));
    },
  };
}

async function main() {
  if (!fs.existsSync(path.join(root, distDir, "BUILD_ID"))) {
    throw new Error(`no production build in ${distDir}: run \`KAIZEN_DIST_DIR=${distDir} npx next build\` first (KAIZEN_DIST_DIR picks the build dir, default .next)`);
  }
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes expects positive integers, e.g. 18,10000`);
  const { taxonomy, problems } = parseTaxonomy(fs.readFileSync(path.join(root, "content", "factors.yml"), "utf8"));
  if (problems.length) throw new Error(`content/factors.yml has problems: ${problems.map((p) => p.message).join("; ")}`);
  console.log(`Page response times (ms to the full body; cold = first request, p50/p95 of ${warmRuns} warm), build ${distDir}`);
  for (const size of sizes) await runSize(size, taxonomy);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
