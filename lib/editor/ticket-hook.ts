import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { audit } from "../auth/audit";
import type { Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { AppError } from "../errors";
import { ReplayGuard } from "../sync/webhook";
import { updateCountermeasure } from "./countermeasure-update";

/** Issue and pull-request payloads are tens of kilobytes; anything far bigger is refused before it is read whole. */
export const MAX_TICKET_HOOK_BYTES = 512 * 1024;

/** The identity ticket systems act as: commits are authored by it and the audit log names it. */
export const TICKETS_BOT: Viewer = { id: "kaizen-tickets-bot", name: "Kaizen tickets bot", email: "tickets-bot@kaizen.invalid", role: "admin", groups: [] };

/** `<incident-id>#cm-N` in an issue title or body. */
const REFERENCE = /(?<![a-z0-9-])([a-z0-9][a-z0-9-]{0,80})#(cm-[0-9]{1,6})(?![a-z0-9-])/g;

export type TicketAuth = { ok: true; kind: "github"; delivery: string | null } | { ok: true; kind: "token" } | { ok: false; reason: string };

/** Equal-length digests compared in constant time, so neither the length nor a prefix of the secret leaks. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** Checks `Authorization: Bearer <KAIZEN_TICKETS_TOKEN>` (the generic form); needs no body, so it runs before reading it. */
export function verifyTicketToken(headers: Headers, token: string | undefined): TicketAuth | null {
  const auth = headers.get("authorization");
  if (auth === null) return null;
  if (!token) return { ok: false, reason: "KAIZEN_TICKETS_TOKEN is not set" };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m || !sameSecret(m[1] ?? "", token)) return { ok: false, reason: "bad bearer token" };
  return { ok: true, kind: "token" };
}

/** Checks GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the exact body with KAIZEN_TICKETS_SECRET). */
export function verifyTicketSignature(headers: Headers, body: string, secret: string | undefined): TicketAuth {
  const signature = headers.get("x-hub-signature-256");
  if (signature === null) return { ok: false, reason: "unsigned (no X-Hub-Signature-256 or Authorization header)" };
  if (!secret) return { ok: false, reason: "KAIZEN_TICKETS_SECRET is not set" };
  const expected = `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
  if (!sameSecret(signature.trim().toLowerCase(), expected)) return { ok: false, reason: "bad X-Hub-Signature-256" };
  return { ok: true, kind: "github", delivery: headers.get("x-github-delivery") };
}

const globalForTickets = globalThis as unknown as { kaizenTicketReplay?: ReplayGuard };

/** True the first time a GitHub delivery id is seen: a captured, validly signed request sent again is refused. */
export function firstDelivery(id: string): boolean {
  globalForTickets.kaizenTicketReplay ??= new ReplayGuard();
  return globalForTickets.kaizenTicketReplay.firstTime(id);
}

/** A ticket that was closed (an issue) or merged (a pull request), already validated by the route's schema. */
export interface TicketClosed {
  source: "github" | "generic";
  /** Countermeasure references the ticket carries, `<incident-id>#cm-N`. */
  references: string[];
  /** The ticket's URL: countermeasures whose `ticket` is this URL are closed too. */
  ticketUrl: string | null;
  /** The evidence link recorded (the ticket or the merged PR). */
  evidenceUrl: string | null;
  note: string;
}

/** Every `<incident-id>#cm-N` in a text, deduplicated, at most 50 (a body quoting hundreds is not a closing ticket). */
export function findReferences(text: string): string[] {
  return [...new Set([...text.toLowerCase().matchAll(REFERENCE)].map((m) => `${m[1]}#${m[2]}`))].slice(0, 50);
}

/** A ticket URL compared without case in the host, trailing slash, query or fragment. */
export function sameTicketUrl(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const x = new URL(u.trim());
      return `${x.protocol}//${x.host.toLowerCase()}${x.pathname.replace(/\/+$/, "")}`;
    } catch {
      return u.trim().replace(/\/+$/, "");
    }
  };
  return /^https?:\/\//i.test(a.trim()) && norm(a) === norm(b);
}

export interface TicketResult {
  /** Countermeasures marked done by this ticket. */
  closed: number;
  /** Matched but already done or won't-do: nothing to change. */
  unchanged: number;
  /** References of internal incidents that were closed (restricted ones are counted, never named). */
  references: string[];
}

/**
 * Marks the countermeasures a closed ticket refers to done, with the ticket as evidence: each one through the inline
 * update path (the one save path, compare-and-swap, one commit authored by the tickets bot) and an audit record. A
 * ticket that matches nothing is a 404 that says nothing about which incidents exist.
 */
export async function closeFromTicket(event: TicketClosed): Promise<TicketResult> {
  const snapshot = await getStore().forceRefresh();
  const wanted = new Set(event.references);
  const targets: { incidentId: string; cmId: string; restricted: boolean; done: boolean }[] = [];
  for (const inc of snapshot.incidents) {
    for (const cm of inc.frontmatter.countermeasures) {
      const byRef = wanted.has(`${inc.id}#${cm.id}`);
      const byUrl = event.ticketUrl !== null && cm.ticket !== undefined && sameTicketUrl(cm.ticket, event.ticketUrl);
      if (byRef || byUrl) targets.push({ incidentId: inc.id, cmId: cm.id, restricted: inc.frontmatter.visibility === "restricted", done: cm.status === "done" || cm.status === "wont-do" });
    }
  }
  if (targets.length === 0) throw new AppError("not_found", "no countermeasure matches this ticket");

  const result: TicketResult = { closed: 0, unchanged: 0, references: [] };
  for (const t of targets) {
    if (t.done) {
      result.unchanged++;
      continue;
    }
    const patch = { status: "done" as const, evidence: { url: event.evidenceUrl ?? undefined, note: event.note } };
    // A save that raced another one is retried once on the new revision; a second conflict is reported.
    let saved = null;
    for (let attempt = 0; attempt < 2 && !saved; attempt++) {
      const blob = (await getStore().forceRefresh()).byId.get(t.incidentId)?.blob ?? "";
      const r = await updateCountermeasure(TICKETS_BOT, { incidentId: t.incidentId, cmId: t.cmId, baseBlob: blob, patch });
      if (r.ok) saved = r;
      else if (r.reason !== "conflict") throw new AppError("bad_request", "the countermeasure could not be updated: its incident does not validate", t.restricted ? undefined : r.problems);
    }
    if (!saved) throw new AppError("conflict", "the incident kept changing while the ticket was applied; send the event again");
    await audit({ type: "ticket-close", user: TICKETS_BOT.id, incident: t.incidentId, countermeasure: t.cmId, source: event.source, ticket: event.ticketUrl ?? event.references.join(" "), commit: saved.commit });
    result.closed++;
    if (!t.restricted) result.references.push(`${t.incidentId}#${t.cmId}`);
  }
  return result;
}
