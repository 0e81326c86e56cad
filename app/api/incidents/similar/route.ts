import { assertSameOrigin, denied, requireApiViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { similarForDraft } from "@/lib/pages/editor";
import { handle, json, readJsonBody } from "@/lib/http";

/** "Seen before?" for the editor: `{ text, factors, exclude? }` (similarRequestSchema in lib/pages/editor.ts) → `[{ id, title, reason }]` over the viewer's visible incidents. */
export async function POST(req: Request) {
  return handle(async () => {
    await assertSameOrigin();
    const viewer = await requireApiViewer();
    // An editor endpoint, so for authors; checked before the body is read.
    if (!canAuthor(viewer)) throw await denied(viewer, "similar incidents", "draft", "authors and admins only");
    return json(await similarForDraft(viewer, await readJsonBody(req)));
  });
}
