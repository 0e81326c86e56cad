import "server-only";
import { getServerSession } from "next-auth";
import { cookies, headers } from "next/headers";
import { connection } from "next/server";
import { redirect } from "next/navigation";
import { AppError } from "../errors";
import { audit } from "./audit";
import { requestHost } from "./client-address";
import { readAuthConfig } from "./config";
import { buildAuthOptions } from "./options";
import { revocations } from "./revocation";
import { findUser, toViewer } from "./users";
import { viewerSchema, type Viewer } from "./viewer";

/**
 * The signed-in viewer, or null. Local accounts are re-checked on every request (users.json as of at most half a
 * second ago: findUser) so that a removed user or a changed role takes effect at once, not when the session cookie
 * expires.
 */
export async function getViewer(): Promise<Viewer | null> {
  // Who is asking is known only per request: this keeps every page that asks out of static prerendering.
  await connection();
  if (readAuthConfig().problems.length > 0) return null;
  const v = await sessionViewer();
  if (!v) return null;
  if (v.id.includes(":")) return v; // identity-provider accounts carry their claims in the session
  const local = await findUser(v.id);
  return local ? toViewer(local) : null;
}

// Decoding a session runs next-auth's whole session handler (key derivation, decryption, callbacks): about 2 ms,
// most of a search request's cost. The decoded claims are kept for a minute per exact token value; the token is
// still checked by next-auth at least once a minute, local accounts are re-checked on every request above, and the
// session id is checked against the revocation list on every request, so a sign-out ends a cached session at once.
const SESSION_TTL_MS = 60_000;
const sessionCache = new Map<string, { viewer: Viewer; sid: string; until: number }>();
const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

async function sessionViewer(): Promise<Viewer | null> {
  const jar = await cookies();
  // next-auth splits large tokens into `<name>.0`, `<name>.1`, …; the cache key is the whole value either way.
  const token = SESSION_COOKIES.map(
    (n) =>
      jar.get(n)?.value ??
      jar
        .getAll()
        .filter((c) => c.name.startsWith(`${n}.`))
        .sort((a, b) => Number(a.name.slice(n.length + 1)) - Number(b.name.slice(n.length + 1)))
        .map((c) => c.value)
        .join(""),
  ).find(Boolean);
  if (!token) return null;
  const now = Date.now();
  const hit = sessionCache.get(token);
  if (hit && hit.until > now) {
    if (!(await revocations().isRevoked(hit.sid))) return hit.viewer;
    sessionCache.delete(token);
    return null;
  }
  // next-auth's jwt callback refuses revoked and id-less sessions (lib/auth/options.ts), so a session here is live.
  const session = (await getServerSession(buildAuthOptions())) as { viewer?: unknown; sid?: unknown } | null;
  const parsed = viewerSchema.safeParse(session?.viewer);
  if (!parsed.success || typeof session?.sid !== "string") {
    sessionCache.delete(token);
    return null;
  }
  if (sessionCache.size > 10_000) sessionCache.clear();
  sessionCache.set(token, { viewer: parsed.data, sid: session.sid, until: now + SESSION_TTL_MS });
  return parsed.data;
}

/** For pages: the viewer, or a redirect to sign-in (or to the configuration error when auth is misconfigured). */
export async function requireViewer(returnTo = "/"): Promise<Viewer> {
  await connection();
  if (readAuthConfig().problems.length > 0) redirect("/signin?error=Configuration");
  const v = await getViewer();
  if (!v) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return v;
}

/** For route handlers and server actions: the viewer, or a 401 AppError. */
export async function requireApiViewer(): Promise<Viewer> {
  await connection();
  const problems = readAuthConfig().problems;
  if (problems.length > 0) throw new AppError("unavailable", `sign-in is not configured: ${problems.join("; ")}`);
  const v = await getViewer();
  if (!v) throw new AppError("unauthorized", "sign in first");
  return v;
}

/**
 * Refuses cross-site requests to mutating endpoints: the Origin header must be present, not "null", and name this
 * host. (Server actions get the same check from Next; route handlers and our own actions check again.)
 */
export async function assertSameOrigin(): Promise<void> {
  assertOriginMatches(await headers());
}

/** The check behind assertSameOrigin; X-Forwarded-Host counts only from a trusted proxy (KAIZEN_TRUSTED_PROXIES). */
export function assertOriginMatches(h: { get(name: string): string | null }, env: NodeJS.ProcessEnv = process.env): void {
  const origin = h.get("origin");
  const host = requestHost(h, env);
  if (!origin || origin === "null") throw new AppError("forbidden", "cross-site request refused (no Origin)");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("forbidden", "cross-site request refused (bad Origin)");
  }
  if (!host || originHost !== host) throw new AppError("forbidden", "cross-site request refused");
}

/** Records a denial in the audit log and returns the error to throw. */
export async function denied(viewer: Viewer | null, action: string, target: string, reason: string): Promise<AppError> {
  await audit({ type: "denied", user: viewer?.id ?? null, action, target, reason });
  return new AppError(reason === "not found" ? "not_found" : "forbidden", reason === "not found" ? "not found" : `not allowed: ${reason}`);
}
