// public: load balancers and monitors need it; content figures are only added for a signed-in caller.
import { getViewer } from "@/lib/auth/session";
import { readAuthConfig } from "@/lib/auth/config";
import { visibleContent } from "@/lib/knowledge/visible";
import { handle, json } from "@/lib/http";
import { getStore } from "@/lib/content";
import { sharedState } from "@/lib/shared-state/client";
import { syncStatus } from "@/lib/sync/service";

export const dynamic = "force-dynamic";

export async function GET() {
  return handle(async () => {
    const config = readAuthConfig();
    const sync = syncStatus();
    // With KAIZEN_REDIS_URL: whether the shared state answers. Pages are still served without it (200, "degraded"),
    // so a load balancer keeps the replica; sign-in is what stops (503 on the sign-in request).
    const redis = await sharedState()?.check();
    // Anonymous monitors learn only whether sync is healthy; the details (remote, revisions, errors) need a sign-in.
    const status = config.problems.length ? "misconfigured" : redis && !redis.ok ? "degraded" : "ok";
    const base = { status, ...(sync ? { sync: { ok: sync.lastError === null, pending: sync.pending } } : {}), ...(redis ? { redis: { ok: redis.ok } } : {}) };
    // Started (so a probe still warms the content up) but awaited only for content figures: a snapshot being
    // refreshed, its bodies parsing in the MDX workers, must not hold up a load balancer's probe.
    const store = getStore();
    const loading = store.snapshot();
    const progress = store.progress();
    if (!progress.ready) {
      // The first snapshot is still being built (a large knowledge base on a new clone): say how far, do not wait.
      loading.catch(() => undefined);
      const { phase, files, toParse, parsed, fromCache, workers } = progress;
      return json({ ...base, status: config.problems.length ? "misconfigured" : "starting", progress: { phase, files, toParse, parsed, fromCache, workers } }, { status: 503 });
    }
    const viewer = await getViewer();
    if (!viewer) {
      loading.catch(() => undefined);
      return json(base, { status: config.problems.length ? 503 : 200 });
    }
    const snapshot = await loading;
    const visible = await visibleContent(viewer);
    const syncBlock = sync ? { sync: { remote: sync.remote, head: sync.head, pending: sync.pending, lastFetch: sync.lastFetch, lastPush: sync.lastPush, lastError: sync.lastError, unreachableSince: sync.unreachableSince, lastRewrite: sync.lastRewrite } } : {};
    const redisBlock = redis ? { redis: { ok: redis.ok, url: redis.url, lastError: redis.lastError, downSince: redis.downSince } } : {};
    return json({ ...base, ...syncBlock, ...redisBlock, revision: snapshot.head, incidents: visible.incidents.length, problems: visible.broken.length + snapshot.taxonomyProblems.length });
  });
}
