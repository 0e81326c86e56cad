import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readAuthConfig as readConfig, roleFromGroups } from "../../lib/auth/config";
import { generatePassword, hashPassword, verifyPassword } from "../../lib/auth/password";
import { RateLimiter } from "../../lib/auth/rate-limit";
import { addUser, ensureDemoUsers, findByFeedToken, loadUsers, removeUser, toViewer, updateUser, usersFile, verifyCredentials } from "../../lib/auth/users";
import { canAuthor, canEdit, canManageUsers, canManageVisibility, canRead, ROLES, type Role, type Viewer, type VisibilityFields } from "../../lib/auth/viewer";
import { AppError } from "../../lib/errors";

function viewer(role: Role, groups: string[]): Viewer {
  return { id: `${role}-1`, name: role, email: `${role}@example.com`, role, groups };
}

describe("viewer decisions: every role × visibility × membership", () => {
  const internal: VisibilityFields = { visibility: "internal", groups: [] };
  const restricted: VisibilityFields = { visibility: "restricted", groups: ["security", "legal"] };

  // [role, incident, member of one of its groups, canRead, canEdit, canAuthor, canManageVisibility]
  const table: [Role, "internal" | "restricted", boolean, boolean, boolean, boolean, boolean][] = [
    ["reader", "internal", true, true, false, false, false],
    ["reader", "internal", false, true, false, false, false],
    ["reader", "restricted", true, true, false, false, false],
    ["reader", "restricted", false, false, false, false, false],
    ["author", "internal", true, true, true, true, false],
    ["author", "internal", false, true, true, true, false],
    ["author", "restricted", true, true, true, true, false],
    ["author", "restricted", false, false, false, true, false],
    ["admin", "internal", true, true, true, true, true],
    ["admin", "internal", false, true, true, true, true],
    ["admin", "restricted", true, true, true, true, true],
    ["admin", "restricted", false, true, true, true, true],
  ];

  it("covers every combination", () => {
    expect(new Set(table.map(([r, v, m]) => `${r}|${v}|${m}`)).size).toBe(ROLES.length * 2 * 2);
  });

  it.each(table)("%s, %s incident, member=%s → read %s, edit %s, author %s, manage visibility %s", (role, vis, member, read, edit, author, manage) => {
    const v = viewer(role, member ? ["legal"] : ["marketing"]);
    const incident = vis === "internal" ? internal : restricted;
    expect(canRead(v, incident)).toBe(read);
    expect(canEdit(v, incident)).toBe(edit);
    expect(canAuthor(v)).toBe(author);
    expect(canManageVisibility(v)).toBe(manage);
  });

  it("denies everything to nobody", () => {
    for (const incident of [internal, restricted]) {
      expect(canRead(null, incident)).toBe(false);
      expect(canRead(undefined, incident)).toBe(false);
      expect(canEdit(null, incident)).toBe(false);
    }
    expect(canAuthor(null)).toBe(false);
    expect(canManageVisibility(null)).toBe(false);
    expect(canManageUsers(undefined)).toBe(false);
  });

  it("does not let a restricted incident without groups be read by a viewer without groups", () => {
    expect(canRead(viewer("author", []), { visibility: "restricted", groups: [] })).toBe(false);
  });

  it("lets only admins manage users", () => {
    expect(ROLES.filter((r) => canManageUsers(viewer(r, [])))).toEqual(["admin"]);
  });
});

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterz", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts: two hashes of the same password differ", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
  });

  it("refuses a tampered or malformed hash", async () => {
    const hash = await hashPassword("correct horse battery");
    const parts = hash.split("$");
    const key = parts[5] ?? "";
    const flipped = (key[0] === "A" ? "B" : "A") + key.slice(1);
    expect(await verifyPassword("correct horse battery", [...parts.slice(0, 5), flipped].join("$"))).toBe(false);
    const otherSalt = (parts[4]?.[0] === "A" ? "B" : "A") + (parts[4] ?? "").slice(1);
    expect(await verifyPassword("correct horse battery", [...parts.slice(0, 4), otherSalt, key].join("$"))).toBe(false);
    expect(await verifyPassword("correct horse battery", "plain-text")).toBe(false);
    expect(await verifyPassword("correct horse battery", "bcrypt$1$2$3$4$5")).toBe(false);
    expect(await verifyPassword("correct horse battery", "scrypt$32768$8$1$salt$c2hvcnQ")).toBe(false);
  });

  it("does not throw on absurd parameters in a stored hash", async () => {
    const hash = await hashPassword("correct horse battery");
    const parts = hash.split("$");
    for (const n of ["0", "3", "-1", "NaN", String(2 ** 40)]) {
      await expect(verifyPassword("correct horse battery", ["scrypt", n, ...parts.slice(2)].join("$"))).resolves.toBe(false);
    }
  });

  it("generates readable passwords of four groups", () => {
    const p = generatePassword();
    expect(p).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(generatePassword()).not.toBe(p);
  });
});

