import { requireApiViewer } from "@/lib/auth/session";
import { AppError, handle, PRIVATE_HEADERS } from "@/lib/http";
import { getIncidentSource, incidentSourceParamsSchema } from "@/lib/pages/incident-source";

/** The incident's raw .mdx file as an attachment; unknown and not-readable are the same 404. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const params = incidentSourceParamsSchema.safeParse(await ctx.params);
    if (!params.success) throw new AppError("bad_request", `id: ${params.error.issues[0]?.message ?? "invalid"}`);
    const source = await getIncidentSource(viewer, params.data.id);
    if (!source) throw new AppError("not_found", "not found");
    return new Response(source.text, {
      headers: {
        ...PRIVATE_HEADERS,
        "Content-Type": "text/markdown; charset=utf-8",
        // The id pattern allows only [a-z0-9-], so the name needs no quoting beyond the plain form.
        "Content-Disposition": `attachment; filename="${source.filename}"`,
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}
