import { assertSameOrigin, denied, requireApiViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { updateCountermeasure } from "@/lib/editor/countermeasure-update";
import { handle, readJsonBody, saveResponse } from "@/lib/http";

/**
 * Inline countermeasure update `{ incidentId, cmId, baseBlob, patch: { status?, owner?, due? } }` (countermeasureUpdateSchema): 200 with the new
 * blob, 409 with the current state when the incident changed since `baseBlob`, 422 when the result does not validate.
 */
export async function POST(req: Request) {
  return handle(async () => {
    await assertSameOrigin();
    const viewer = await requireApiViewer();
    // The role is checked before the body is read; the incident's visibility is decided by the update.
    if (!canAuthor(viewer)) throw await denied(viewer, "update countermeasure", "countermeasure", "authors and admins only");
    return saveResponse(await updateCountermeasure(viewer, await readJsonBody(req)));
  });
}
