import { requireApiViewer } from "@/lib/auth/session";
import { filterIncidents, parseIncidentFilters, toRowData, visibleContent } from "@/lib/incidents";
import { handle, json } from "@/lib/http";

export async function GET(req: Request) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const params = Object.fromEntries(new URL(req.url).searchParams);
    const filters = parseIncidentFilters(params);
    const visible = await visibleContent(viewer);
    const rows = filterIncidents(visible.incidents, filters, (id) => visible.snapshot.taxonomy.canonicalId(id));
    return json({
      total: rows.length,
      incidents: rows.map(toRowData),
      invalid: visible.broken.map((b) => ({ id: b.id, path: b.path, problems: b.problems })),
    });
  });
}
