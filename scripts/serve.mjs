// The production HTTP server (`npm start`, `npm run serve`, the browser tests): Next's request handler behind a plain
// node:http server, for one reason: Next gives route handlers and the proxy no access to the socket, and it keeps a
// client-sent X-Forwarded-For as is, so without this the app cannot tell a client's real address from a forged one.
// Usage: node scripts/serve.mjs [-p PORT] [-H HOST]   (defaults: PORT or 3000; KAIZEN_HOST, HOSTNAME or 127.0.0.1)
// KAIZEN_WORKERS=N (default: one per core) runs N such servers as cluster workers sharing the listening socket. Each is
// a replica in the sense of ARCHITECTURE §8 on the same clone and data directory: saves are serialized by the write
// lock beside .git and compare-and-swap against HEAD, every worker watches .git for the others' commits, and
// sign-outs and sign-in limits are shared through files of the data directory (README, "Workers").
import cluster from "node:cluster";
import http from "node:http";
import os from "node:os";
import { createRequire } from "node:module";
import { root } from "./setup.mjs";

// Must match PEER_ADDRESS_HEADER / PEER_ADDRESS_ENV in lib/auth/client-address.ts. The variable tells the app that
// this server owns the header; under another server (`next dev`, plain `next start`) the header is ignored.
const PEER_HEADER = "x-kaizen-peer-address";
process.env.KAIZEN_PEER_HEADER = PEER_HEADER;

function flag(names, fallback) {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) if (names.includes(args[i]) && args[i + 1]) return args[i + 1];
  return fallback;
}

const port = Number(flag(["-p", "--port"], process.env.PORT ?? "3000"));
// Loopback unless told otherwise: a demo with printed passwords should not be reachable from the whole network.
const host = flag(["-H", "--hostname"], process.env.KAIZEN_HOST || process.env.HOSTNAME || "127.0.0.1");
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`[kaizen] invalid port "${port}"`);
  process.exit(2);
}

/** KAIZEN_WORKERS: a positive integer, or unset/empty for one per core. */
function workerCount(raw = process.env.KAIZEN_WORKERS) {
  if (raw === undefined || raw.trim() === "") return Math.max(1, os.availableParallelism());
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 256) {
    console.error(`[kaizen] KAIZEN_WORKERS must be a whole number from 1 to 256 (got "${raw}")`);
    process.exit(2);
  }
  return Number(raw);
}

const workers = cluster.isPrimary ? workerCount() : 1;
if (cluster.isPrimary && workers > 1) {
  await supervise(workers);
} else {
  await serve();
}

/**
 * The primary of a cluster serves nothing itself: it starts the workers, starts a worker again when one that served
 * dies (not faster than once a second per worker), and on SIGINT/SIGTERM passes the signal on and exits once every
 * worker has finished its requests in flight. A worker that dies before it ever listened (the port is taken, the build
 * is missing) would die again: then the whole server stops with its exit code.
 */
async function supervise(n) {
  let stopping = false;
  const stopAll = (sig) => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(sig);
  };
  const fork = (slot) => {
    const w = cluster.fork({ KAIZEN_WORKER: String(slot) });
    const startedAt = Date.now();
    let listened = false;
    w.on("listening", () => (listened = true));
    w.on("exit", (code, signal) => {
      if (stopping) return;
      if (!listened) {
        console.error(`[kaizen] worker ${slot} could not start (${signal ?? `code ${code}`}); stopping`);
        process.exitCode = code || 1;
        stopAll("SIGTERM");
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
        return;
      }
      console.error(`[kaizen] worker ${slot} exited (${signal ?? `code ${code}`}); starting it again`);
      setTimeout(() => fork(slot), Math.max(0, 1000 - (Date.now() - startedAt)));
    });
  };
  console.log(`[kaizen] starting ${n} workers (KAIZEN_WORKERS; one per core by default)`);
  for (let i = 1; i <= n; i++) fork(i);
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => stopAll(sig));
  cluster.on("exit", () => {
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) process.exit();
  });
}

async function serve() {
  const require = createRequire(import.meta.url);
  const next = require("next");
  const app = next({ dev: false, dir: root, hostname: host, port });
  const handle = app.getRequestHandler();
  await app.prepare();

  // Which worker answered (a number, nothing else): for operators reading logs and for the test that two serve.
  const worker = cluster.isWorker ? String(process.env.KAIZEN_WORKER ?? cluster.worker?.id ?? "") : null;
  const server = http.createServer((req, res) => {
    // Whatever the client sent under this name is dropped: only the socket says who the peer is.
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
    if (worker) res.setHeader("X-Kaizen-Worker", worker);
    handle(req, res).catch((err) => {
      console.error("[kaizen] request failed:", err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Next keeps the process alive after an uncaught exception, so a port that cannot be taken must end it here.
  server.on("error", (err) => {
    console.error(`[kaizen] cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });
  const who = cluster.isWorker ? ` (worker ${process.env.KAIZEN_WORKER}, pid ${process.pid})` : "";
  server.listen(port, host, () => console.log(`[kaizen] listening on http://${host.includes(":") ? `[${host}]` : host}:${port}${who}`));
  // Stop taking requests, let those in flight finish, and do not wait for idle keep-alive connections to time out.
  // A cluster worker may get the signal twice (from the terminal's process group and from the primary): once is enough.
  let closing = false;
  for (const sig of ["SIGINT", "SIGTERM"])
    process.on(sig, () => {
      if (closing) return;
      closing = true;
      server.close(() => process.exit(0));
      server.closeIdleConnections();
    });
}
