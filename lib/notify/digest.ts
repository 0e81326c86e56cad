import type { IncidentDoc } from "../content/store";
import { incidentUrl } from "../followups/csv";
import { buildFollowupRows } from "../followups/rows";
import { groupRows, sortRows } from "../followups/order";
import type { SlackBlock, SlackMessage } from "../followups/notify";
import { canReadEntry, startedAt, startedMs } from "../knowledge/facts";
import { formatDate, localDate } from "../knowledge/dates";
import { incidentFactors } from "../knowledge/incident-view";
import { recurrences, type Recurrence } from "../knowledge/recurrence";
import type { FollowupPolicy } from "../schema/followup-policy";
import type { Severity } from "../schema/incident";
import type { Taxonomy } from "../schema/taxonomy";
import { channelCovers, type Channel } from "./channels";
import { mrkdwnEscape as esc, mrkdwnLink as link } from "./messages";

const DAY = 86_400_000;

export interface DigestIncident {
  id: string;
  title: string;
  severity: Severity | null;
  teams: string[];
  started: string | null;
  factors: string[];
}

export interface DigestCountermeasure {
  incidentId: string;
  incidentTitle: string;
  id: string;
  title: string;
  owner: string;
  dueDate: string;
  daysOverdue: number;
}

export interface Digest {
  channel: string;
  /** Calendar dates of the window in the organization's time zone. */
  from: string;
  to: string;
  /** The zone the dates are shown in ("14 Mar 2026"). */
  timeZone: string;
  published: DigestIncident[];
  overdueByTeam: { team: string; rows: DigestCountermeasure[] }[];
  overdue: number;
  /** Open or done countermeasures breaking kaizen.yml's `followups:` policy (empty without one), by team. */
  breachesByTeam: { team: string; rows: (Omit<DigestCountermeasure, "daysOverdue"> & { reasons: string[] })[] }[];
  breaching: number;
  recurrences: Recurrence[];
  /** Post-mortems in review, with the reviewers asked (frontmatter `reviewers`), most severe first. */
  inReview: (DigestIncident & { reviewers: string[] })[];
  /** Done countermeasures whose verify_by has come and that nobody has answered "did it hold?" for, soonest first. */
  toVerify: (Omit<DigestCountermeasure, "daysOverdue" | "dueDate"> & { doneAt: string | null; verifyBy: string })[];
  /** Published post-mortems of the same window a year earlier, most severe first. */
  yearAgo: DigestIncident[];
}

export interface DigestInput {
  incidents: readonly IncidentDoc[];
  taxonomy: Taxonomy;
  /** Ids published during the window (see publishedSince). */
  newlyPublished: ReadonlySet<string>;
  channel: Channel;
  since: Date;
  now: Date;
  timeZone: string;
  /** kaizen.yml `followups:`; without it nothing breaches. */
  policy?: FollowupPolicy;
}

const SEV_ORDER: Record<string, number> = { SEV1: 0, SEV2: 1, SEV3: 2, SEV4: 3 };

function digestIncident(i: IncidentDoc, taxonomy: Taxonomy): DigestIncident {
  const fm = i.frontmatter;
  return { id: i.id, title: fm.title, severity: fm.severity ?? null, teams: fm.teams, started: startedAt(i), factors: incidentFactors(i, taxonomy).map((f) => taxonomy.get(f.factor)?.name ?? f.factor) };
}

/**
 * The weekly digest for one channel: only incidents its audience may read and the channel is about (the one
 * visibility rule, then the channel's teams and groups). Recurrences are computed over what the audience may read,
 * so a hidden incident's countermeasure never explains one.
 */
