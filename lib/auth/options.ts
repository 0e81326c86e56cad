import "server-only";
import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { audit } from "./audit";
import { clientAddress } from "./client-address";
import { readAuthConfig, roleFromGroups } from "./config";
import { revocations } from "./revocation";
import { defaultSignInLimits, passwordSignIn, type SignInLimits } from "./sign-in";
import type { Viewer } from "./viewer";

// Made on first sign-in: importing this module (a build does) must not connect to Redis.
let limits: SignInLimits | null = null;

/** How long a session lasts after its last use (next-auth re-issues the cookie, with a later expiry, as it is used). */
export const SESSION_MAX_AGE_S = 8 * 60 * 60;

// next-auth gives every re-issued cookie a fresh `jti`, so a copy taken earlier carries a different one than the
// cookie that signs out: the session id that revocation needs is our own claim, chosen once at sign-in.
type KaizenToken = { viewer?: Viewer; sid?: string };

const REVOKED = "SessionRevoked";
/** The error code of a sign-in refused because the shared rate limits (Redis) cannot be reached. */
export const SIGN_IN_UNAVAILABLE = "SignInUnavailable";

/** Throws for a token whose session was ended (or that predates session ids and so cannot be ended). */
async function assertLive(token: KaizenToken): Promise<void> {
  if (!token.sid || (await revocations().isRevoked(token.sid))) throw new Error(REVOKED);
}

export function buildAuthOptions(): NextAuthOptions {
  const cfg = readAuthConfig();
  const providers: NextAuthOptions["providers"] = [];
  if (cfg.localAccounts) {
    providers.push(
      CredentialsProvider({
        id: "credentials",
        name: "Kaizen account",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const address = clientAddress(req?.headers as Record<string, unknown> | undefined);
          const result = await passwordSignIn((limits ??= defaultSignInLimits()), { login: String(credentials?.username ?? ""), password: String(credentials?.password ?? ""), address });
          if (!result.ok && result.reason === "rate-limited") throw new Error("RateLimited");
          // The route handler answers this one with 503 (app/api/auth/[...nextauth]/route.ts).
          if (!result.ok && result.reason === "unavailable") throw new Error(SIGN_IN_UNAVAILABLE);
          if (!result.ok) return null;
          const v = result.viewer;
          return { id: v.id, name: v.name, email: v.email, viewer: v } as never;
        },
      }),
    );
  }
  if (cfg.github) {
    providers.push(GitHubProvider({ clientId: cfg.github.clientId, clientSecret: cfg.github.clientSecret, authorization: { params: { scope: "read:user user:email read:org" } } }));
  }
  if (cfg.oidc) {
    const oidc = cfg.oidc;
    const provider: OAuthConfig<Record<string, unknown>> = {
      id: "oidc",
      name: oidc.name,
      type: "oauth",
      wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile) {
        return { id: String(profile.sub), name: String(profile.name ?? profile.preferred_username ?? profile.email ?? profile.sub), email: String(profile.email ?? "") };
      },
    };
    providers.push(provider);
  }

  return {
    secret: cfg.secret,
    providers,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/signin", error: "/signin" },
    logger: {
      error(code, metadata) {
        // A revoked session is an expected outcome, not a server error worth a stack trace per request.
        const err = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
        if (code === "JWT_SESSION_ERROR" && err instanceof Error && err.message === REVOKED) return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
    callbacks: {
      async signIn({ account, user }) {
        if (account?.provider === "github" && cfg.github) {
          const res = await fetch("https://api.github.com/user/orgs", { headers: { Authorization: `Bearer ${account.access_token}`, Accept: "application/vnd.github+json" } }).catch(() => null);
          const orgs = res?.ok ? ((await res.json()) as { login: string }[]).map((o) => o.login.toLowerCase()) : [];
          const allowed = orgs.some((o) => cfg.github!.orgs.includes(o));
          await audit({ type: "sign-in", user: user.email ?? user.id, method: "github", ok: allowed, reason: allowed ? undefined : "not a member of an allowed organization" });
          return allowed;
        }
        if (account?.provider === "oidc") await audit({ type: "sign-in", user: user.email ?? user.id, method: "oidc", ok: true });
        return true;
      },
      async jwt({ token, user, account, profile }) {
        const t = token as typeof token & KaizenToken;
        if (user && account) {
          t.sid = randomUUID();
          if (account.provider === "credentials") {
            t.viewer = (user as unknown as { viewer: Viewer }).viewer;
          } else {
            let groups: string[] = [];
            if (account.provider === "oidc" && profile) {
              const claim = (profile as Record<string, unknown>)[cfg.oidc?.groupsClaim ?? "groups"];
              groups = Array.isArray(claim) ? claim.map(String) : typeof claim === "string" ? claim.split(/[ ,]+/).filter(Boolean) : [];
            } else if (account.provider === "github" && account.access_token) {
              const res = await fetch("https://api.github.com/user/teams", { headers: { Authorization: `Bearer ${account.access_token}` } }).catch(() => null);
              const teams = res?.ok ? ((await res.json()) as { slug: string; organization: { login: string } }[]) : [];
              groups = teams.map((x) => `${x.organization.login.toLowerCase()}/${x.slug}`);
            }
            t.viewer = { id: `${account.provider}:${user.id}`, name: user.name ?? user.email ?? user.id, email: user.email ?? "", role: roleFromGroups(groups, cfg), groups };
          }
        } else {
          // Every use of an existing session passes here (next-auth's session route and getServerSession alike);
          // throwing makes next-auth answer "no session" and clear the cookie.
          await assertLive(t);
        }
        return t;
      },
      async session({ session, token }) {
        const t = token as KaizenToken;
        return { ...session, viewer: t.viewer ?? null, sid: t.sid ?? null };
      },
    },
    events: {
      async signOut({ token }) {
        const t = token as KaizenToken | null;
        // Any token of this session was issued before now and lives at most SESSION_MAX_AGE_S past its issue, so
        // the id is kept that long (a copy refreshed after this cookie may expire later than this cookie's `exp`).
        if (t?.sid) await revocations().revoke(t.sid, Date.now() + SESSION_MAX_AGE_S * 1000);
        if (t?.viewer) await audit({ type: "sign-out", user: t.viewer.id });
      },
    },
  };
}
