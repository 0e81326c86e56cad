import { assertSameOrigin, denied, requireApiViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { saveIncident } from "@/lib/editor/save";
import { getIncidentEntry } from "@/lib/knowledge/visible";
import { AppError, handle, json, readJsonBody, saveResponse } from "@/lib/http";
import { incidentMetrics } from "@/lib/knowledge/metrics";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const { id } = await ctx.params;
    const entry = await getIncidentEntry(viewer, id);
    // Unknown and not-allowed look the same, so a restricted incident's existence is not revealed.
    if (!entry) throw new AppError("not_found", "not found");
    if (!entry.ok) return json({ id: entry.id, path: entry.path, valid: false, problems: entry.problems }, { status: 422 });
    return json({ id: entry.id, path: entry.path, revision: entry.blob, valid: true, frontmatter: entry.frontmatter, metrics: incidentMetrics(entry.frontmatter), body: entry.body });
  });
}

/** Saves a new version from `{ text, baseBlob, newId? }` (saveInputSchema in lib/editor/save.ts): 200, 409 with the current text, or 422 with problems. */
export async function PUT(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    await assertSameOrigin();
    const viewer = await requireApiViewer();
    const { id } = await ctx.params;
    // The role is checked before the body is read; whether this incident may be edited is decided by the save.
    if (!canAuthor(viewer)) throw await denied(viewer, "save", id, "authors and admins only");
    const body = await readJsonBody(req);
    return saveResponse(await saveIncident(viewer, { ...(body as object), id }));
  });
}
