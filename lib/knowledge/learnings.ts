import { factorLinks, type CountermeasureCounts, type FactorLink } from "./factor-links";
import { SEVERITY_KEYS, type KnowledgeIncident, type SeverityKey } from "./incident-view";
import { startedMs } from "./facts";
import { recurringIncidentCounts } from "./recurrence";
import type { Taxonomy } from "../schema/taxonomy";

export interface LearningsOptions {
  /** Reference time for recency (default: now). */
  now?: Date;
  /** Only factors of this taxonomy category. */
  category?: string;
  /** Only factors seen in at least one incident of this team (figures still cover every team). */
  team?: string;
  /** Only incidents that started in [from, to] (ISO dates or date-times; `to` as a date includes that whole day). */
  from?: string;
  to?: string;
  /** Factors seen fewer times are not learnings yet (default 2). */
  minIncidents?: number;
  /** Recency half-life in days (default 180). */
  halfLifeDays?: number;
  limit?: number;
}

export interface Learning {
  factor: string;
  name: string;
  category: string;
  score: number;
  /** Seen by two or more teams: ranked above every single-team factor. */
  crossTeam: boolean;
  incidents: number;
  incidentIds: string[];
  teams: string[];
  services: string[];
  severity: Record<SeverityKey, number>;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Calendar months from the first to the last incident, both included. */
  spanMonths: number;
  countermeasures: CountermeasureCounts;
  /** Distinct incidents that had the factor after a countermeasure addressing it was done. */
  recurrences: number;
  /** The factors of the score, for pages that explain it. */
  weights: { count: number; teams: number; services: number; severity: number; recency: number };
  reasons: string[];
  /** The reasons as one sentence. */
  summary: string;
}

export const SEVERITY_WEIGHT: Record<SeverityKey, number> = { SEV1: 2, SEV2: 1.5, SEV3: 1, SEV4: 0.75, none: 0.75 };

/**
 * score = ln(1 + incidents)                       more incidents, with diminishing returns
 *       × (1 + 0.75 × (teams − 1))                each further team that met the factor adds most of a team's worth
 *       × (1 + 0.25 × ln(services))               spread over services counts, less than teams
 *       × mean severity weight                    SEV1 2, SEV2 1.5, SEV3 1, SEV4 and near-misses 0.75
 *       × 0.5 ^ (days since last seen / half-life) recent factors first; half-life 180 days by default
 * Cross-team factors (two or more teams) are listed before single-team ones whatever their score: a learning that
 * crossed a team boundary is the kind a single team's review cannot see.
 */
export function learningScore(link: Pick<FactorLink, "incidents" | "teams" | "services" | "severity" | "lastSeen">, now: Date, halfLifeDays = 180) {
  const n = link.incidents.length;
  const count = Math.log(1 + n);
  const teams = 1 + 0.75 * Math.max(0, link.teams.length - 1);
  const services = 1 + 0.25 * Math.log(Math.max(1, link.services.length));
  let sev = 0;
  for (const k of SEVERITY_KEYS) sev += SEVERITY_WEIGHT[k] * link.severity[k];
  const severity = n > 0 ? sev / n : 1;
  const ageDays = link.lastSeen ? Math.max(0, (now.getTime() - Date.parse(link.lastSeen)) / 86_400_000) : Infinity;
  const recency = Number.isFinite(ageDays) ? Math.pow(0.5, ageDays / halfLifeDays) : 0;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    score: r(count * teams * services * severity * recency),
    weights: { count: r(count), teams: r(teams), services: r(services), severity: r(severity), recency: r(recency) },
  };
}