describe("RateLimiter", () => {
  function limiter(capacity: number, perMinute: number) {
    let now = 1_000_000;
    const rl = new RateLimiter(capacity, perMinute, () => now);
    return { rl, advance: (ms: number) => (now += ms) };
  }

  it("allows up to the capacity, then refuses", () => {
    const { rl } = limiter(3, 6);
    expect([rl.take("ip"), rl.take("ip"), rl.take("ip"), rl.take("ip")]).toEqual([true, true, true, false]);
    expect(rl.take("ip")).toBe(false);
  });

  it("refills over time at the given rate", () => {
    const { rl, advance } = limiter(3, 6); // one token every 10 s
    for (let i = 0; i < 3; i++) rl.take("ip");
    expect(rl.take("ip")).toBe(false);
    advance(9_000);
    expect(rl.take("ip")).toBe(false);
    advance(1_000);
    expect(rl.take("ip")).toBe(true);
    expect(rl.take("ip")).toBe(false);
    advance(60 * 60_000);
    // Never more than the capacity, however long it waited.
    expect([rl.take("ip"), rl.take("ip"), rl.take("ip"), rl.take("ip")]).toEqual([true, true, true, false]);
  });

  it("keeps keys independent", () => {
    const { rl } = limiter(1, 1);
    expect(rl.take("a")).toBe(true);
    expect(rl.take("a")).toBe(false);
    expect(rl.take("b")).toBe(true);
  });

  it("tells how long to wait", () => {
    const { rl, advance } = limiter(2, 6);
    expect(rl.retryAfter("ip")).toBe(0);
    rl.take("ip");
    rl.take("ip");
    rl.take("ip");
    expect(rl.retryAfter("ip")).toBe(10);
    advance(4_000);
    rl.take("ip");
    expect(rl.retryAfter("ip")).toBe(6);
  });

  it("forgets a key on reset", () => {
    const { rl } = limiter(1, 1);
    rl.take("a");
    rl.reset("a");
    expect(rl.take("a")).toBe(true);
  });
});

