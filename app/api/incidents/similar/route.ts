import { assertSameOrigin, requireApiViewer } from "@/lib/auth/session";
import { similarForDraft } from "@/lib/pages/editor";
import { handle, json, readJsonBody } from "@/lib/http";

/** "Seen before?" for the editor: `{ text, factors, exclude? }` → `[{ id, title, reason }]` over the viewer's visible incidents. */
export async function POST(req: Request) {
  return handle(async () => {
    await assertSameOrigin();
    const viewer = await requireApiViewer();
    return json(await similarForDraft(viewer, await readJsonBody(req)));
  });
}
