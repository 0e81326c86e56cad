import { z } from "zod";
import { requireApiViewer } from "@/lib/auth/session";
import { handle, jsonText, parseRequest, queryOf } from "@/lib/http";
import { SEARCH_PAGE_SIZE, searchJsonFor } from "@/lib/pages/search";

/** The query string of `GET /api/search`; the query's length is checked by the search itself. */
const querySchema = z.strictObject({
  q: z.string().default(""),
  limit: z.coerce.number().int().min(1).max(100).default(SEARCH_PAGE_SIZE),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  /** "1" while the person is still typing: the last word is matched as a prefix. */
  typing: z.enum(["0", "1"]).default("0"),
});

/** `GET /api/search?q=&limit=&offset=&typing=`: ranked results, facets and did-you-mean for the signed-in viewer. */
export async function GET(req: Request) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const query = parseRequest(querySchema, queryOf(req), "query");
    return jsonText(await searchJsonFor(viewer, query.q, { limit: query.limit, offset: query.offset, asYouType: query.typing === "1" }));
  });
}
