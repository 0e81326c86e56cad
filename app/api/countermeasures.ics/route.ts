// public: authenticated by the per-user feed token, not the session
import { connection } from "next/server";
import { countermeasuresCalendar } from "@/lib/followups/feeds";
import { requestBaseUrl } from "@/lib/http";
import { AppError, handle, PRIVATE_HEADERS } from "@/lib/http";

/**
 * A calendar of open countermeasures' due dates (`?token=…&owner=…`). Calendar clients cannot sign in, so the
 * per-user feed token stands in for the session: its user's role and groups decide what the feed contains.
 */
export async function GET(req: Request) {
  return handle(async () => {
    await connection();
    const params = new URL(req.url).searchParams;
    const ics = await countermeasuresCalendar(params.get("token") ?? "", params.get("owner"), await requestBaseUrl());
    if (ics === null) throw new AppError("unauthorized", "unknown or missing feed token");
    return new Response(ics, { headers: { ...PRIVATE_HEADERS, "Content-Type": "text/calendar; charset=utf-8" } });
  });
}