export function buildDigest(input: DigestInput): Digest {
  const { taxonomy, channel, since, now, timeZone } = input;
  const visible = input.incidents.filter((i) => canReadEntry(channel.audience, i));
  const covered = visible.filter((i) => channelCovers(channel, i));
  const coveredIds = new Set(covered.map((i) => i.id));
  const bySeverity = (a: DigestIncident, b: DigestIncident) => (SEV_ORDER[a.severity ?? ""] ?? 9) - (SEV_ORDER[b.severity ?? ""] ?? 9) || (a.started ?? "").localeCompare(b.started ?? "");

  const published = covered.filter((i) => i.frontmatter.status === "published" && input.newlyPublished.has(i.id)).map((i) => digestIncident(i, taxonomy)).sort(bySeverity);

  const rows = buildFollowupRows(covered, taxonomy, { now, timeZone, policy: input.policy });
  const overdueRows = sortRows(rows.filter((r) => r.overdue), "due");
  const breachRows = sortRows(rows.filter((r) => r.breaches.length > 0), "due");
  const breachesByTeam = groupRows(breachRows, "team").map((g) => ({
    team: g.label,
    rows: g.rows.map((r) => ({ incidentId: r.incident.id, incidentTitle: r.incident.title, id: r.id, title: r.title, owner: r.owner, dueDate: r.dueDate, reasons: r.breaches.map((b) => b.message) })),
  }));
  const overdueByTeam = groupRows(overdueRows, "team").map((g) => ({
    team: g.label,
    rows: g.rows.map((r) => ({ incidentId: r.incident.id, incidentTitle: r.incident.title, id: r.id, title: r.title, owner: r.owner, dueDate: r.dueDate, daysOverdue: r.daysOverdue })),
  }));

  const inReview = covered
    .filter((i) => i.frontmatter.status === "in-review")
    .map((i) => ({ ...digestIncident(i, taxonomy), reviewers: i.frontmatter.reviewers ?? [] }))
    .sort(bySeverity);
  const toVerify = rows
    .filter((r) => r.outcome?.askIfHeld && r.verify_by)
    .sort((a, b) => (a.verify_by ?? "").localeCompare(b.verify_by ?? "") || a.key.localeCompare(b.key))
    .map((r) => ({ incidentId: r.incident.id, incidentTitle: r.incident.title, id: r.id, title: r.title, owner: r.owner, doneAt: r.done_at ?? null, verifyBy: r.verify_by ?? "" }));

  const fromMs = since.getTime();
  const recent = recurrences(visible, taxonomy).filter((r) => coveredIds.has(r.recurredIn.incidentId) && Date.parse(r.recurredIn.started_at) >= fromMs);

  const yearFrom = fromMs - 365 * DAY;
  const yearTo = now.getTime() - 365 * DAY;
  const yearAgo = covered
    .filter((i) => {
      const t = startedMs(i);
      return i.frontmatter.status === "published" && t !== null && t >= yearFrom && t <= yearTo;
    })
    .map((i) => digestIncident(i, taxonomy))
    .sort(bySeverity);

  return {
    channel: channel.label,
    from: localDate(since, timeZone),
    to: localDate(now, timeZone),
    timeZone,
    published,
    overdueByTeam,
    overdue: overdueRows.length,
    breachesByTeam,
    breaching: breachRows.length,
    recurrences: recent,
    inReview,
    toVerify,
    yearAgo,
  };
}

/** Nothing to tell: no new post-mortem, nothing in review, overdue or to verify, no recurrence and nothing from a year ago. */
export function isEmptyDigest(d: Digest): boolean {
  return d.published.length === 0 && d.inReview.length === 0 && d.overdue === 0 && d.breaching === 0 && d.recurrences.length === 0 && d.toVerify.length === 0 && d.yearAgo.length === 0;
}

// Per section at most this many lines, then a pointer to the page that has them all (Slack: 50 blocks, 3000 chars).
const MAX_LINES = 15;
const MAX_SECTION = 3000;

function section(title: string, lines: string[], more: string, empty: string): string[] {
  const head = `*${title}*`;
  if (lines.length === 0) return [`${head}\n_${empty}_`];
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > MAX_LINES) shown.push(`…and ${lines.length - MAX_LINES} more: ${more}`);
  // Split into Slack-sized sections, never inside a line.
  const out: string[] = [];
  let text = head;
  for (const l of shown) {
    const line = l.length > MAX_SECTION - 200 ? `${l.slice(0, MAX_SECTION - 201)}…` : l;
    if (text.length + 1 + line.length > MAX_SECTION) {
      out.push(text);
      text = `${head} (continued)`;
    }
    text += `\n${line}`;
  }
  out.push(text);
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function incidentLine(i: DigestIncident, baseUrl: string, timeZone: string, withStart = false): string {
  const meta = [i.severity ?? "", i.teams.join(", "), withStart && i.started ? `started ${formatDate(i.started, timeZone)}` : "", i.factors.length ? `factors: ${i.factors.join(", ")}` : ""].filter(Boolean);
  return `• ${link(incidentUrl(baseUrl, i.id), i.title)}${meta.length ? ` — ${esc(meta.join(" · "))}` : ""}`;
}

