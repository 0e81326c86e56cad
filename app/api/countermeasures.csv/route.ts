import { requireApiViewer } from "@/lib/auth/session";
import { countermeasuresCsv } from "@/lib/followups/feeds";
import { requestBaseUrl } from "@/lib/http";
import { handle, PRIVATE_HEADERS } from "@/lib/http";

/** The dashboard's rows as CSV, with the same filters as /countermeasures. */
export async function GET(req: Request) {
  return handle(async () => {
    const viewer = await requireApiViewer();
    const csv = await countermeasuresCsv(viewer, new URL(req.url).searchParams, await requestBaseUrl());
    // A stream: the first rows leave at once and the whole text is never held in memory.
    return new Response(csv, {
      headers: { ...PRIVATE_HEADERS, "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="countermeasures.csv"' },
    });
  });
}
