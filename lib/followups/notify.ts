import { incidentUrl } from "./csv";
import type { FollowupRow } from "./rows";
import { groupRows, sortRows } from "./order";
import { stripInline } from "../mdx/inline";

export interface WebhookOptions {
  /** Further attempts after the first, on network errors, timeouts and 5xx (never on 4xx). */
  retries?: number;
  /** Per attempt, covering the response body too. */
  timeoutMs?: number;
  /** Wait before retry n is backoffMs × 2^(n−1). */
  backoffMs?: number;
  fetchImpl?: typeof fetch;
}

export interface WebhookResult {
  ok: boolean;
  /** HTTP status of the last response; null when none arrived. */
  status: number | null;
  attempts: number;
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describe(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = e.cause instanceof Error ? e.cause : undefined;
  const code = cause && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  return code ? `${e.message} (${code})` : cause ? `${e.message}: ${cause.message}` : e.message;
}

/**
 * POSTs a JSON payload to an incoming webhook, retrying network errors, timeouts and 5xx with exponential backoff.
 * Never throws; error messages leave the URL out because webhook URLs carry their secret in the path.
 */
export async function postWebhook(url: string, payload: unknown, options: WebhookOptions = {}): Promise<WebhookResult> {
  const { retries = 3, timeoutMs = 5000, backoffMs = 500, fetchImpl = fetch } = options;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, status: null, attempts: 0, error: "invalid webhook URL" };
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") {
    return { ok: false, status: null, attempts: 0, error: `webhook URL must be http(s), got ${target.protocol}` };
  }
  const body = JSON.stringify(payload);
  let last: WebhookResult = { ok: false, status: null, attempts: 0, error: "not attempted" };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const res = await fetchImpl(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: controller.signal,
        redirect: "error",
      });
      const text = (await res.text()).slice(0, 200);
      if (res.ok) return { ok: true, status: res.status, attempts: attempt };
      last = { ok: false, status: res.status, attempts: attempt, error: `HTTP ${res.status}${text ? `: ${text.trim()}` : ""}` };
      if (res.status < 500) return last;
    } catch (err) {
      last = { ok: false, status: last.status, attempts: attempt, error: describe(err, timedOut, timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  }
  return last;
}

export interface SlackBlock {
  type: "header" | "section" | "context" | "divider";
  text?: { type: "plain_text" | "mrkdwn"; text: string };
  elements?: { type: "mrkdwn"; text: string }[];
}

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

// Slack's limits: 50 blocks per message, 3000 characters per section text.
const MAX_BLOCKS = 50;
const MAX_SECTION = 3000;

/** Slack mrkdwn control characters; everything else is literal. */
function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function rowLine(r: FollowupRow, baseUrl: string): string {
  const when = r.overdue ? `*${r.daysOverdue} day${r.daysOverdue === 1 ? "" : "s"} overdue*` : r.dueInDays === 0 ? "due today" : `due in ${r.dueInDays} day${r.dueInDays === 1 ? "" : "s"}`;
  const ticket = r.ticket && /^https?:\/\//.test(r.ticket) ? ` · <${r.ticket}|ticket>` : "";
  return `• <${incidentUrl(baseUrl, r.incident.id)}|${esc(stripInline(r.title))}> (${r.type}, ${r.status}) — ${when}, due ${r.dueDate} · ${esc(r.incident.title)}${ticket}`;
}

/** A Slack-compatible incoming-webhook message listing countermeasures grouped by owner, each linked to its incident. */
export function buildNudgeMessage(rows: readonly FollowupRow[], baseUrl: string): SlackMessage {
  const overdue = rows.filter((r) => r.overdue).length;
  const listUrl = `${baseUrl.replace(/\/+$/, "")}/countermeasures`;
  if (rows.length === 0) {
    return { text: "No countermeasures need attention.", blocks: [{ type: "section", text: { type: "mrkdwn", text: "No countermeasures need attention." } }] };
  }
  const headline = `${rows.length} countermeasure${rows.length === 1 ? "" : "s"} need${rows.length === 1 ? "s" : ""} attention (${overdue} overdue)`;
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: headline.slice(0, 150) } }];
  const sections: string[] = [];
  for (const g of groupRows(sortRows(rows, "due"), "owner")) {
    let text = `*${esc(g.label)}* (${g.rows.length})`;
    for (const r of g.rows) {
      const line = rowLine(r, baseUrl).slice(0, MAX_SECTION - 100);
      if (text.length + 1 + line.length > MAX_SECTION) {
        sections.push(text);
        text = `*${esc(g.label)}* (continued)`;
      }
      text += `\n${line}`;
    }
    sections.push(text);
  }
  const room = MAX_BLOCKS - blocks.length - 1; // keep one block for the "more" note
  for (const s of sections.slice(0, room)) blocks.push({ type: "section", text: { type: "mrkdwn", text: s } });
  const left = sections.length - Math.min(room, sections.length);
  const more = left > 0 ? `${left} more group(s) not shown. ` : "";
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `${more}<${listUrl}|Open the countermeasure dashboard>` }] });
  return { text: `${headline}: ${listUrl}`, blocks };
}
