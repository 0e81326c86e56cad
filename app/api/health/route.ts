// public: load balancers and monitors need it; content figures are only added for a signed-in caller.
import { getViewer } from "@/lib/auth/session";
import { readAuthConfig } from "@/lib/auth/config";
import { visibleContent } from "@/lib/knowledge/visible";
import { handle, json } from "@/lib/http";
import { getStore } from "@/lib/content";

export const dynamic = "force-dynamic";

export async function GET() {
  return handle(async () => {
    const config = readAuthConfig();
    const snapshot = await getStore().snapshot();
    const base = { status: config.problems.length ? "misconfigured" : "ok" };
    const viewer = await getViewer();
    if (!viewer) return json(base, { status: config.problems.length ? 503 : 200 });
    const visible = await visibleContent(viewer);
    return json({ ...base, revision: snapshot.head, incidents: visible.incidents.length, problems: visible.broken.length + snapshot.taxonomyProblems.length });
  });
}
