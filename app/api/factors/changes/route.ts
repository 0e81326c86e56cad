import { assertSameOrigin, denied, requireApiViewer } from "@/lib/auth/session";
import { canManageTaxonomy } from "@/lib/auth/viewer";
import { changeTaxonomy, taxonomyChangeRequestSchema } from "@/lib/editor/taxonomy-change";
import { handle, json, parseRequest, readJsonBody } from "@/lib/http";

/**
 * `POST /api/factors/changes` `{ change: { op: "merge", from, into } | { op: "rename", from, to, name? } | { op: "split",
 * from, into: [...], assign? }, dryRun? }` (taxonomyChangeRequestSchema): admins merge, rename or split a factor; with
 * dryRun the answer lists what would be rewritten and nothing is written.
 */
export async function POST(req: Request) {
  return handle(async () => {
    await assertSameOrigin();
    const viewer = await requireApiViewer();
    // The role is checked before the body is read.
    if (!canManageTaxonomy(viewer)) throw await denied(viewer, "change taxonomy", "factors.yml", "admins only");
    const body = parseRequest(taxonomyChangeRequestSchema, await readJsonBody(req, 64 * 1024), "body");
    return json(await changeTaxonomy(viewer, body));
  });
}
