import { dataDir } from "../env";
import { audit } from "./audit";
import { rateLimiter } from "../shared-state/limits";
import type { Limiter } from "./rate-limit";
import { findUserByLogin, toViewer, verifyCredentials } from "./users";
import type { Viewer } from "./viewer";

export type SignInResult = { ok: true; viewer: Viewer } | { ok: false; reason: "rate-limited" | "bad credentials" | "unavailable" };

export interface SignInLimits {
  perAccount: Limiter;
  perAddress: Limiter;
}

/**
 * Sign-in attempts: 5 per account and 20 per address, refilled at 5 and 20 a minute respectively; counted across all
 * replicas when KAIZEN_REDIS_URL is set, and refused while that Redis is unreachable (a limit that cannot be counted
 * is not a limit).
 */
export function defaultSignInLimits(): SignInLimits {
  return { perAccount: rateLimiter("signin-account", 5, 5, "refuse"), perAddress: rateLimiter("signin-address", 20, 20, "refuse") };
}

/**
 * The budget key of the account a login names. One account has one budget whether it is named by username or by
 * e-mail; a login that names no account is keyed on its normalized text, so guessing at unknown names is limited too.
 */
export async function accountKey(login: string, dir = dataDir()): Promise<string> {
  const normalized = login.trim().toLowerCase();
  const user = await findUserByLogin(normalized, dir);
  return user ? `user:${user.username}` : `login:${normalized}`;
}

/** One password sign-in attempt from `address`: rate-limited per address and per account, audited either way. */
export async function passwordSignIn(limits: SignInLimits, input: { login: string; password: string; address: string }, dir = dataDir()): Promise<SignInResult> {
  const login = input.login.trim().toLowerCase().slice(0, 200);
  const password = input.password.slice(0, 1000);
  const key = await accountKey(login, dir);
  // Both buckets are charged on every attempt, so one exhausted budget does not leave the other untouched.
  let addressOk: boolean, accountOk: boolean;
  try {
    [addressOk, accountOk] = (await Promise.all([limits.perAddress.attempt(input.address), limits.perAccount.attempt(key)])).map((r) => r.ok) as [boolean, boolean];
  } catch (err) {
    await audit({ type: "sign-in", user: login, method: "password", ok: false, ip: input.address, reason: `refused: ${(err as Error).message}` });
    return { ok: false, reason: "unavailable" };
  }
  if (!addressOk || !accountOk) {
    await audit({ type: "sign-in", user: login, method: "password", ok: false, ip: input.address, reason: "rate-limited" });
    return { ok: false, reason: "rate-limited" };
  }
  const user = login && password ? await verifyCredentials(login, password, dir) : null;
  await audit({ type: "sign-in", user: user?.username ?? login, method: "password", ok: !!user, ip: input.address, reason: user ? undefined : "bad credentials" });
  if (!user) return { ok: false, reason: "bad credentials" };
  await limits.perAccount.reset(key);
  return { ok: true, viewer: toViewer(user) };
}
