// Two production servers (replicas) behind an imaginary load balancer: each with its own clone of one bare remote and
// its own data directory, sharing one redis-server (KAIZEN_REDIS_URL) and AUTH_SECRET. Sync runs on a one-hour
// interval and no webhook is sent, so whatever B learns of A's saves comes through the Redis push notice.
// A third server W runs two cluster workers (KAIZEN_WORKERS=2, as `npm start` does on two cores) on one clone with no
// remote and no Redis: the workers share only the clone and the data directory.
// Runs in its own playwright project after the others (playwright.config.ts).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { addUser } from "../../lib/auth/users";
import { haveRedis, startRedis, type RedisProcess } from "../fixtures/redis-server";
import { E2E } from "./env";

const [portA, portB, portW] = (process.env.KAIZEN_E2E_REPLICA_PORTS ?? `${E2E.port + 1},${E2E.port + 2},${E2E.port + 3}`).split(",").map(Number) as [number, number, number];
const REDIS_PORT = Number(process.env.KAIZEN_E2E_REDIS_PORT ?? 6392);
const A = `http://127.0.0.1:${portA}`;
const B = `http://127.0.0.1:${portB}`;
const W = `http://127.0.0.1:${portW}`;
const root = path.join(E2E.root, "replicas");
const bare = path.join(root, "remote.git");
const ID = E2E.historyIncident;
const FILE = `incidents/${ID}.mdx`;
const users = { author: { username: "author", password: "author-password-123" }, author2: { username: "author2", password: "author2-password-123" }, reader: { username: "reader", password: "reader-password-123" } };

const built = fs.existsSync(path.resolve(".next", "BUILD_ID"));
test.skip(!haveRedis, "redis-server is not installed (npm test installs it)");
test.skip(!built, "needs the production build (npm test builds it first)");
test.describe.configure({ mode: "serial" });

let redis: RedisProcess | null = null;
const servers: ChildProcess[] = [];

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "Ada Example", GIT_AUTHOR_EMAIL: "ada@lumen.example", GIT_COMMITTER_NAME: "Kaizen", GIT_COMMITTER_EMAIL: "kaizen@localhost" } }).trim();

async function serve(port: number, name: string, workers = 1): Promise<void> {
  const dir = path.join(root, name);
  // A and B are replicas of one remote through Redis; W is one clone served by several workers, with neither.
  const replica = workers === 1 ? { KAIZEN_GIT_REMOTE: `file://${bare}`, KAIZEN_SYNC_INTERVAL: "3600", KAIZEN_REDIS_URL: redis!.url } : {};
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["KAIZEN_GIT_REMOTE", "KAIZEN_SYNC_INTERVAL", "KAIZEN_REDIS_URL"]) delete env[k];
  const child = spawn(process.execPath, ["scripts/serve.mjs", "-p", String(port), "-H", "127.0.0.1"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...env,
      ...replica,
      NODE_ENV: "production",
      KAIZEN_WORKERS: String(workers),
      KAIZEN_CONTENT_DIR: path.join(dir, "content"),
      KAIZEN_DATA_DIR: path.join(dir, "data"),
      AUTH_SECRET: E2E.secret,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      KAIZEN_TIME_ZONE: "UTC",
    },
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[replica ${name}] ${d}`));
  servers.push(child);
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`replica ${name} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`replica ${name} did not answer on port ${port}`);
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  // The remote: the sample knowledge base in a bare repository, as a team's GitHub repository would hold it.
  const seed = path.join(root, "seed");
  fs.cpSync(path.resolve("content"), seed, { recursive: true });
  git(seed, "init", "-q", "-b", "main");
  git(seed, "add", "-A");
  git(seed, "commit", "-qm", "Import the sample knowledge base");
  git(root, "clone", "-q", "--bare", seed, bare);
  // Local accounts are per data directory; the replicas get identical copies (a team would use OIDC or GitHub).
  for (const u of E2E.users) await addUser({ username: u.username, role: u.role, groups: u.groups, name: u.name, email: `${u.username}@lumen.example`, password: u.password }, path.join(root, "a", "data"));
  for (const name of ["b", "w"]) {
    fs.mkdirSync(path.join(root, name, "data"), { recursive: true });
    fs.copyFileSync(path.join(root, "a", "data", "users.json"), path.join(root, name, "data", "users.json"));
  }
  git(root, "clone", "-q", bare, path.join(root, "w", "content"));
  redis = await startRedis(REDIS_PORT);
  await Promise.all([serve(portA, "a"), serve(portB, "b"), serve(portW, "w", 2)]);
});

