import { z } from "zod";
import { requireApiViewer } from "@/lib/auth/session";
import { MAX_SUGGEST_TEXT, suggestFactorsFor } from "@/lib/pages/factor-suggestions";
import { handle, json, parseRequest, queryOf } from "@/lib/http";

/** The query string of `GET /api/factors/suggest`. */
const querySchema = z.strictObject({
  text: z.string({ error: "give the text to suggest factors for as ?text=" }).max(MAX_SUGGEST_TEXT, `text is limited to ${MAX_SUGGEST_TEXT} characters`),
});

/** GET ?text=…: contributing factors suggested for free text, with confidence and reasons. */
export async function GET(req: Request) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const { text } = parseRequest(querySchema, queryOf(req), "query");
    return json({ suggestions: await suggestFactorsFor(viewer, text) });
  });
}
