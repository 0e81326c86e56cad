import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Push payloads are small; a bigger body is refused before it is read whole. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
const REPLAY_TTL_MS = 24 * 60 * 60 * 1000;
const REPLAY_MAX = 10_000;

export type WebhookVerdict = { ok: true; kind: "github" | "gitlab"; delivery: string | null } | { ok: false; reason: string };

/** Equal-length digests compared in constant time, so neither the length nor a prefix of the secret leaks. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/**
 * Checks a webhook against KAIZEN_WEBHOOK_SECRET: GitHub signs the body (X-Hub-Signature-256: sha256=<HMAC>), GitLab
 * sends the secret itself (X-Gitlab-Token). No secret configured means no webhook is accepted.
 */
export function verifyWebhook(headers: Headers, body: string, secret: string | null): WebhookVerdict {
  if (!secret) return { ok: false, reason: "KAIZEN_WEBHOOK_SECRET is not set" };
  const signature = headers.get("x-hub-signature-256");
  if (signature !== null) {
    const expected = `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
    if (!sameSecret(signature.trim().toLowerCase(), expected)) return { ok: false, reason: "bad X-Hub-Signature-256" };
    return { ok: true, kind: "github", delivery: headers.get("x-github-delivery") };
  }
  const token = headers.get("x-gitlab-token");
  if (token !== null) {
    if (!sameSecret(token, secret)) return { ok: false, reason: "bad X-Gitlab-Token" };
    return { ok: true, kind: "gitlab", delivery: headers.get("x-gitlab-event-uuid") ?? headers.get("x-gitlab-webhook-uuid") };
  }
  return { ok: false, reason: "unsigned (no X-Hub-Signature-256 or X-Gitlab-Token)" };
}

/**
 * Delivery ids seen recently: a captured, validly signed request sent again is refused. Bounded, oldest forgotten
 * first, so a flood of distinct ids costs a fixed amount of memory.
 */
export class ReplayGuard {
  private seen = new Map<string, number>();
  constructor(
    private readonly ttlMs = REPLAY_TTL_MS,
    private readonly max = REPLAY_MAX,
  ) {}

  /** True the first time an id is seen (within the window); false for a replay. */
  firstTime(id: string, now = Date.now()): boolean {
    for (const [k, at] of this.seen) {
      if (now - at <= this.ttlMs && this.seen.size < this.max) break;
      this.seen.delete(k);
    }
    const at = this.seen.get(id);
    if (at !== undefined && now - at <= this.ttlMs) return false;
    this.seen.set(id, now);
    return true;
  }
}
