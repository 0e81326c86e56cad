// public: called by ticket systems, which cannot sign in; authenticated by the HMAC signature (KAIZEN_TICKETS_SECRET) or the bearer token (KAIZEN_TICKETS_TOKEN).
import { audit } from "@/lib/auth/audit";
import { closeFromTicket, findReferences, firstDelivery, MAX_TICKET_HOOK_BYTES, verifyTicketSignature, verifyTicketToken, type TicketClosed } from "@/lib/editor/ticket-hook";
import { AppError, handle, json, readBodyText } from "@/lib/http";
import { genericTicketSchema, githubIssuesEventSchema, githubPullRequestEventSchema, issuesText } from "./schema";

export const dynamic = "force-dynamic";

const TARGET = "/api/hooks/tickets";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "body: not valid JSON");
  }
}

/** The closing event a GitHub delivery describes, or null when it closes nothing (opened, labeled, ping, …). */
function fromGithub(event: string | null, data: unknown): TicketClosed | null {
  if (event === "issues") {
    const e = githubIssuesEventSchema.safeParse(data);
    if (!e.success) throw new AppError("bad_request", issuesText(e.error));
    if (e.data.action !== "closed") return null;
    const { title, body, html_url } = e.data.issue;
    return { source: "github", references: findReferences(`${title}\n${body ?? ""}`), ticketUrl: html_url, evidenceUrl: html_url, note: `Issue closed: ${title}`.slice(0, 2000) };
  }
  if (event === "pull_request") {
    const e = githubPullRequestEventSchema.safeParse(data);
    if (!e.success) throw new AppError("bad_request", issuesText(e.error));
    if (e.data.action !== "closed" || e.data.pull_request.merged !== true) return null;
    const { title, body, html_url } = e.data.pull_request;
    return { source: "github", references: findReferences(`${title}\n${body ?? ""}`), ticketUrl: html_url, evidenceUrl: html_url, note: `Pull request merged: ${title}`.slice(0, 2000) };
  }
  return null;
}

/**
 * A ticket closed elsewhere marks its countermeasures done, with the ticket as evidence: 200 with counts, 202 for an
 * event that closes nothing, 401 unsigned or wrong signature/token, 409 a replayed delivery, 404 nothing matches.
 */
export async function POST(req: Request) {
  return handle(async () => {
    const tokenAuth = verifyTicketToken(req.headers, process.env.KAIZEN_TICKETS_TOKEN);
    if (tokenAuth && !tokenAuth.ok) {
      await audit({ type: "denied", user: null, action: "ticket hook", target: TARGET, reason: tokenAuth.reason });
      return json({ error: "unauthorized", message: "ticket hook token missing or wrong" }, { status: 401 });
    }
    const body = await readBodyText(req, MAX_TICKET_HOOK_BYTES);
    let event: TicketClosed | null;
    if (tokenAuth) {
      const parsed = genericTicketSchema.safeParse(parseJson(body));
      if (!parsed.success) throw new AppError("bad_request", issuesText(parsed.error));
      const t = parsed.data;
      event = { source: "generic", references: t.reference ? [t.reference] : [], ticketUrl: t.ticket ?? null, evidenceUrl: t.url ?? t.ticket ?? null, note: t.note ?? "Ticket closed" };
    } else {
      const verdict = verifyTicketSignature(req.headers, body, process.env.KAIZEN_TICKETS_SECRET);
      if (!verdict.ok) {
        await audit({ type: "denied", user: null, action: "ticket hook", target: TARGET, reason: verdict.reason });
        return json({ error: "unauthorized", message: "ticket hook signature missing or wrong" }, { status: 401 });
      }
      if (verdict.kind === "github" && verdict.delivery && !firstDelivery(verdict.delivery)) {
        await audit({ type: "denied", user: null, action: "ticket hook", target: TARGET, reason: `replayed delivery ${verdict.delivery.slice(0, 64)}` });
        return json({ error: "conflict", message: "this delivery was already received" }, { status: 409 });
      }
      const kind = req.headers.get("x-github-event");
      if (kind === "ping") return json({ status: "pong" });
      event = fromGithub(kind, parseJson(body));
    }
    if (!event) return json({ status: "ignored", message: "this event closes nothing" }, { status: 202 });
    const result = await closeFromTicket(event);
    return json({ status: "ok", ...result });
  });
}
