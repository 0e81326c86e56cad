// `npx tsx tests/bench/mdx-stall.ts [--port N]`: the pathological-MDX scenario against a real `next start` (needs a
// production build). Over a temporary content repository holding the sample plus worst-case bodies just under the MDX
// limits (committed directly, as a `git pull` would bring them), it probes /api/health every 50 ms while it
//   1. POSTs a 400 KB body as an author (refused by the size cap),
//   2. POSTs a worst-case body under the limits (validated in the MDX worker),
//   3. opens every worst-case incident page cold (compiled in the worker, or refused after the time budget),
//   4. sends SIGTERM while a fresh worst-case page compiles, and times the exit.
// It prints each step's status and time, and the slowest health answer during it.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { addUser } from "../../lib/auth/users";
import { flagNumber, parseArgs, toolOptions } from "../../scripts/cli-args";

const args = parseArgs(process.argv.slice(2), toolOptions(["port"], []));
const root = path.resolve(import.meta.dirname, "../..");
const port = flagNumber(args, "port", 3351);
const base = `http://127.0.0.1:${port}`;
const gitEnv = { GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@localhost", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@localhost" };

const LIST = Array.from({ length: 12 }, (_, i) => `${"  ".repeat(i)}- item`).join("\n") + "\n\n";
const EMPHASIS = ("*".repeat(12) + "a" + "*".repeat(12) + " ").repeat(38) + "\n\n";
const LINKS = "[a](b) ".repeat(280) + "\n\n";
const fill = (unit: string, bytes = 60_000) => unit.repeat(Math.floor(bytes / unit.length));
const WORST: Record<string, string> = {
  "worst-lists": fill(LIST),
  "worst-headings": "# a\n".repeat(16_000),
  "worst-emphasis": fill(EMPHASIS),
  "worst-links": fill(LINKS),
};
const file = (title: string, body: string) => `---\ntitle: ${title}\nstatus: published\nseverity: SEV3\nsummary: A worst case.\n---\n${body}`;

function git(dir: string, ...argv: string[]) {
  execFileSync("git", ["-C", dir, ...argv], { env: { ...process.env, ...gitEnv }, stdio: ["ignore", "ignore", "inherit"] });
}

/** Probes /api/health every 50 ms until stopped; returns every latency (ms), failures as Infinity. */
function probeHealth() {
  const times: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t = performance.now();
      const ok = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.ok).catch(() => false);
      times.push(ok ? performance.now() - t : Infinity);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      const sorted = [...times].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
      return `health ×${times.length}: p50 ${at(0.5).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`;
    },
  };
}

async function signIn(): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookies = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies },
    body: new URLSearchParams({ csrfToken, username: "stall", password: "stall-password-123", json: "true" }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c?.includes("session-token"));
  if (!session) throw new Error(`sign-in failed (${res.status})`);
  return session;
}

async function step(name: string, work: () => Promise<string>) {
  const probe = probeHealth();
  const t = performance.now();
  const result = await work();
  const ms = performance.now() - t;
  console.log(`${name.padEnd(34)} ${result.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms   ${await probe.stop()}`);
}

async function main() {
  if (!fs.existsSync(path.join(root, process.env.KAIZEN_DIST_DIR ?? ".next", "BUILD_ID"))) throw new Error("no production build: run `npx next build` first");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-mdx-stall-"));
  const content = path.join(tmp, "content");
  const data = path.join(tmp, "data");
  fs.cpSync(path.join(root, "content"), content, { recursive: true });
  for (const [id, body] of Object.entries(WORST)) fs.writeFileSync(path.join(content, "incidents", `${id}.mdx`), file(id, body));
  git(content, "init", "-q", "-b", "main");
  git(content, "add", "-A");
  git(content, "commit", "-q", "-m", "sample and worst cases");
  await addUser({ username: "stall", role: "author", password: "stall-password-123" }, data);

  // Its own process group, so SIGTERM reaches next-server itself and the exit can be timed.
  const server = spawn(path.join(root, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, KAIZEN_CONTENT_DIR: content, KAIZEN_DATA_DIR: data, AUTH_SECRET: "stall-secret-stall-secret-stall-secret-42", NEXTAUTH_URL: base },
    stdio: "ignore",
    detached: true,
  });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  try {
    for (let t = 0; ; t++) {
      if (await fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false)) break;
      if (t > 120) throw new Error("server did not start");
      await new Promise((r) => setTimeout(r, 500));
    }
    const cookie = await signIn();
    console.log(`${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(1)}`);
    const post = async (text: string) => {
      const res = await fetch(`${base}/api/incidents`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: cookie, Origin: base },
        body: JSON.stringify({ text }),
      });
      const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string; problems?: { message: string }[] };
      return `${res.status} ${(body.problems?.[0]?.message ?? body.message ?? body.error ?? "").slice(0, 60)}`;
    };
    const page = async (id: string) => {
      const res = await fetch(`${base}/incidents/${id}`, { headers: { cookie } });
      const html = await res.text();
      const refused = /could not be (?:rendered|checked)[^<]*/.exec(html)?.[0];
      const heading = /<h1[^>]*>([^<]{0,40})/.exec(html)?.[1] ?? "";
      return `${res.status} ${refused ? refused.slice(0, 60) : `"${heading}", ${(html.length / 1024).toFixed(0)} KB of HTML`}`;
    };
    await step("content load (first page)", () => page("worst-lists"));
    await step("POST a 400 KB body", () => post(file("Huge", "Some ordinary prose about the incident.\n\n".repeat(10_000))));
    await step("POST worst-case lists (60 KB)", () => post(file("Posted lists", `${WORST["worst-lists"]}\nposted\n`)));
    for (const id of Object.keys(WORST)) await step(`view ${id} (cold)`, () => page(id));
    for (const id of Object.keys(WORST)) await step(`view ${id} (cached)`, () => page(id));

    // A worst case nobody has viewed yet, committed directly, then SIGTERM while its page compiles.
    fs.writeFileSync(path.join(content, "incidents", "worst-late.mdx"), file("Late", `${WORST["worst-headings"]}\nlate\n`));
    git(content, "add", "-A");
    git(content, "commit", "-q", "-m", "late worst case");
    await new Promise((r) => setTimeout(r, 1_500)); // the store looks at the tree at most once a second
    await step("view worst-late after a commit", () => page("worst-late"));
    fs.writeFileSync(path.join(content, "incidents", "worst-last.mdx"), file("Last", `${WORST["worst-lists"]}\nlast\n`));
    git(content, "add", "-A");
    git(content, "commit", "-q", "-m", "last worst case");
    await new Promise((r) => setTimeout(r, 1_500));
    void page("worst-last").catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const t = performance.now();
    process.kill(server.pid ?? 0, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    console.log(`SIGTERM while a worst case compiles: ${server.exitCode !== null || server.signalCode !== null ? "exited" : "STILL RUNNING"} after ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    if (server.exitCode === null && server.signalCode === null && server.pid) process.kill(-server.pid, "SIGKILL");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
