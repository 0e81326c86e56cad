import { requireApiViewer } from "@/lib/auth/session";
import { MAX_SUGGEST_TEXT, suggestFactorsFor } from "@/lib/pages/factor-suggestions";
import { AppError, handle, json } from "@/lib/http";

/** GET ?text=…: contributing factors suggested for free text, with confidence and reasons. */
export async function GET(req: Request) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const text = new URL(req.url).searchParams.get("text");
    if (text === null) throw new AppError("bad_request", "give the text to suggest factors for as ?text=");
    if (text.length > MAX_SUGGEST_TEXT) throw new AppError("bad_request", `text is limited to ${MAX_SUGGEST_TEXT} characters`);
    return json({ suggestions: await suggestFactorsFor(viewer, text) });
  });
}