function boundMs(v: string | undefined, end: boolean): number | null {
  if (!v) return null;
  const t = Date.parse(end && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59.999Z` : v);
  return Number.isFinite(t) ? t : null;
}

/** Incidents that started within [from, to]; undated ones are dropped only when a bound is given. */
export function incidentsInPeriod<T extends KnowledgeIncident>(incidents: readonly T[], from?: string, to?: string): readonly T[] {
  const lo = boundMs(from, false);
  const hi = boundMs(to, true);
  if (lo === null && hi === null) return incidents;
  return incidents.filter((inc) => {
    const t = startedMs(inc);
    return t !== null && (lo === null || t >= lo) && (hi === null || t <= hi);
  });
}

function monthsBetween(a: string, b: string): number {
  const da = new Date(a);
  const db = new Date(b);
  return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth() + 1;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function reasonsFor(l: Omit<Learning, "reasons" | "summary" | "score" | "weights">): string[] {
  const seen =
    l.incidents === 1 ? "seen in 1 incident" : `seen in ${l.incidents} incidents`;
  const teams = l.teams.length > 1 ? ` across ${l.teams.length} teams` : l.teams.length === 1 ? ` in team ${l.teams[0]}` : "";
  const span = l.spanMonths > 0 && l.incidents > 1 ? ` in ${plural(l.spanMonths, "month")}` : "";
  const reasons = [`${seen}${teams}${span}`];
  if (l.services.length > 1) reasons.push(`${l.services.length} services affected`);
  const sev12 = l.severity.SEV1 + l.severity.SEV2;
  if (sev12 > 0) reasons.push(`${sev12} of them SEV1 or SEV2`);
  const cm = l.countermeasures;
  if (cm.done + cm.open > 0) {
    const parts = [];
    if (cm.done) parts.push(`${plural(cm.done, "countermeasure")} done`);
    if (cm.open) parts.push(`${cm.open} open`);
    reasons.push(parts.join(", "));
  } else reasons.push("no countermeasure addresses it");
  if (l.recurrences > 0) reasons.push(`recurred ${l.recurrences === 1 ? "once" : l.recurrences === 2 ? "twice" : `${l.recurrences} times`} after a countermeasure was done`);
  return reasons;
}

/** Factors ranked as global learnings (see learningScore), cross-team first, with reasons as text and as fields. */
export function globalLearnings(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, opts: LearningsOptions = {}): Learning[] {
  const now = opts.now ?? new Date();
  const minIncidents = opts.minIncidents ?? 2;
  const scoped = incidentsInPeriod(incidents, opts.from, opts.to);
  // Recurrences need the countermeasures done before the period, so they are found over the whole list and counted
  // when the recurring incident is in the period.
  const rec = recurringIncidentCounts(incidents, taxonomy, scoped === incidents ? undefined : new Set(scoped.map((i) => i.id)));
  const out: Learning[] = [];
  for (const link of factorLinks(scoped, taxonomy)) {
    if (link.incidents.length < Math.max(1, minIncidents)) continue;
    if (opts.category && link.category !== opts.category) continue;
    if (opts.team && !link.teams.some((t) => t.name === opts.team)) continue;
    const base = {
      factor: link.factor,
      name: link.name,
      category: link.category,
      crossTeam: link.teams.length >= 2,
      incidents: link.incidents.length,
      incidentIds: link.incidents.map((i) => i.id),
      teams: link.teams.map((t) => t.name),
      services: link.services.map((s) => s.name),
      severity: link.severity,
      firstSeen: link.firstSeen,
      lastSeen: link.lastSeen,
      spanMonths: link.firstSeen && link.lastSeen ? monthsBetween(link.firstSeen, link.lastSeen) : 0,
      countermeasures: link.countermeasureCounts,
      recurrences: rec.get(link.factor) ?? 0,
    };
    const { score, weights } = learningScore(link, now, opts.halfLifeDays);
    const reasons = reasonsFor(base);
    out.push({ ...base, score, weights, reasons, summary: reasons.join("; ") });
  }
  out.sort((a, b) => Number(b.crossTeam) - Number(a.crossTeam) || b.score - a.score || a.factor.localeCompare(b.factor));
  return opts.limit !== undefined ? out.slice(0, opts.limit) : out;
}