test.afterAll(async () => {
  for (const s of servers) s.kill("SIGTERM");
  await redis?.stop();
});

async function signIn(page: Page, base: string, user: { username: string; password: string }): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signedIn(browser: Browser, base: string, user: { username: string; password: string }): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, base, user);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return { ctx, page };
}

/** The incident's text and blob on the remote branch. */
function remoteFile(): { text: string; blob: string } {
  return { text: git(root, "--git-dir", bare, "show", `main:${FILE}`) + "\n", blob: git(root, "--git-dir", bare, "rev-parse", `main:${FILE}`) };
}

function withNote(text: string, note: string): string {
  return text.replace(/^## Lessons\n/m, `## Lessons\n\n${note}\n`);
}

async function save(ctx: BrowserContext, base: string, text: string, baseBlob: string) {
  const res = await ctx.request.put(`${base}/api/incidents/${ID}`, { headers: { Origin: base }, data: { text, baseBlob } });
  return { status: res.status(), body: (await res.json()) as { currentText?: string | null; blob?: string } };
}

async function revisionOn(ctx: BrowserContext, base: string): Promise<string> {
  return ((await (await ctx.request.get(`${base}/api/incidents/${ID}`)).json()) as { revision: string }).revision;
}

test("a save on replica A is on replica B's page moments later, without a webhook", async ({ browser }) => {
  const { ctx, page } = await signedIn(browser, A, users.author);
  const { text, blob } = remoteFile();
  const note = "Replica A wrote this note: the pool now has a circuit breaker.";
  const saved = await save(ctx, A, withNote(text, note), blob);
  expect(saved.status).toBe(200);
  // The same browser (one cookie for both replicas, as behind a load balancer) reads it on B.
  await expect(async () => {
    await page.goto(`${B}/incidents/${ID}`);
    await expect(page.getByText(note)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  expect(await revisionOn(ctx, B)).toBe(saved.body.blob);
  await ctx.close();
});

test("two simultaneous saves of one incident on A and B: one is accepted, the other gets 409 with the winner's text", async ({ browser }) => {
  const { ctx } = await signedIn(browser, A, users.author);
  const { text, blob } = remoteFile();
  expect(await revisionOn(ctx, B)).toBe(blob);
  const fromA = withNote(text, "Simultaneous edit written on A.");
  const fromB = withNote(text, "Simultaneous edit written on B.");
  const [a, b] = await Promise.all([save(ctx, A, fromA, blob), save(ctx, B, fromB, blob)]);
  expect([a.status, b.status].sort()).toEqual([200, 409]);
  const [winner, loser] = a.status === 200 ? [fromA, b] : [fromB, a];
  expect(loser.body.currentText).toBe(winner);
  // The remote has the winner's version, and nothing was pushed over it.
  await expect.poll(() => remoteFile().text, { timeout: 20_000 }).toBe(winner);
  expect(git(root, "--git-dir", bare, "for-each-ref", "refs/kaizen")).toBe("");
  await ctx.close();
});

test("sign-in attempts are counted across both replicas: after five wrong passwords the right one is refused too", async ({ browser }) => {
  const ctx = await browser.newContext();
  const pa = await ctx.newPage();
  const pb = await ctx.newPage();
  for (const [page, base] of [[pa, A], [pb, B], [pa, A], [pb, B], [pa, A]] as const) {
    await signIn(page, base, { username: users.reader.username, password: "not the password" });
    await expect(page.locator(".alert")).toHaveText("That username and password do not match an account.");
  }
  await signIn(pb, B, users.reader);
  await expect(pb.locator(".alert")).toHaveText("Too many attempts. Wait a minute and try again.");
  await expect(pb.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await ctx.close();
});

test("signing out on A ends the session on B too, also for a copied cookie", async ({ browser }) => {
  const { ctx, page } = await signedIn(browser, A, users.author2);
  const thief = await browser.newContext();
  await thief.addCookies(await ctx.cookies());
  expect((await thief.request.get(`${B}/api/incidents`)).status()).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect((await thief.request.get(`${B}/api/incidents`)).status()).toBe(401);
  const stolen = await thief.newPage();
  await stolen.goto(`${B}/incidents/${ID}`);
  await expect(stolen).toHaveURL(/\/signin\?callbackUrl=/);
  await ctx.close();
  await thief.close();
});

/**
 * One request on a new connection (the cluster hands each connection to the next worker in turn) and which worker
 * answered it.
 */
async function onNewConnection(ctx: BrowserContext, method: "GET" | "PUT", url: string, data?: unknown) {
  const res = await ctx.request.fetch(url, { method, headers: { Connection: "close", ...(data ? { Origin: W } : {}) }, ...(data ? { data } : {}) });
  return { status: res.status(), worker: res.headers()["x-kaizen-worker"], body: (await res.json()) as { revision?: string; text?: string; blob?: string; currentText?: string | null } };
}

const clone = () => path.join(root, "w", "content");
const commitsOnW = () => Number(git(clone(), "rev-list", "--count", "HEAD"));
/** The incident's committed text and blob in W's clone. */
const fileOnW = () => ({ text: git(clone(), "show", `HEAD:${FILE}`) + "\n", blob: git(clone(), "rev-parse", `HEAD:${FILE}`) });

test("two workers on one clone both serve, and a save through one is what the other serves next", async ({ browser }) => {
  const { ctx, page } = await signedIn(browser, W, users.author);
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const r = await onNewConnection(ctx, "GET", `${W}/api/ping`);
    expect(r.status).toBe(200);
    if (r.worker) seen.add(r.worker);
  }
  expect([...seen].sort()).toEqual(["1", "2"]);

  const before = fileOnW();
  const note = "Written through one worker, read through the other.";
  const commits = commitsOnW();
  const saved = await onNewConnection(ctx, "PUT", `${W}/api/incidents/${ID}`, { text: withNote(before.text, note), baseBlob: before.blob });
  expect(saved.status).toBe(200);
  expect(commitsOnW()).toBe(commits + 1);
  // The next connection goes to the other worker: it must already serve the saved revision (it watches the clone).
  let other = await onNewConnection(ctx, "GET", `${W}/api/incidents/${ID}`);
  for (let i = 0; i < 5 && other.worker === saved.worker; i++) other = await onNewConnection(ctx, "GET", `${W}/api/incidents/${ID}`);
  expect(other.worker).not.toBe(saved.worker);
  expect(other.body.revision).toBe(saved.body.blob);
  // And so does the page, whichever worker the browser's connection is on.
  await page.goto(`${W}/incidents/${ID}`);
  await expect(page.getByText(note)).toBeVisible();
  await ctx.close();
});

test("two simultaneous saves of one incident through the two workers: one commit, the other gets 409 with the winner's text", async ({ browser }) => {
  const { ctx } = await signedIn(browser, W, users.author);
  const current = fileOnW();
  const fromOne = withNote(current.text, "Simultaneous edit, first connection.");
  const fromTwo = withNote(current.text, "Simultaneous edit, second connection.");
  const commits = commitsOnW();
  const [a, b] = await Promise.all([
    onNewConnection(ctx, "PUT", `${W}/api/incidents/${ID}`, { text: fromOne, baseBlob: current.blob }),
    onNewConnection(ctx, "PUT", `${W}/api/incidents/${ID}`, { text: fromTwo, baseBlob: current.blob }),
  ]);
  expect(new Set([a.worker, b.worker]).size).toBe(2);
  expect([a.status, b.status].sort()).toEqual([200, 409]);
  const [winner, loser] = a.status === 200 ? [fromOne, b] : [fromTwo, a];
  expect(loser.body.currentText).toBe(winner);
  expect(commitsOnW()).toBe(commits + 1);
  expect(fs.readFileSync(path.join(clone(), FILE), "utf8")).toBe(winner);
  expect(git(clone(), "status", "--porcelain")).toBe("");
  await ctx.close();
});

test("Redis down: pages keep working for signed-in people, sign-in is refused with 503 and a clear message, health says so", async ({ browser }) => {
  const { ctx, page } = await signedIn(browser, B, users.author);
  await redis!.stop();
  const health = await (await fetch(`${A}/api/health`)).json();
  expect(health).toMatchObject({ status: "degraded", redis: { ok: false } });
  await page.goto(`${B}/incidents/${ID}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Checkout latency");
  const other = await browser.newPage();
  await other.goto(`${A}/signin`);
  await other.getByLabel("Username").fill(users.reader.username);
  await other.getByLabel("Password").fill(users.reader.password);
  const answer = other.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
  await other.getByRole("button", { name: "Sign in" }).click();
  expect((await answer).status()).toBe(503);
  await expect(other.locator(".alert")).toContainText("Sign-in is unavailable right now");
  await other.close();
  await ctx.close();
});
