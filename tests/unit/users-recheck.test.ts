import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

// Every request re-checks the signed-in user against users.json at most every half second (lib/auth/users.ts
// findUser). The stat() calls are counted here: requests arriving together while a check is under way share it.
const stats = vi.hoisted(() => ({ n: 0 }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const stat = ((...args: Parameters<typeof real.stat>) => {
    stats.n++;
    return real.stat(...args);
  }) as typeof real.stat;
  return { ...real, default: { ...real, stat }, stat };
});

const { addUser, findUser, removeUser } = await import("../../lib/auth/users");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe("the per-request check of the signed-in user", () => {
  it("makes one stat() for many requests arriving together, and each sees the file as it was checked", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-users-"));
    dirs.push(dir);
    await addUser({ username: "ana", role: "author", password: "ana-password-123" }, dir);
    await new Promise((r) => setTimeout(r, 600));
    stats.n = 0;
    const found = await Promise.all(Array.from({ length: 50 }, () => findUser("ana", dir)));
    expect(found.every((u) => u?.role === "author")).toBe(true);
    expect(stats.n).toBe(1);
    // Within the half second nothing is checked again; after it, once more for all.
    await Promise.all(Array.from({ length: 10 }, () => findUser("ana", dir)));
    expect(stats.n).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    await Promise.all(Array.from({ length: 10 }, () => findUser("ana", dir)));
    expect(stats.n).toBe(2);
  });

  it("does not answer from a check begun before this process's own change", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-users-"));
    dirs.push(dir);
    await addUser({ username: "bo", role: "reader", password: "bo-password-1234" }, dir);
    await new Promise((r) => setTimeout(r, 600));
    // A request's check starts, then this process removes the user before the check has answered.
    const before = findUser("bo", dir);
    await removeUser("bo", dir);
    expect(await findUser("bo", dir)).toBeNull();
    await before;
  });
});
