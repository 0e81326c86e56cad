import { requireApiViewer } from "@/lib/auth/session";
import { AppError, handle, json } from "@/lib/http";
import { nextLink, parsePageQuery } from "@/lib/paging";
import { factorsApiPage } from "@/lib/pages/factors";

/**
 * Contributing factors with what this viewer may read of them (incidents, teams, services, countermeasures,
 * recurrences), most used first, a page at a time: `?limit=` (default 50, at most 500) and `?cursor=` from `next`.
 */
export async function GET(req: Request) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const url = new URL(req.url);
    const page = parsePageQuery({ limit: url.searchParams.get("limit"), cursor: url.searchParams.get("cursor") });
    const unknown = [...url.searchParams.keys()].filter((k) => k !== "limit" && k !== "cursor");
    if (unknown.length) throw new AppError("bad_request", `${unknown[0]}: unknown parameter (this route takes limit and cursor)`);
    const { total, factors, next } = await factorsApiPage(viewer, page);
    return json({ total, factors, next: nextLink(url, next) });
  });
}