describe("readAuthConfig", () => {
  const SECRET = "x".repeat(32);
  const readAuthConfig = (vars: Record<string, string>) => readConfig({ NODE_ENV: "test", ...vars });

  it("reports a missing secret", () => {
    const cfg = readAuthConfig({});
    expect(cfg.problems).toEqual(["AUTH_SECRET is not set (generate one with `openssl rand -base64 32`)"]);
    expect(cfg.localAccounts).toBe(true);
    expect(cfg.defaultRole).toBe("reader");
  });

  it("reports a short secret and accepts NEXTAUTH_SECRET", () => {
    expect(readAuthConfig({ AUTH_SECRET: "short" }).problems).toEqual(["AUTH_SECRET is too short (at least 32 characters)"]);
    expect(readAuthConfig({ NEXTAUTH_SECRET: SECRET }).problems).toEqual([]);
  });

  it("reports a partial OIDC configuration and does not enable it", () => {
    const cfg = readAuthConfig({ AUTH_SECRET: SECRET, AUTH_OIDC_ISSUER: "https://id.example.com", AUTH_OIDC_CLIENT_ID: "kaizen" });
    expect(cfg.oidc).toBeNull();
    expect(cfg.problems).toEqual(["OIDC needs AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET together"]);
  });

  it("refuses a plain-http issuer except on localhost", () => {
    const base = { AUTH_SECRET: SECRET, AUTH_OIDC_CLIENT_ID: "kaizen", AUTH_OIDC_CLIENT_SECRET: "s" };
    expect(readAuthConfig({ ...base, AUTH_OIDC_ISSUER: "http://id.example.com" }).problems).toEqual(["AUTH_OIDC_ISSUER must be an https:// URL"]);
    expect(readAuthConfig({ ...base, AUTH_OIDC_ISSUER: "http://localhost:8080/realms/x" }).oidc?.issuer).toBe("http://localhost:8080/realms/x");
  });

  it("reads a complete OIDC configuration and turns local accounts off by default", () => {
    const cfg = readAuthConfig({ AUTH_SECRET: SECRET, AUTH_OIDC_ISSUER: "https://id.example.com/", AUTH_OIDC_CLIENT_ID: "kaizen", AUTH_OIDC_CLIENT_SECRET: "s" });
    expect(cfg.problems).toEqual([]);
    expect(cfg.oidc).toEqual({ issuer: "https://id.example.com", clientId: "kaizen", clientSecret: "s", name: "Single sign-on", groupsClaim: "groups" });
    expect(cfg.localAccounts).toBe(false);
  });

  it("requires organizations for GitHub sign-in", () => {
    const cfg = readAuthConfig({ AUTH_SECRET: SECRET, AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "s" });
    expect(cfg.github).toBeNull();
    expect(cfg.problems).toEqual(["AUTH_GITHUB_ORGS must name the GitHub organizations whose members may sign in"]);
    expect(readAuthConfig({ AUTH_SECRET: SECRET, AUTH_GITHUB_ID: "id" }).problems).toEqual(["GitHub sign-in needs AUTH_GITHUB_ID and AUTH_GITHUB_SECRET together"]);
    const ok = readAuthConfig({ AUTH_SECRET: SECRET, AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "s", AUTH_GITHUB_ORGS: "Lumen, lumen-ops ," });
    expect(ok.github?.orgs).toEqual(["lumen", "lumen-ops"]);
  });

  it("parses the role map and reports bad entries", () => {
    const cfg = readAuthConfig({ AUTH_SECRET: SECRET, AUTH_ROLE_MAP: "kaizen-admins:admin, sre : author,oops,x:superuser" });
    expect(cfg.roleMap).toEqual({ "kaizen-admins": "admin", sre: "author" });
    expect(cfg.problems).toEqual([
      'AUTH_ROLE_MAP entry "oops" is not group:role (role = reader, author or admin)',
      'AUTH_ROLE_MAP entry "x:superuser" is not group:role (role = reader, author or admin)',
    ]);
  });

  it("falls back to reader for an unknown default role", () => {
    expect(readAuthConfig({ AUTH_DEFAULT_ROLE: "author" }).defaultRole).toBe("author");
    expect(readAuthConfig({ AUTH_DEFAULT_ROLE: "root" }).defaultRole).toBe("reader");
  });

  it("picks the highest role any group maps to", () => {
    const cfg = { roleMap: { sre: "author", "kaizen-admins": "admin", everyone: "reader" } as const, defaultRole: "reader" as const };
    expect(roleFromGroups(["everyone", "kaizen-admins", "sre"], cfg)).toBe("admin");
    expect(roleFromGroups(["sre", "everyone"], cfg)).toBe("author");
    expect(roleFromGroups(["unknown"], cfg)).toBe("reader");
    expect(roleFromGroups([], { roleMap: {}, defaultRole: "author" })).toBe("author");
    // A lower mapping never demotes below the default role.
    expect(roleFromGroups(["everyone"], { ...cfg, defaultRole: "author" })).toBe("author");
  });
});