/** The digest as Slack mrkdwn sections (also what `--dry-run` prints: Markdown-ish text). */
export function digestSections(d: Digest, baseUrl: string): string[] {
  const base = baseUrl.replace(/\/+$/, "");
  const overdueLines = d.overdueByTeam.flatMap((g) => [
    `_${esc(g.team)}_ (${g.rows.length})`,
    ...g.rows.map((r) => `• ${link(incidentUrl(base, r.incidentId), r.title)} — ${esc(r.owner)}, ${plural(r.daysOverdue, "day")} overdue (due ${formatDate(r.dueDate, d.timeZone)}) · ${esc(r.incidentTitle)}`),
  ]);
  const breachLines = d.breachesByTeam.flatMap((g) => [
    `_${esc(g.team)}_ (${g.rows.length})`,
    ...g.rows.map((r) => `• ${link(incidentUrl(base, r.incidentId), r.title)} — ${esc(r.owner)}: ${esc(r.reasons.join("; "))} · ${esc(r.incidentTitle)}`),
  ]);
  const recurrenceLines = d.recurrences.map(
    (r) =>
      `• _${esc(r.factorName)}_ came back in ${link(incidentUrl(base, r.recurredIn.incidentId), r.recurredIn.title)} (started ${formatDate(r.recurredIn.started_at, d.timeZone)}) ` +
      `although ${link(incidentUrl(base, r.countermeasure.incidentId), r.countermeasure.title)} was done ${formatDate(r.countermeasure.done_at, d.timeZone)}`,
  );
  const reviewLines = d.inReview.map((i) => {
    const meta = [i.severity ?? "", i.teams.join(", "), i.reviewers.length ? `reviewers: ${i.reviewers.join(", ")}` : "no reviewer named"].filter(Boolean);
    return `• ${link(`${incidentUrl(base, i.id)}#review`, i.title)} — ${esc(meta.join(" · "))}`;
  });
  const verifyLines = d.toVerify.map(
    (r) => `• ${link(incidentUrl(base, r.incidentId), r.title)} — ${esc(r.owner)}, ${r.doneAt ? `done ${formatDate(r.doneAt, d.timeZone)}, ` : ""}verify by ${formatDate(r.verifyBy, d.timeZone)} · ${esc(r.incidentTitle)}`,
  );
  return [
    ...section(`New post-mortems (${d.published.length})`, d.published.map((i) => incidentLine(i, base, d.timeZone)), `${base}/incidents?status=published`, "No post-mortem was published this period."),
    ...section(`Waiting for review (${d.inReview.length})`, reviewLines, `${base}/reviews`, "No post-mortem is in review."),
    ...section(`Overdue countermeasures by team (${d.overdue})`, overdueLines, `${base}/countermeasures?overdue=1`, "Nothing is overdue."),
    ...(d.breaching > 0 ? section(`Breaking the follow-up policy, by team (${d.breaching})`, breachLines, `${base}/countermeasures?breach=1`, "") : []),
    ...section(`Recurred after a countermeasure (${d.recurrences.length})`, recurrenceLines, `${base}/learnings`, "No factor came back after a done countermeasure."),
    ...section(`Did it hold? (${d.toVerify.length})`, verifyLines, `${base}/countermeasures/review`, "No countermeasure waits for confirmation that it held."),
    ...section(`One year ago: worth rereading (${d.yearAgo.length})`, d.yearAgo.map((i) => incidentLine(i, base, d.timeZone, true)), `${base}/incidents`, "Nothing was published in this period a year ago."),
  ];
}

export function digestHeadline(d: Digest): string {
  return `Kaizen digest ${formatDate(d.from, d.timeZone)} – ${formatDate(d.to, d.timeZone)}: ${plural(d.published.length, "new post-mortem")}, ${d.overdue} overdue, ${plural(d.recurrences.length, "recurrence")}`;
}

/** The digest as a Slack-compatible incoming-webhook message. */
export function digestMessage(d: Digest, baseUrl: string): SlackMessage {
  const headline = digestHeadline(d);
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: headline.slice(0, 150) } }];
  for (const s of digestSections(d, baseUrl).slice(0, 48)) blocks.push({ type: "section", text: { type: "mrkdwn", text: s } });
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `Sent to ${esc(d.channel)} · ${link(`${baseUrl.replace(/\/+$/, "")}/countermeasures`, "Open the countermeasure dashboard")}` }] });
  return { text: headline, blocks };
}

/** The digest as plain Markdown-ish text, for the terminal. */
export function digestText(d: Digest, baseUrl: string): string {
  return [`# ${digestHeadline(d)}`, `(for ${d.channel})`, "", digestSections(d, baseUrl).join("\n\n"), ""].join("\n");
}
