import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileRateLimiter, RateLimiter, takeToken } from "../../lib/auth/rate-limit";
import { addUser, findUser, removeUser, usersFile } from "../../lib/auth/users";
import { rateLimiter } from "../../lib/shared-state/limits";

// What the cluster workers of one server (KAIZEN_WORKERS) without Redis share through the data directory: sign-in
// budgets (two workers count one budget together; search budgets stay per worker) and the local accounts.
const dirs: string[] = [];
const prev = { worker: process.env.KAIZEN_WORKER, data: process.env.KAIZEN_DATA_DIR };
const tempDir = async () => {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-limits-"));
  dirs.push(d);
  return d;
};

afterEach(async () => {
  for (const [k, v] of [["KAIZEN_WORKER", prev.worker], ["KAIZEN_DATA_DIR", prev.data]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

describe("the token bucket", () => {
  it("grants capacity tokens, then refuses with the seconds until the next, and refills with time", () => {
    let b: { tokens: number; at: number } | undefined;
    const grants: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const r = takeToken(b, 5, 5, 1_000);
      b = r.bucket;
      grants.push(r.ok);
    }
    expect(grants).toEqual([true, true, true, true, true, false]);
    expect(takeToken(b, 5, 5, 1_000).retryAfter).toBe(12);
    expect(takeToken(b, 5, 5, 1_000 + 12_000).ok).toBe(true);
  });

  it("is the same arithmetic in memory and in the file", async () => {
    let t = 0;
    const mem = new RateLimiter(3, 6, () => t);
    const file = new FileRateLimiter(path.join(await tempDir(), "limits.json"), 3, 6, () => t);
    for (const at of [0, 0, 0, 0, 5_000, 9_000, 10_000, 10_000, 60_000]) {
      t = at;
      expect(await file.attempt("k")).toEqual(await mem.attempt("k"));
    }
  });
});

describe("sign-in limits of cluster workers", () => {
  it("counts the attempts of two workers against one budget, and a reset on one is a reset on both", async () => {
    const file = path.join(await tempDir(), "rate-limit-signin-account.json");
    const one = new FileRateLimiter(file, 5, 5);
    const two = new FileRateLimiter(file, 5, 5);
    const results = await Promise.all([one, two, one, two, one, two, one, two].map((l) => l.attempt("user:ana")));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok).every((r) => r.retryAfter > 0)).toBe(true);
    expect((await one.attempt("user:bo")).ok).toBe(true);
    await two.reset("user:ana");
    expect((await one.attempt("user:ana")).ok).toBe(true);
    expect(JSON.parse(await fs.readFile(file, "utf8"))).toMatchObject({ buckets: { "user:ana": { tokens: 4 }, "user:bo": { tokens: 4 } } });
  });

  it("starts the budgets afresh from a damaged file instead of refusing everyone", async () => {
    const file = path.join(await tempDir(), "limits.json");
    await fs.writeFile(file, "{ not json");
    expect((await new FileRateLimiter(file, 1, 1).attempt("k")).ok).toBe(true);
    expect((await new FileRateLimiter(file, 1, 1).attempt("k")).ok).toBe(false);
  });

  it("keeps sign-in limits in the data directory only in a cluster worker, and search limits in memory always", async () => {
    const data = await tempDir();
    process.env.KAIZEN_DATA_DIR = data;
    delete process.env.KAIZEN_WORKER;
    expect(rateLimiter("signin-account", 5, 5, "refuse", null)).toBeInstanceOf(RateLimiter);
    process.env.KAIZEN_WORKER = "2";
    const signIn = rateLimiter("signin-account", 5, 5, "refuse", null);
    expect(signIn).toBeInstanceOf(FileRateLimiter);
    expect((signIn as FileRateLimiter).file).toBe(path.join(data, "rate-limit-signin-account.json"));
    expect(rateLimiter("search", 240, 240, "local", null)).toBeInstanceOf(RateLimiter);
  });
});

describe("the signed-in user's account, checked on every request", () => {
  it("applies this process's removal at once and another process's within half a second", async () => {
    const dir = await tempDir();
    await addUser({ username: "ana", role: "author", password: "ana-password-123" }, dir);
    await addUser({ username: "bo", role: "reader", password: "bo-password-1234" }, dir);
    expect(await findUser("ana", dir)).toMatchObject({ role: "author" });
    await removeUser("ana", dir);
    expect(await findUser("ana", dir)).toBeNull();

    expect(await findUser("bo", dir)).toMatchObject({ role: "reader" });
    // `kaizen users …` in another process (or another worker) rewrites the file: a role change and nothing else.
    const file = usersFile(dir);
    const raw = JSON.parse(await fs.readFile(file, "utf8")) as { users: { username: string; role: string }[] };
    raw.users[0]!.role = "admin";
    await fs.writeFile(`${file}.tmp`, JSON.stringify(raw, null, 2) + "\n");
    await fs.rename(`${file}.tmp`, file);
    await new Promise((r) => setTimeout(r, 600));
    expect(await findUser("bo", dir)).toMatchObject({ role: "admin" });
  });
});
