import { requireApiViewer } from "@/lib/auth/session";
import { handle, json } from "@/lib/http";

/**
 * `GET /api/ping`: a constant answer behind the same sign-in as every API route. It is the reference the HTTP
 * benchmark compares /api/search with: what is left of a request once Kaizen's own work is taken out.
 */
export async function GET() {
  return handle(async () => {
    await requireApiViewer();
    return json({ ok: true });
  });
}
