// Setup steps shared by `npm start` and `npm test`: each one is idempotent and cheap when already done,
// so a fresh clone on a new machine needs nothing done by hand.
import { spawnSync, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
  if (r.status !== 0) {
    const err = new Error(`${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
    err.exitCode = r.status ?? 1;
    throw err;
  }
}

function log(msg) {
  console.log(`\x1b[36m[kaizen]\x1b[0m ${msg}`);
}

/** Installs npm dependencies when node_modules is missing or older than package-lock.json. */
export function ensureDeps() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  const stale = !fs.existsSync(marker) || fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs + 1000;
  if (!stale) return;
  // `npm install` rather than `npm ci`: with the lock file present it installs the same versions, and it tolerates
  // registries (mirrors) that only serve this platform's optional binaries, where `npm ci` refuses the lock file.
  log("installing npm dependencies…");
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

export const chromiumPath = process.env.KAIZEN_CHROMIUM ?? "/usr/bin/chromium";

/** Installs Debian's chromium for the browser tests when it is absent (needs root). */
export function ensureChromium() {
  if (fs.existsSync(chromiumPath)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `[kaizen] Chromium is needed for the browser tests but ${chromiumPath} does not exist.\n` +
        `         Install it as root with: apt-get update && apt-get install -y chromium\n` +
        `         (or set KAIZEN_CHROMIUM to another Chromium binary).`,
    );
    process.exit(1);
  }
  log("installing Debian's chromium for the browser tests (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-q"], { env });
  run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "chromium", "fonts-dejavu-core"], { env });
}

export const redisServerPath = process.env.KAIZEN_REDIS_SERVER ?? "/usr/bin/redis-server";

/**
 * Installs Debian's redis-server for the replica tests when it is absent (needs root). Only the binary is used: the
 * tests start their own servers on loopback ports, so the system service the package may start is stopped.
 */
export function ensureRedisServer() {
  if (fs.existsSync(redisServerPath)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `[kaizen] redis-server is needed for the replica tests but ${redisServerPath} does not exist.\n` +
        `         Install it as root with: apt-get update && apt-get install -y redis-server\n` +
        `         (or set KAIZEN_REDIS_SERVER to another redis-server binary).`,
    );
    process.exit(1);
  }
  log("installing Debian's redis-server for the replica tests (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-q"], { env });
  // The package may start its system service (on 6379); nothing of Kaizen uses it, so it is stopped again.
  run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "redis-server"], { env });
  spawnSync("service", ["redis-server", "stop"], { stdio: "ignore" });
}

const buildInputs = ["app", "lib", "public", "next.config.mjs", "package-lock.json", "tsconfig.json", "proxy.ts"];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

/** Builds the production app when there is no build or a source file is newer than it. */
export function ensureBuild({ force = false } = {}) {
  const stamp = path.join(root, ".next", "BUILD_ID");
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  const newest = Math.max(...buildInputs.map((p) => newestMtime(path.join(root, p))));
  if (!force && built > newest) {
    log("production build is up to date");
    return;
  }
  log("building the production app (next build)…");
  run(path.join(root, "node_modules", ".bin", "next"), ["build"]);
}

export function git(cwd, args, env = {}) {
  return execFileSync("git", args, { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
}

/** Creates a separate git repository holding a copy of the sample content (never the project's own history). */
export function ensureContentRepo(dir, { source = path.join(root, "content"), quiet = false } = {}) {
  if (fs.existsSync(path.join(dir, "incidents"))) return false;
  if (!quiet) log(`creating the demo content repository at ${path.relative(root, dir) || dir}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(source, dir, { recursive: true });
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["add", "-A"]);
  const who = { GIT_AUTHOR_NAME: "Kaizen", GIT_AUTHOR_EMAIL: "kaizen@localhost", GIT_COMMITTER_NAME: "Kaizen", GIT_COMMITTER_EMAIL: "kaizen@localhost" };
  git(dir, ["commit", "-q", "-m", "Import the Kaizen sample knowledge base"], who);
  return true;
}

export const defaultContentDir = path.join(root, ".kaizen", "content");
export const defaultDataDir = path.join(root, ".kaizen", "data");

/** AUTH_SECRET from the environment, else one generated on first start and kept in the data directory. */
export function ensureAuthSecret(dataDir) {
  if (process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET) return process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET;
  const file = path.join(dataDir, "auth-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64url") + "\n", { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}
