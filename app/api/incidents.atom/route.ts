// public: authenticated by the per-user feed token, not the session
import { connection } from "next/server";
import { incidentsFeed } from "@/lib/notify/feed";
import { AppError, handle, PRIVATE_HEADERS, requestBaseUrl } from "@/lib/http";
import { atomQuerySchema } from "./schema";

/**
 * An Atom feed of published post-mortems (`?token=…`). Feed readers cannot sign in, so the per-user feed token
 * stands in for the session: its user's role and groups decide which incidents the feed contains.
 */
export async function GET(req: Request) {
  return handle(async () => {
    await connection();
    const params = Object.fromEntries(new URL(req.url).searchParams);
    const parsed = atomQuerySchema.safeParse(params);
    if (!parsed.success) throw new AppError("bad_request", parsed.error.issues.map((i) => i.message).join("; "));
    const xml = await incidentsFeed(parsed.data.token, await requestBaseUrl(), parsed.data.limit);
    if (xml === null) throw new AppError("unauthorized", "unknown or missing feed token");
    return new Response(xml, { headers: { ...PRIVATE_HEADERS, "Content-Type": "application/atom+xml; charset=utf-8" } });
  });
}
