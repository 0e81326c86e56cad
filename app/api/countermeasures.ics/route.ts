// public: authenticated by the per-user feed token, not the session
import { connection } from "next/server";
import { z } from "zod";
import { countermeasuresCalendar } from "@/lib/followups/feeds";
import { AppError, handle, parseRequest, PRIVATE_HEADERS, queryOf, requestBaseUrl } from "@/lib/http";

/** The query string of the calendar feed; a missing token is answered like a wrong one (401). */
const querySchema = z.strictObject({
  token: z.string().max(200).default(""),
  owner: z.string().max(200).optional(),
});

/**
 * A calendar of open countermeasures' due dates (`?token=…&owner=…`). Calendar clients cannot sign in, so the
 * per-user feed token stands in for the session: its user's role and groups decide what the feed contains.
 */
export async function GET(req: Request) {
  return handle(async () => {
    await connection();
    const query = parseRequest(querySchema, queryOf(req), "query");
    const ics = await countermeasuresCalendar(query.token, query.owner ?? null, await requestBaseUrl());
    if (ics === null) throw new AppError("unauthorized", "unknown or missing feed token");
    return new Response(ics, { headers: { ...PRIVATE_HEADERS, "Content-Type": "text/calendar; charset=utf-8" } });
  });
}
