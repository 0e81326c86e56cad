import { assertSameOrigin, denied, requireApiViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { saveIncident } from "@/lib/editor/save";
import { filterIncidents, parseIncidentFilters } from "@/lib/pages/incidents";
import { toRowData } from "@/lib/pages/incident-row";
import { visibleContent } from "@/lib/knowledge/visible";
import { handle, json, readJsonBody, saveResponse } from "@/lib/http";
import { nextLink, pageOf, parsePageQuery } from "@/lib/paging";

/**
 * The incidents this viewer may read, filtered like /incidents, a page at a time: `?limit=` (default 50, at most 500)
 * and `?cursor=` (from the previous page's `next` link). `total` counts only what the viewer may read.
 */
export async function GET(req: Request) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const url = new URL(req.url);
    const page = parsePageQuery({ limit: url.searchParams.get("limit"), cursor: url.searchParams.get("cursor") });
    const filters = parseIncidentFilters(Object.fromEntries(url.searchParams));
    const visible = await visibleContent(viewer);
    const rows = filterIncidents(visible.incidents, filters, (id) => visible.snapshot.taxonomy.canonicalId(id));
    const { items, next } = pageOf(rows, (r) => r.id, page);
    return json({
      total: rows.length,
      incidents: items.map(toRowData),
      next: nextLink(url, next),
      invalid: visible.broken.map((b) => ({ id: b.id, path: b.path, problems: b.problems })),
    });
  });
}

/** Creates an incident from `{ text, newId? }` (saveInputSchema in lib/editor/save.ts) (the whole file, an id to use); 201 with its id, 422 with problems. */
export async function POST(req: Request) {
  return handle(async () => {
    await assertSameOrigin();
    const viewer = await requireApiViewer();
    // The role is checked before the body is read: a reader cannot make the server take in a megabyte.
    if (!canAuthor(viewer)) throw await denied(viewer, "save", "new incident", "authors and admins only");
    const body = await readJsonBody(req);
    return saveResponse(await saveIncident(viewer, { ...(body as object), id: undefined, baseBlob: null }));
  });
}
