import { BlockList, isIP } from "node:net";

/**
 * The header Kaizen's own HTTP server (scripts/serve.mjs) sets to the socket's remote address, after deleting any copy
 * the client sent. Next.js does not expose the socket to route handlers or the proxy, and it fills X-Forwarded-For
 * with the peer only when the client sent none (`??=` in next/dist/server/base-server.js), so that header alone
 * cannot tell the real peer from a forged one.
 */
export const PEER_ADDRESS_HEADER = "x-kaizen-peer-address";

/** What the server set in the environment to say that it writes PEER_ADDRESS_HEADER itself. */
export const PEER_ADDRESS_ENV = "KAIZEN_PEER_HEADER";

/** Used as the address when the peer is unknown: one shared key, so forged headers cannot mint fresh ones. */
export const UNKNOWN_ADDRESS = "unknown";

export interface TrustedProxies {
  has(address: string): boolean;
  problems: string[];
}

/** Fetch-style headers (route handlers, `headers()`) or a plain object (next-auth's `req.headers`). */
export type HeaderSource = { get(name: string): string | null } | Record<string, unknown> | undefined | null;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === "function") return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  return Array.isArray(v) ? v.map(String).join(",") : typeof v === "string" ? v : undefined;
}

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) is the IPv4 address; brackets and zone ids are dropped. */
export function normalizeAddress(raw: string): string | null {
  let a = raw.trim();
  if (a.startsWith("[") && a.includes("]")) a = a.slice(1, a.indexOf("]"));
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  a = a.replace(/%.*$/, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped?.[1]) a = mapped[1];
  return isIP(a) ? a : null;
}

/** Parses KAIZEN_TRUSTED_PROXIES: comma-separated IPv4/IPv6 addresses and CIDR ranges. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  const problems: string[] = [];
  for (const item of (value ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const [addr = "", bits, extra] = item.split("/");
    const ip = normalizeAddress(addr);
    const family = ip ? (isIP(ip) === 6 ? "ipv6" : "ipv4") : null;
    const prefix = bits === undefined ? null : Number(bits);
    const max = family === "ipv6" ? 128 : 32;
    if (!ip || !family || extra !== undefined || (prefix !== null && (!/^\d+$/.test(bits ?? "") || prefix > max))) {
      problems.push(`KAIZEN_TRUSTED_PROXIES entry "${item}" is not an IP address or CIDR range`);
      continue;
    }
    if (prefix === null) list.addAddress(ip, family);
    else list.addSubnet(ip, prefix, family);
  }
  return {
    problems,
    has(address) {
      const ip = normalizeAddress(address);
      return !!ip && list.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4");
    },
  };
}

let fromEnv: { value: string | undefined; proxies: TrustedProxies } | null = null;

/** The trusted proxies configured in the environment (parsed once per distinct value; bad entries are logged). */
export function trustedProxies(env: NodeJS.ProcessEnv = process.env): TrustedProxies {
  const value = env.KAIZEN_TRUSTED_PROXIES;
  if (fromEnv && fromEnv.value === value) return fromEnv.proxies;
  const proxies = parseTrustedProxies(value);
  for (const p of proxies.problems) console.error(`[kaizen] ${p} (ignored)`);
  fromEnv = { value, proxies };
  return proxies;
}

/** The socket peer as Kaizen's server reported it, or null when the app runs under a server that does not. */
export function peerAddress(headers: HeaderSource, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env[PEER_ADDRESS_ENV] !== PEER_ADDRESS_HEADER) return null;
  const v = header(headers, PEER_ADDRESS_HEADER);
  return v ? normalizeAddress(v) : null;
}

/**
 * Whom a request comes from: the socket peer, unless the peer is a trusted proxy; then X-Forwarded-For is walked from
 * the right (each proxy appends the address it saw), skipping trusted hops, and the first untrusted hop is the client.
 * A forged entry can only sit to the left of what a trusted proxy appended, so it is never reached.
 */
export function resolveClientAddress(input: { peer: string | null; forwardedFor?: string | null }, trusted: TrustedProxies): string {
  const peer = input.peer ? normalizeAddress(input.peer) : null;
  if (!peer) return UNKNOWN_ADDRESS;
  if (!trusted.has(peer)) return peer;
  const hops = (input.forwardedFor ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i] ?? "");
    // A garbled hop was written by someone untrusted: the last good address is the best we know.
    if (!hop) break;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}

/** The client address of a request from its headers (see resolveClientAddress). */
export function clientAddress(headers: HeaderSource, env: NodeJS.ProcessEnv = process.env): string {
  return resolveClientAddress({ peer: peerAddress(headers, env), forwardedFor: header(headers, "x-forwarded-for") }, trustedProxies(env));
}

/** True when the request reached us through a trusted proxy, so its X-Forwarded-Host/-Proto may be believed. */
export function fromTrustedProxy(headers: HeaderSource, env: NodeJS.ProcessEnv = process.env): boolean {
  const peer = peerAddress(headers, env);
  return !!peer && trustedProxies(env).has(peer);
}

/** The host the client asked for: X-Forwarded-Host from a trusted proxy, else the Host header. */
export function requestHost(headers: HeaderSource, env: NodeJS.ProcessEnv = process.env): string | null {
  const forwarded = fromTrustedProxy(headers, env) ? header(headers, "x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return forwarded || header(headers, "host") || null;
}

/** The scheme the client used: X-Forwarded-Proto from a trusted proxy, else http (Kaizen's server speaks plain HTTP). */
export function requestProto(headers: HeaderSource, env: NodeJS.ProcessEnv = process.env): "http" | "https" {
  const forwarded = fromTrustedProxy(headers, env) ? header(headers, "x-forwarded-proto")?.split(",")[0]?.trim() : undefined;
  return forwarded === "https" ? "https" : "http";
}

/** Set by `npm start` when it filled in NEXTAUTH_URL itself (localhost:PORT): then links follow the request instead. */
export const DEFAULTED_AUTH_URL_ENV = "KAIZEN_NEXTAUTH_URL_DEFAULTED";

/**
 * The address links should point at (CSV, calendar and export links): KAIZEN_BASE_URL, else a NEXTAUTH_URL that was
 * configured (not the localhost default `npm start` fills in), else the host this request was sent to.
 */
export function publicBaseUrl(headers: HeaderSource, env: NodeJS.ProcessEnv = process.env): string {
  const auth = env[DEFAULTED_AUTH_URL_ENV] === "1" ? undefined : env.NEXTAUTH_URL;
  const configured = env.KAIZEN_BASE_URL || auth;
  if (configured && /^https?:\/\//.test(configured)) return configured.replace(/\/+$/, "");
  // Forwarded host and scheme only from a trusted proxy: otherwise any client could plant links to its own site.
  return `${requestProto(headers, env)}://${requestHost(headers, env) ?? "localhost"}`;
}
