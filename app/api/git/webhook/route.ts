// public: called by GitHub/GitLab, which cannot sign in; authenticated by the HMAC signature or token checked against KAIZEN_WEBHOOK_SECRET.
import { audit } from "@/lib/auth/audit";
import { handle, json, readBodyText } from "@/lib/http";
import { readSyncConfig } from "@/lib/sync/config";
import { getSync } from "@/lib/sync/service";
import { MAX_WEBHOOK_BYTES, ReplayGuard, verifyWebhook } from "@/lib/sync/webhook";

export const dynamic = "force-dynamic";

const globalForHooks = globalThis as unknown as { kaizenWebhookReplay?: ReplayGuard };

/** A push on the remote: verified, answered 202 at once, and synced in the background (bursts coalesce). */
export async function POST(req: Request) {
  return handle(async () => {
    const body = await readBodyText(req, MAX_WEBHOOK_BYTES);
    const verdict = verifyWebhook(req.headers, body, readSyncConfig()?.webhookSecret ?? null);
    if (!verdict.ok) {
      await audit({ type: "denied", user: null, action: "git webhook", target: "/api/git/webhook", reason: verdict.reason });
      return json({ error: "unauthorized", message: "webhook signature missing or wrong" }, { status: 401 });
    }
    globalForHooks.kaizenWebhookReplay ??= new ReplayGuard();
    if (verdict.delivery && !globalForHooks.kaizenWebhookReplay.firstTime(verdict.delivery)) {
      await audit({ type: "denied", user: null, action: "git webhook", target: "/api/git/webhook", reason: `replayed delivery ${verdict.delivery.slice(0, 64)}` });
      return json({ error: "conflict", message: "this delivery was already received" }, { status: 409 });
    }
    const { syncer } = getSync();
    if (!syncer) return json({ status: "ignored", message: "no KAIZEN_GIT_REMOTE configured" }, { status: 202 });
    void syncer.requestSync();
    return json({ status: "accepted" }, { status: 202 });
  });
}
