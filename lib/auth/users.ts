import fs from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { dataDir } from "../env";
import { AppError } from "../errors";
import { generatePassword, hashPassword, verifyPassword } from "./password";
import { roleSchema, type Role, type Viewer } from "./viewer";

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const userSchema = z.object({
  username: z.string().regex(USERNAME),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  groups: z.array(z.string()).default([]),
  passwordHash: z.string(),
  /** Secret for the per-user calendar feed (countermeasure due dates). */
  feedToken: z.string().default(() => randomBytes(18).toString("base64url")),
  demo: z.boolean().default(false),
});
const usersFileSchema = z.object({ users: z.array(userSchema) });
export type LocalUser = z.infer<typeof userSchema>;

export function usersFile(dir = dataDir()): string {
  return path.join(dir, "users.json");
}

// The parsed file is reused until its modification time or size changes, which keeps a check to one stat().
const cache = new Map<string, { mtimeMs: number; size: number; users: LocalUser[]; checkedAt: number }>();
// The check under way per file: callers that accept an answer up to maxAgeMs old wait for it instead of each starting
// their own. Without this, every request that arrived while the check's stat() was queued behind the others did one
// more (70 a second instead of 2 at 50 connections, `npm run bench:http` at 10,000 incidents under load).
const checking = new Map<string, Promise<LocalUser[]>>();

/**
 * The local accounts. `maxAgeMs` lets a caller take the parsed file without a stat() when it was checked that
 * recently: the per-request check of the signed-in user (findUser), where users.json is only ever changed by another
 * process (`kaizen users …`), whose change is then seen within that time. Such callers share one check at a time.
 */
export async function loadUsers(dir = dataDir(), maxAgeMs = 0): Promise<LocalUser[]> {
  const file = usersFile(dir);
  if (maxAgeMs > 0) {
    const hit = cache.get(file);
    if (hit && Date.now() - hit.checkedAt < maxAgeMs) return hit.users;
    const pending = checking.get(file);
    if (pending) return pending;
    const check = readUsers(file).finally(() => checking.delete(file));
    checking.set(file, check);
    return check;
  }
  return readUsers(file);
}

/** users.json as it is now: one stat(), and a read and parse only when it changed since the cached copy. */
async function readUsers(file: string): Promise<LocalUser[]> {
  try {
    const hit = cache.get(file);
    const now = Date.now();
    const st = await fs.stat(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
      hit.checkedAt = now;
      return hit.users;
    }
    const raw = await fs.readFile(file, "utf8");
    const users = usersFileSchema.parse(JSON.parse(raw)).users;
    cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, users, checkedAt: now });
    return users;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new AppError("internal", `users file ${file} is invalid: ${(err as Error).message}`);
  }
}

async function saveUsers(users: LocalUser[], dir = dataDir()): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const file = usersFile(dir);
  cache.delete(file);
  // A check under way may have stat()ed the file before this write: later callers start their own.
  checking.delete(file);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify({ users }, null, 2) + "\n", { mode: 0o600 });
  await fs.rename(tmp, file);
}

export function toViewer(u: LocalUser): Viewer {
  return { id: u.username, name: u.name, email: u.email, role: u.role, groups: u.groups };
}

export async function addUser(input: { username: string; name?: string; email?: string; role: Role; groups?: string[]; password?: string; demo?: boolean }, dir = dataDir()): Promise<{ user: LocalUser; password: string }> {
  if (!USERNAME.test(input.username)) throw new AppError("bad_request", `invalid username "${input.username}" (lowercase letters, digits, . _ -)`);
  const users = await loadUsers(dir);
  if (users.some((u) => u.username === input.username)) throw new AppError("conflict", `user "${input.username}" already exists`);
  const password = input.password ?? generatePassword();
  if (password.length < 10) throw new AppError("bad_request", "passwords need at least 10 characters");
  const user = userSchema.parse({
    username: input.username,
    name: input.name ?? input.username,
    email: input.email ?? `${input.username}@localhost`,
    role: input.role,
    groups: input.groups ?? [],
    passwordHash: await hashPassword(password),
    demo: input.demo ?? false,
  });
  await saveUsers([...users, user], dir);
  return { user, password };
}

