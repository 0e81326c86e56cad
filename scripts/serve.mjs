// The production HTTP server (`npm start`, `npm run serve`, the browser tests): Next's request handler behind a plain
// node:http server, for one reason: Next gives route handlers and the proxy no access to the socket, and it keeps a
// client-sent X-Forwarded-For as is, so without this the app cannot tell a client's real address from a forged one.
// Usage: node scripts/serve.mjs [-p PORT] [-H HOST]   (defaults: PORT or 3000; KAIZEN_HOST, HOSTNAME or 127.0.0.1)
import http from "node:http";
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

const require = createRequire(import.meta.url);
const next = require("next");
const app = next({ dev: false, dir: root, hostname: host, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  // Whatever the client sent under this name is dropped: only the socket says who the peer is.
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  handle(req, res).catch((err) => {
    console.error("[kaizen] request failed:", err);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.listen(port, host, () => console.log(`[kaizen] listening on http://${host.includes(":") ? `[${host}]` : host}:${port}`));
// Stop taking requests, let those in flight finish, and do not wait for idle keep-alive connections to time out.
for (const sig of ["SIGINT", "SIGTERM"])
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
