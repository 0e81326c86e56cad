import { requireApiViewer } from "@/lib/auth/session";
import { handle, json } from "@/lib/http";
import { searchFor } from "@/lib/pages/search";

/** `GET /api/search?q=&limit=&offset=`: ranked results, facets and did-you-mean for the signed-in viewer. */
export async function GET(req: Request) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const sp = new URL(req.url).searchParams;
    const data = await searchFor(viewer, sp.get("q") ?? "", {
      limit: Number(sp.get("limit") ?? 20) || 20,
      offset: Number(sp.get("offset") ?? 0) || 0,
      asYouType: sp.get("typing") === "1",
    });
    return json(data);
  });
}
