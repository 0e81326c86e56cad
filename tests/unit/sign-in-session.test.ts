import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAuthOptions } from "../../lib/auth/options";
import { RateLimiter } from "../../lib/auth/rate-limit";
import { FileRevocationStore, revocations } from "../../lib/auth/revocation";
import { accountKey, passwordSignIn } from "../../lib/auth/sign-in";
import { addUser } from "../../lib/auth/users";
// next-auth's request handler itself (not exported by its package map): the same code getServerSession runs.
import { AuthHandler } from "../../node_modules/next-auth/core/index.js";

const SECRET = "unit-secret-unit-secret-unit-secret-1234";
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-session-"));
  dirs.push(d);
  return d;
}
const saved = { dataDir: process.env.KAIZEN_DATA_DIR, secret: process.env.AUTH_SECRET };
beforeAll(() => {
  process.env.AUTH_SECRET = SECRET;
});
afterAll(async () => {
  process.env.KAIZEN_DATA_DIR = saved.dataDir;
  process.env.AUTH_SECRET = saved.secret;
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe("sign-in rate limit per account", () => {
  it("gives an account one budget whether it is named by username or by e-mail", async () => {
    const dir = await tempDir();
    process.env.KAIZEN_DATA_DIR = dir;
    await addUser({ username: "maria", email: "Maria@Example.com", role: "author", password: "the right password" }, dir);
    expect(await accountKey("maria", dir)).toBe(await accountKey("  MARIA@example.com ", dir));

    const limits = { perAccount: new RateLimiter(5, 5, () => 0), perAddress: new RateLimiter(1000, 1000, () => 0) };
    const tries = [];
    for (let i = 0; i < 5; i++) tries.push(await passwordSignIn(limits, { login: i % 2 ? "maria" : "maria@example.com", password: "wrong", address: `198.51.100.${i}` }, dir));
    expect(tries.map((t) => (t.ok ? "ok" : t.reason))).toEqual(Array(5).fill("bad credentials"));
    // The budget is spent, by either name and even with the right password.
    expect(await passwordSignIn(limits, { login: "maria@example.com", password: "the right password", address: "198.51.100.77" }, dir)).toEqual({ ok: false, reason: "rate-limited" });
    expect(await passwordSignIn(limits, { login: "maria", password: "the right password", address: "198.51.100.78" }, dir)).toEqual({ ok: false, reason: "rate-limited" });
  });

  it("keys unknown logins on their normalized text, and a success resets the account's budget", async () => {
    const dir = await tempDir();
    process.env.KAIZEN_DATA_DIR = dir;
    await addUser({ username: "ola", role: "reader", password: "the right password" }, dir);
    expect(await accountKey(" Ghost@Example.com", dir)).toBe(await accountKey("ghost@example.com", dir));
    expect(await accountKey("ghost", dir)).not.toBe(await accountKey("ola", dir));

    const limits = { perAccount: new RateLimiter(2, 2, () => 0), perAddress: new RateLimiter(1000, 1000, () => 0) };
    expect((await passwordSignIn(limits, { login: "ola", password: "wrong", address: "a" }, dir)).ok).toBe(false);
    expect((await passwordSignIn(limits, { login: "ola", password: "the right password", address: "a" }, dir)).ok).toBe(true);
    expect((await passwordSignIn(limits, { login: "ola", password: "wrong", address: "a" }, dir)).ok).toBe(false);
    expect(await passwordSignIn(limits, { login: "ola", password: "the right password", address: "a" }, dir)).toMatchObject({ ok: true });
  });
});

describe("session revocation", () => {
  const viewer = { id: "maria", name: "Maria", email: "maria@example.com", role: "author" as const, groups: [] };

  async function sessionFor(token: string) {
    const res = await AuthHandler({
      req: { action: "session", method: "GET", cookies: { "next-auth.session-token": token }, headers: {} },
      options: buildAuthOptions(),
    });
    return { body: res.body as { viewer?: unknown } | undefined, cookies: res.cookies ?? [] };
  }

  it("rejects a copied cookie after its session signed out, in this process and in another on the same data dir", async () => {
    const dir = await tempDir();
    process.env.KAIZEN_DATA_DIR = dir;
    const sid = "sid-1";
    const token = await encode({ token: { sub: "maria", viewer, sid }, secret: SECRET, maxAge: 3600 });
    const copy = await encode({ token: { sub: "maria", viewer, sid }, secret: SECRET, maxAge: 3600 });
    const other = new FileRevocationStore(dir, { recheckMs: 0 });
    expect((await sessionFor(copy)).body?.viewer).toEqual(viewer);
    expect(await other.isRevoked(sid)).toBe(false);

    await buildAuthOptions().events!.signOut!({ token: { sub: "maria", viewer, sid }, session: undefined as never });

    const after = await sessionFor(copy);
    expect(after.body?.viewer).toBeUndefined();
    // next-auth is told to clear the cookie as well.
    expect(after.cookies.some((c) => c.name === "next-auth.session-token" && c.value === "")).toBe(true);
    expect((await sessionFor(token)).body?.viewer).toBeUndefined();
    expect(await revocations(dir).isRevoked(sid)).toBe(true);
    // Another process: its own store on the same directory, which had already read the (empty) list before.
    expect(await other.isRevoked(sid)).toBe(true);
    expect(await new FileRevocationStore(dir).isRevoked(sid)).toBe(true);
    expect(await other.isRevoked("sid-2")).toBe(false);
  });

  it("refuses a token without a session id (it could never be revoked)", async () => {
    process.env.KAIZEN_DATA_DIR = await tempDir();
    const legacy = await encode({ token: { sub: "maria", viewer }, secret: SECRET, maxAge: 3600 });
    expect((await sessionFor(legacy)).body?.viewer).toBeUndefined();
  });

  it("gives every sign-in its own session id", async () => {
    const jwt = buildAuthOptions().callbacks!.jwt!;
    const user = { id: "maria", viewer } as never;
    const account = { provider: "credentials", type: "credentials", providerAccountId: "maria" } as never;
    const a = (await jwt({ token: {}, user, account })) as { sid?: string };
    const b = (await jwt({ token: {}, user, account })) as { sid?: string };
    expect(a.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.sid).not.toBe(a.sid);
  });

  it("prunes entries once no token with their id can be valid", async () => {
    const dir = await tempDir();
    let now = 1_000_000;
    const store = new FileRevocationStore(dir, { recheckMs: 0, now: () => now });
    await store.revoke("old", now + 1000);
    await store.revoke("newer", now + 5000);
    expect([...(await store.entries()).keys()].sort()).toEqual(["newer", "old"]);
    now += 2000;
    expect(await store.isRevoked("old")).toBe(false);
    expect(await store.isRevoked("newer")).toBe(true);
    await store.revoke("latest", now + 5000);
    expect([...(await store.entries()).keys()].sort()).toEqual(["latest", "newer"]);
  });

  it("answers requests that arrive during a re-read from the re-read list, not the older one", async () => {
    const dir = await tempDir();
    await new FileRevocationStore(dir).revoke("gone", Date.now() + 60_000);
    const reader = new FileRevocationStore(dir, { recheckMs: 60_000 });
    expect(await Promise.all([reader.isRevoked("gone"), reader.isRevoked("gone"), reader.isRevoked("gone")])).toEqual([true, true, true]);
  });

  it("keeps every revocation when several writers revoke at once", async () => {
    const dir = await tempDir();
    const writers = Array.from({ length: 4 }, () => new FileRevocationStore(dir, { recheckMs: 0 }));
    await Promise.all(writers.flatMap((w, i) => [0, 1, 2].map((j) => w.revoke(`s-${i}-${j}`, Date.now() + 60_000))));
    const reader = new FileRevocationStore(dir, { recheckMs: 0 });
    expect((await reader.entries()).size).toBe(12);
  });
});
