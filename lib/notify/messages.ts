import { incidentUrl } from "../followups/csv";
import type { SlackBlock, SlackMessage } from "../followups/notify";
import { incidentFactors, type KnowledgeIncident } from "../knowledge/incident-view";
import type { Recurrence } from "../knowledge/recurrence";
import type { Taxonomy } from "../schema/taxonomy";

// Slack's limits: 3000 characters per section text, 150 per header.
const MAX_SECTION = 3000;
const MAX_HEADER = 150;

/** Slack mrkdwn control characters (&, <, >); everything else in content is literal text. */
export function mrkdwnEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A link whose label cannot break out of the `<url|label>` syntax. */
export function mrkdwnLink(url: string, label: string): string {
  return `<${url}|${mrkdwnEscape(label).replace(/\|/g, "¦")}>`;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** "A", "A and B", "A, B and 2 more". */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length <= 1) return names.join("");
  if (names.length <= max) return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

export interface SeenBefore {
  factor: string;
  factorName: string;
  /** Teams of the other incidents with this factor, most frequent first. */
  teams: string[];
  incidents: number;
}

/**
 * Per factor of an incident: the other incidents of `visible` that have it and their teams ("already seen by teams A
 * and B"). `visible` must already be what the message's audience may read.
 */
export function seenBefore(inc: KnowledgeIncident, visible: readonly KnowledgeIncident[], taxonomy: Taxonomy): SeenBefore[] {
  const out: SeenBefore[] = [];
  for (const { factor } of incidentFactors(inc, taxonomy)) {
    const teams = new Map<string, number>();
    let n = 0;
    for (const other of visible) {
      if (other.id === inc.id || !incidentFactors(other, taxonomy).some((f) => f.factor === factor)) continue;
      n++;
      for (const t of other.frontmatter.teams) teams.set(t, (teams.get(t) ?? 0) + 1);
    }
    if (n === 0) continue;
    const sorted = [...teams].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
    out.push({ factor, factorName: taxonomy.get(factor)?.name ?? factor, teams: sorted, incidents: n });
  }
  return out;
}

function message(headline: string, sections: string[], context: string): SlackMessage {
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: clip(headline, MAX_HEADER) } }];
  for (const s of sections) if (s) blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(s, MAX_SECTION) } });
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: context }] });
  return { text: clip(headline, MAX_SECTION), blocks };
}

/**
 * "Post-mortem published": title, severity, teams, factors and where each factor was already seen. Built only from
 * `visible` (what the channel's audience may read), so a restricted incident elsewhere adds neither a team nor a count.
 */
export function publishedMessage(inc: KnowledgeIncident, visible: readonly KnowledgeIncident[], taxonomy: Taxonomy, baseUrl: string): SlackMessage {
  const fm = inc.frontmatter;
  const sev = fm.kind === "near-miss" ? "near miss" : (fm.severity ?? "no severity");
  const headline = `Post-mortem published: ${fm.title} (${sev})`;
  const lines = [`*${mrkdwnLink(incidentUrl(baseUrl, inc.id), fm.title)}*`];
  const meta = [sev, fm.teams.length ? `teams: ${fm.teams.join(", ")}` : "", fm.services.length ? `services: ${fm.services.join(", ")}` : ""].filter(Boolean);
  lines.push(mrkdwnEscape(meta.join(" · ")));
  if (fm.summary) lines.push(`>${mrkdwnEscape(clip(fm.summary.replace(/\s+/g, " "), 600))}`);
  const factors = incidentFactors(inc, taxonomy);
  if (factors.length) lines.push(`*Contributing factors:* ${mrkdwnEscape(factors.map((f) => taxonomy.get(f.factor)?.name ?? f.factor).join(", "))}`);
  const seen = seenBefore(inc, visible, taxonomy).map((s) => {
    const who = s.teams.length ? ` by ${s.teams.length === 1 ? "team" : "teams"} ${listNames(s.teams)}` : "";
    return `• _${s.factorName}_ was already seen${who} (${s.incidents} other incident${s.incidents === 1 ? "" : "s"})`;
  });
  const sections = [lines.join("\n"), seen.length ? mrkdwnEscape(`Seen before:\n${seen.join("\n")}`) : ""];
  return message(headline, sections, mrkdwnLink(`${baseUrl.replace(/\/+$/, "")}/learnings`, "Global learnings"));
}

/** "Recurred after a countermeasure": the factors of this incident that came back although a countermeasure addressing them was done. */
export function recurrenceMessage(inc: KnowledgeIncident, recurred: readonly Recurrence[], baseUrl: string): SlackMessage {
  const fm = inc.frontmatter;
  const factors = [...new Set(recurred.map((r) => r.factorName))];
  const headline = `Recurred after a countermeasure: ${listNames(factors)} in ${fm.title}`;
  const lines = recurred.map(
    (r) =>
      `• _${mrkdwnEscape(r.factorName)}_: ${mrkdwnLink(incidentUrl(baseUrl, r.countermeasure.incidentId), r.countermeasure.title)} ` +
      `(${r.countermeasure.type}, done ${r.countermeasure.done_at}, from ${mrkdwnEscape(r.countermeasure.incidentTitle)})`,
  );
  const head = `*${mrkdwnLink(incidentUrl(baseUrl, inc.id), fm.title)}* started after these countermeasures were done:`;
  return message(headline, [`${head}\n${lines.join("\n")}`], "Did the countermeasure not hold, or not reach this team? Worth a look in the next review.");
}

/** "Review requested": which post-mortem, who asks and whom, with the way to the review panel. */
export function reviewRequestedMessage(inc: KnowledgeIncident, requester: { id: string; name: string }, reviewers: readonly string[], baseUrl: string): SlackMessage {
  const fm = inc.frontmatter;
  const sev = fm.kind === "near-miss" ? "near miss" : (fm.severity ?? "no severity");
  const who = requester.name || requester.id;
  const headline = `Review requested: ${fm.title} (${sev})`;
  const url = `${incidentUrl(baseUrl, inc.id)}#review`;
  const lines = [`*${mrkdwnEscape(who)}* asks ${mrkdwnEscape(listNames([...reviewers], 5))} to review *${mrkdwnLink(url, fm.title)}*`];
  const meta = [sev, fm.teams.length ? `teams: ${fm.teams.join(", ")}` : ""].filter(Boolean);
  lines.push(mrkdwnEscape(meta.join(" · ")));
  return message(headline, [lines.join("\n")], `${mrkdwnLink(url, "Open the review panel")} · approve or request changes there`);
}
