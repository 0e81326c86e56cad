import { dataDir } from "../env";
import { audit } from "./audit";
import { RateLimiter } from "./rate-limit";
import { findUserByLogin, toViewer, verifyCredentials } from "./users";
import type { Viewer } from "./viewer";

export type SignInResult = { ok: true; viewer: Viewer } | { ok: false; reason: "rate-limited" | "bad credentials" };

export interface SignInLimits {
  perAccount: RateLimiter;
  perAddress: RateLimiter;
}

/** Sign-in attempts: 5 per account and 20 per address, refilled at 5 and 20 a minute respectively. */
export function defaultSignInLimits(): SignInLimits {
  return { perAccount: new RateLimiter(5, 5), perAddress: new RateLimiter(20, 20) };
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
  const addressOk = limits.perAddress.take(input.address);
  const accountOk = limits.perAccount.take(key);
  if (!addressOk || !accountOk) {
    await audit({ type: "sign-in", user: login, method: "password", ok: false, ip: input.address, reason: "rate-limited" });
    return { ok: false, reason: "rate-limited" };
  }
  const user = login && password ? await verifyCredentials(login, password, dir) : null;
  await audit({ type: "sign-in", user: user?.username ?? login, method: "password", ok: !!user, ip: input.address, reason: user ? undefined : "bad credentials" });
  if (!user) return { ok: false, reason: "bad credentials" };
  limits.perAccount.reset(key);
  return { ok: true, viewer: toViewer(user) };
}