export async function updateUser(username: string, patch: Partial<Pick<LocalUser, "role" | "groups" | "name" | "email">>, dir = dataDir()): Promise<LocalUser> {
  const users = (await loadUsers(dir)).map((x) => ({ ...x }));
  const u = users.find((x) => x.username === username);
  if (!u) throw new AppError("not_found", `no user "${username}"`);
  Object.assign(u, patch);
  await saveUsers(users, dir);
  return u;
}

/** A new password for a local account; it stops being a demo account (its printed password no longer works). */
export async function setPassword(username: string, password: string, dir = dataDir()): Promise<void> {
  if (password.length < 10) throw new AppError("bad_request", "passwords need at least 10 characters");
  const users = (await loadUsers(dir)).map((x) => ({ ...x }));
  const u = users.find((x) => x.username === username);
  if (!u) throw new AppError("not_found", `no user "${username}"`);
  u.passwordHash = await hashPassword(password);
  u.demo = false;
  await saveUsers(users, dir);
}

export async function removeUser(username: string, dir = dataDir()): Promise<void> {
  const users = await loadUsers(dir);
  if (!users.some((u) => u.username === username)) throw new AppError("not_found", `no user "${username}"`);
  await saveUsers(users.filter((u) => u.username !== username), dir);
}

/** The account a sign-in name means: a username or an e-mail address (case-insensitive), or null. */
export async function findUserByLogin(login: string, dir = dataDir()): Promise<LocalUser | null> {
  const l = login.trim().toLowerCase();
  if (!l) return null;
  const users = await loadUsers(dir);
  return users.find((x) => x.username === l) ?? users.find((x) => x.email.toLowerCase() === l) ?? null;
}

/** Checks a username (or e-mail) and password; the same work is done for unknown users so timing tells nothing. */
export async function verifyCredentials(login: string, password: string, dir = dataDir()): Promise<LocalUser | null> {
  const u = await findUserByLogin(login, dir);
  const ok = await verifyPassword(password, u?.passwordHash ?? "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  return u && ok ? u : null;
}

export async function findByFeedToken(token: string, dir = dataDir()): Promise<LocalUser | null> {
  if (!token) return null;
  return (await loadUsers(dir)).find((u) => u.feedToken === token) ?? null;
}

// Every request re-checks its user, so that a removal or a role change applies within this time, not when the session
// cookie expires; the same bound as another process's sign-out (lib/auth/revocation.ts). Checking more often costs a
// stat() on every request (a thread-pool round trip), measured with `npm run bench:http -- --profile`.
const USER_RECHECK_MS = 500;

/** The local account `username` as of at most half a second ago, or null. */
export async function findUser(username: string, dir = dataDir()): Promise<LocalUser | null> {
  return (await loadUsers(dir, USER_RECHECK_MS)).find((u) => u.username === username) ?? null;
}

/**
 * On the very first start with no users: a demo admin, author and reader, with passwords returned once to be printed.
 * Does nothing when any user exists.
 */
export async function ensureDemoUsers(dir = dataDir()): Promise<{ username: string; role: Role; password: string }[]> {
  if ((await loadUsers(dir)).length > 0) return [];
  const created = [];
  for (const [username, role, name, groups] of [
    ["admin", "admin", "Demo Admin", ["security"]],
    ["author", "author", "Demo Author", []],
    ["reader", "reader", "Demo Reader", []],
  ] as const) {
    const { password } = await addUser({ username, role, name, email: `${username}@demo.kaizen`, groups: [...groups], demo: true }, dir);
    created.push({ username, role, password });
  }
  return created;
}

export async function isDemoMode(dir = dataDir()): Promise<boolean> {
  return (await loadUsers(dir)).some((u) => u.demo);
}
