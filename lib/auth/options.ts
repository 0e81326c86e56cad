import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { audit } from "./audit";
import { readAuthConfig, roleFromGroups } from "./config";
import { RateLimiter } from "./rate-limit";
import { toViewer, verifyCredentials } from "./users";
import type { Viewer } from "./viewer";

// Sign-in attempts: 5 per account and 20 per address, refilled at 5 and 20 a minute respectively.
const perAccount = new RateLimiter(5, 5);
const perAddress = new RateLimiter(20, 20);

export function clientAddress(headers: Record<string, unknown> | Headers | undefined): string {
  const get = (k: string) => (headers instanceof Headers ? headers.get(k) : (headers?.[k] as string | undefined)) ?? undefined;
  return (get("x-forwarded-for")?.split(",")[0] ?? get("x-real-ip") ?? "local").trim();
}

type KaizenToken = { viewer?: Viewer };

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
          const username = String(credentials?.username ?? "").trim().toLowerCase().slice(0, 200);
          const password = String(credentials?.password ?? "").slice(0, 1000);
          const ip = clientAddress(req?.headers as Record<string, unknown> | undefined);
          if (!perAddress.take(ip) || !perAccount.take(username)) {
            await audit({ type: "sign-in", user: username, method: "password", ok: false, ip, reason: "rate-limited" });
            throw new Error("RateLimited");
          }
          const user = username && password ? await verifyCredentials(username, password) : null;
          await audit({ type: "sign-in", user: username, method: "password", ok: !!user, ip, reason: user ? undefined : "bad credentials" });
          if (!user) return null;
          perAccount.reset(username);
          const v = toViewer(user);
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
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
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
        }
        return t;
      },
      async session({ session, token }) {
        return { ...session, viewer: (token as KaizenToken).viewer ?? null };
      },
    },
    events: {
      async signOut({ token }) {
        const v = (token as KaizenToken | null)?.viewer;
        if (v) await audit({ type: "sign-out", user: v.id });
      },
    },
  };
}