describe("local users", () => {
  const dirs: string[] = [];
  async function tempDir(): Promise<string> {
    const d = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-users-"));
    dirs.push(d);
    return d;
  }
  afterAll(async () => {
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  it("adds a user, checks credentials by username or e-mail, and never stores the password", async () => {
    const dir = await tempDir();
    const { user, password } = await addUser({ username: "ana", email: "Ana@Example.com", role: "author", groups: ["sre"], password: "a long secret 123" }, dir);
    expect(password).toBe("a long secret 123");
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(toViewer(user)).toEqual({ id: "ana", name: "ana", email: "Ana@Example.com", role: "author", groups: ["sre"] });

    expect((await verifyCredentials("ana", "a long secret 123", dir))?.username).toBe("ana");
    expect((await verifyCredentials("ANA@example.com", "a long secret 123", dir))?.username).toBe("ana");
    expect(await verifyCredentials("ana", "a long secret 124", dir)).toBeNull();
    expect(await verifyCredentials("nobody", "a long secret 123", dir)).toBeNull();

    const text = await fs.readFile(usersFile(dir), "utf8");
    expect(text).not.toContain("a long secret 123");
    expect((await fs.stat(usersFile(dir))).mode & 0o077).toBe(0);
  });

  it("generates a password when none is given, and refuses short ones, bad names and duplicates", async () => {
    const dir = await tempDir();
    const { password } = await addUser({ username: "bo", role: "reader" }, dir);
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await fs.readFile(usersFile(dir), "utf8")).not.toContain(password);
    expect((await verifyCredentials("bo", password, dir))?.role).toBe("reader");

    await expect(addUser({ username: "bo", role: "admin", password: "another long one" }, dir)).rejects.toMatchObject({ code: "conflict" });
    await expect(addUser({ username: "cy", role: "admin", password: "short" }, dir)).rejects.toMatchObject({ code: "bad_request" });
    await expect(addUser({ username: "../etc", role: "admin", password: "long enough pw" }, dir)).rejects.toBeInstanceOf(AppError);
    await expect(addUser({ username: "Upper", role: "admin", password: "long enough pw" }, dir)).rejects.toBeInstanceOf(AppError);
    expect((await loadUsers(dir)).map((u) => u.username)).toEqual(["bo"]);
  });

  it("updates and removes users", async () => {
    const dir = await tempDir();
    await addUser({ username: "ana", role: "reader", password: "a long secret 123" }, dir);
    const updated = await updateUser("ana", { role: "admin", groups: ["security"] }, dir);
    expect(updated.role).toBe("admin");
    expect((await loadUsers(dir))[0]).toMatchObject({ username: "ana", role: "admin", groups: ["security"] });
    // The password survives an update.
    expect(await verifyCredentials("ana", "a long secret 123", dir)).not.toBeNull();

    await expect(updateUser("nobody", { role: "admin" }, dir)).rejects.toMatchObject({ code: "not_found" });
    await removeUser("ana", dir);
    expect(await loadUsers(dir)).toEqual([]);
    expect(await verifyCredentials("ana", "a long secret 123", dir)).toBeNull();
    await expect(removeUser("ana", dir)).rejects.toMatchObject({ code: "not_found" });
  });

  it("gives each user a distinct feed token and finds users by it", async () => {
    const dir = await tempDir();
    const a = await addUser({ username: "ana", role: "reader", password: "a long secret 123" }, dir);
    const b = await addUser({ username: "bo", role: "reader", password: "a long secret 123" }, dir);
    expect(a.user.feedToken).not.toBe(b.user.feedToken);
    expect((await findByFeedToken(b.user.feedToken, dir))?.username).toBe("bo");
    expect(await findByFeedToken("", dir)).toBeNull();
    expect(await findByFeedToken("guess", dir)).toBeNull();
  });

  it("creates three demo users once and nothing the second time", async () => {
    const dir = await tempDir();
    const created = await ensureDemoUsers(dir);
    expect(created.map((c) => [c.username, c.role])).toEqual([
      ["admin", "admin"],
      ["author", "author"],
      ["reader", "reader"],
    ]);
    for (const c of created) expect((await verifyCredentials(c.username, c.password, dir))?.demo).toBe(true);
    const text = await fs.readFile(usersFile(dir), "utf8");
    for (const c of created) expect(text).not.toContain(c.password);

    expect(await ensureDemoUsers(dir)).toEqual([]);
    expect(await loadUsers(dir)).toHaveLength(3);
  });

  it("returns no users for a missing file and refuses a corrupt one", async () => {
    const dir = await tempDir();
    expect(await loadUsers(dir)).toEqual([]);
    await fs.writeFile(usersFile(dir), "{ not json");
    await expect(loadUsers(dir)).rejects.toMatchObject({ code: "internal" });
  });
});
