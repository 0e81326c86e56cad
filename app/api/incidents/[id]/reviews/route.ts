import { assertSameOrigin, requireApiViewer } from "@/lib/auth/session";
import { AppError, handle, json, readJsonBody, requestBaseUrl } from "@/lib/http";
import { getReviewPanel } from "@/lib/pages/reviews";
import { performReviewAction } from "@/lib/reviews/actions";
import { reviewParamsSchema, reviewQuerySchema } from "./schema";

type Ctx = { params: Promise<{ id: string }> };

async function incidentId(ctx: Ctx): Promise<string> {
  const parsed = reviewParamsSchema.safeParse(await ctx.params);
  // An id that cannot exist answers like an unknown one.
  if (!parsed.success) throw new AppError("not_found", "not found");
  return parsed.data.id;
}

/** The review panel's data: reviewers and their decisions, comments at their anchors, what this viewer may do. */
export async function GET(req: Request, ctx: Ctx) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const query = reviewQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!query.success) throw new AppError("bad_request", query.error.issues.map((i) => i.message).join("; "));
    const panel = await getReviewPanel(viewer, await incidentId(ctx));
    if (!panel) throw new AppError("not_found", "not found");
    return json(panel);
  });
}

/** One review action `{ action: comment | approve | request_changes | request_review, … }`: one commit each. */
export async function POST(req: Request, ctx: Ctx) {
  return handle(async () => {
    await assertSameOrigin();
    const viewer = await requireApiViewer();
    const id = await incidentId(ctx);
    const body = await readJsonBody(req, 64 * 1024);
    const result = await performReviewAction(viewer, id, body, { baseUrl: await requestBaseUrl() });
    return json(result, { status: 201 });
  });
}
