/** Identity-provider configuration, read from the environment (see README, "Sign-in"). */
export interface AuthConfig {
  secret: string | undefined;
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string; groupsClaim: string } | null;
  github: { clientId: string; clientSecret: string; orgs: string[] } | null;
  /** Provider group → Kaizen role, e.g. AUTH_ROLE_MAP="kaizen-admins:admin,sre:author". */
  roleMap: Record<string, "reader" | "author" | "admin">;
  defaultRole: "reader" | "author" | "admin";
  localAccounts: boolean;
  problems: string[];
}

function list(v: string | undefined): string[] {
  return (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

export function readAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const problems: string[] = [];
  const secret = env.AUTH_SECRET ?? env.NEXTAUTH_SECRET;
  if (!secret) problems.push("AUTH_SECRET is not set (generate one with `openssl rand -base64 32`)");
  else if (secret.length < 32) problems.push("AUTH_SECRET is too short (at least 32 characters)");

  let oidc: AuthConfig["oidc"] = null;
  const oidcVars = [env.AUTH_OIDC_ISSUER, env.AUTH_OIDC_CLIENT_ID, env.AUTH_OIDC_CLIENT_SECRET];
  if (oidcVars.some(Boolean)) {
    if (!oidcVars.every(Boolean)) problems.push("OIDC needs AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET together");
    else if (!/^https:\/\//.test(env.AUTH_OIDC_ISSUER ?? "") && !/^http:\/\/(localhost|127\.0\.0\.1)/.test(env.AUTH_OIDC_ISSUER ?? ""))
      problems.push("AUTH_OIDC_ISSUER must be an https:// URL");
    else
      oidc = {
        issuer: env.AUTH_OIDC_ISSUER!.replace(/\/$/, ""),
        clientId: env.AUTH_OIDC_CLIENT_ID!,
        clientSecret: env.AUTH_OIDC_CLIENT_SECRET!,
        name: env.AUTH_OIDC_NAME ?? "Single sign-on",
        groupsClaim: env.AUTH_OIDC_GROUPS_CLAIM ?? "groups",
      };
  }
  let github: AuthConfig["github"] = null;
  if (env.AUTH_GITHUB_ID || env.AUTH_GITHUB_SECRET) {
    if (!env.AUTH_GITHUB_ID || !env.AUTH_GITHUB_SECRET) problems.push("GitHub sign-in needs AUTH_GITHUB_ID and AUTH_GITHUB_SECRET together");
    else if (list(env.AUTH_GITHUB_ORGS).length === 0) problems.push("AUTH_GITHUB_ORGS must name the GitHub organizations whose members may sign in");
    else github = { clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET, orgs: list(env.AUTH_GITHUB_ORGS).map((o) => o.toLowerCase()) };
  }
  const roleMap: AuthConfig["roleMap"] = {};
  for (const pair of list(env.AUTH_ROLE_MAP)) {
    const [group, role] = pair.split(":").map((s) => s.trim());
    if (group && (role === "reader" || role === "author" || role === "admin")) roleMap[group] = role;
    else problems.push(`AUTH_ROLE_MAP entry "${pair}" is not group:role (role = reader, author or admin)`);
  }
  const dr = env.AUTH_DEFAULT_ROLE ?? "reader";
  const defaultRole = dr === "author" || dr === "admin" ? dr : "reader";
  // Local accounts stay available unless turned off, or unless an identity provider is configured.
  const localAccounts = env.AUTH_LOCAL_ACCOUNTS ? env.AUTH_LOCAL_ACCOUNTS !== "false" : !oidc && !github;
  return { secret, oidc, github, roleMap, defaultRole, localAccounts, problems };
}

/** The highest role any of the provider's groups maps to. */
export function roleFromGroups(groups: string[], cfg: Pick<AuthConfig, "roleMap" | "defaultRole">): "reader" | "author" | "admin" {
  const rank = { reader: 0, author: 1, admin: 2 } as const;
  let role = cfg.defaultRole;
  for (const g of groups) {
    const r = cfg.roleMap[g];
    if (r && rank[r] > rank[role]) role = r;
  }
  return role;
}
