// public: load balancers and monitors need it; content figures are only added for a signed-in caller.
import { getViewer } from "@/lib/auth/session";
import { readAuthConfig } from "@/lib/auth/config";
import { visibleContent } from "@/lib/incidents";
import { handle, json } from "@/lib/http";
import { getStore } from "@/lib/content";

export const dynamic = "force-dynamic";

export async function GET() {
  return handle(async () => {
    const config = readAuthConfig();
    const base = { status: config.problems.length ? "misconfigured" : "ok" };
    // Started (so a probe still warms the content up) but awaited only for content figures: a snapshot being
    // refreshed, its bodies parsing in the MDX workers, must not hold up a load balancer's probe.
    const loading = getStore().snapshot();
    const viewer = await getViewer();
    if (!viewer) {
      loading.catch(() => undefined);
      return json(base, { status: config.problems.length ? 503 : 200 });
    }
    const snapshot = await loading;
    const visible = await visibleContent(viewer);
    return json({ ...base, revision: snapshot.head, incidents: visible.incidents.length, problems: visible.broken.length + snapshot.taxonomyProblems.length });
  });
}
