/**
 * Trends as distributions, never means: durations of incidents are heavy-tailed and barely track severity, so an
 * average per quarter says little. Everything here is a pure function of the visible incidents.
 */
import type { Taxonomy } from "../schema/taxonomy";
import { defaultTimeZone, localDate, toLocalDate } from "./dates";
import { isOpen, isOverdue, startedMs } from "./facts";
import { incidentFactors, severityKey, type KnowledgeIncident, type SeverityKey } from "./incident-view";
import { incidentMetrics } from "./metrics";
import { recurrences } from "./recurrence";

/** The p-th percentile (0–100) of ascending values, linearly interpolated between closest ranks; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (rank - lo);
}

/** "2026-Q1": the quarter of an instant, or of a calendar date, in the organization's time zone. */
export function quarterOf(instant: number | string, timeZone: string = defaultTimeZone()): string {
  const date = typeof instant === "string" ? toLocalDate(instant, timeZone) : localDate(instant, timeZone);
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

export interface Distribution {
  n: number;
  /** Ascending, in milliseconds (for the strip plot). */
  values: number[];
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const p = (q: number) => percentile(s, q) ?? 0;
  return { n: s.length, values: s, p10: p(10), p25: p(25), p50: p(50), p75: p(75), p90: p(90) };
}

export const DURATION_METRICS = [
  { key: "timeToDetect", label: "Time to detect" },
  { key: "timeToMitigate", label: "Time to mitigate" },
  { key: "timeToResolve", label: "Time to resolve" },
] as const;
export type DurationMetric = (typeof DURATION_METRICS)[number]["key"];

export interface QuarterDurations {
  quarter: string;
  all: Distribution | null;
  /** Points of the strip plot with their severity. */
  points: { ms: number; severity: SeverityKey }[];
  bySeverity: Partial<Record<SeverityKey, Distribution>>;
}

export interface RepeatRate {
  quarter: string;
  incidents: number;
  /** Incidents with a factor already seen in an earlier incident. */
  repeats: number;
  /** Incidents where a factor came back after a countermeasure addressing it was done (the recurrence engine). */
  afterCountermeasure: number;
}

export interface OnTimeRate {
  team: string;
  quarter: string;
  /** Done by the end of the due day. */
  onTime: number;
  /** Done after the due day, or still open past it. */
  late: number;
}

export interface Trends {
  quarters: string[];
  durations: Record<DurationMetric, QuarterDurations[]>;
  repeats: RepeatRate[];
  onTime: OnTimeRate[];
  /** Incidents without a start time, left out of every figure. */
  undated: number;
}

/**
 * Per quarter of start (KAIZEN_TIME_ZONE): the distributions of time to detect / mitigate / resolve, overall and per
 * severity; the repeat-incident rate; and per team and quarter of the due date, how many countermeasures were done on
 * time. `incidents` must already be what the viewer may read. The last `maxQuarters` quarters with data are kept.
 */
export function computeTrends(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, options: { now?: Date; timeZone?: string; maxQuarters?: number } = {}): Trends {
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? defaultTimeZone();
  const dated = incidents.flatMap((inc) => {
    const t = startedMs(inc);
    return t === null ? [] : [{ inc, t, quarter: quarterOf(t, timeZone) }];
  });
  dated.sort((a, b) => a.t - b.t || a.inc.id.localeCompare(b.inc.id));
  const quarters = [...new Set(dated.map((d) => d.quarter))].sort().slice(-(options.maxQuarters ?? 8));
  const inRange = new Set(quarters);

  const durations = Object.fromEntries(
    DURATION_METRICS.map(({ key }) => {
      const rows = quarters.map((quarter) => {
        const points: QuarterDurations["points"] = [];
        for (const d of dated) {
          if (d.quarter !== quarter) continue;
          const ms = incidentMetrics(d.inc.frontmatter)[key];
          if (ms !== null) points.push({ ms, severity: severityKey(d.inc) });
        }
        const bySeverity: QuarterDurations["bySeverity"] = {};
        for (const sev of new Set(points.map((p) => p.severity))) {
          const dist = distribution(points.filter((p) => p.severity === sev).map((p) => p.ms));
          if (dist) bySeverity[sev] = dist;
        }
        return { quarter, all: distribution(points.map((p) => p.ms)), points: points.sort((a, b) => a.ms - b.ms), bySeverity };
      });
      return [key, rows];
    }),
  ) as Record<DurationMetric, QuarterDurations[]>;

  const recurred = new Set(recurrences(incidents, taxonomy).map((r) => r.recurredIn.incidentId));
  const seen = new Set<string>();
  const repeatsBy = new Map<string, RepeatRate>();
  for (const d of dated) {
    const factors = incidentFactors(d.inc, taxonomy).map((f) => f.factor);
    const repeat = factors.some((f) => seen.has(f));
    for (const f of factors) seen.add(f);
    if (!inRange.has(d.quarter)) continue;
    let r = repeatsBy.get(d.quarter);
    if (!r) repeatsBy.set(d.quarter, (r = { quarter: d.quarter, incidents: 0, repeats: 0, afterCountermeasure: 0 }));
    r.incidents++;
    if (repeat) r.repeats++;
    if (recurred.has(d.inc.id)) r.afterCountermeasure++;
  }

  const onTimeBy = new Map<string, OnTimeRate>();
  for (const inc of incidents) {
    for (const cm of inc.frontmatter.countermeasures) {
      const due = toLocalDate(cm.due, timeZone);
      let onTime: boolean;
      if (cm.status === "done") {
        if (!cm.done_at) continue;
        onTime = toLocalDate(cm.done_at, timeZone) <= due;
      } else if (isOpen(cm.status) && isOverdue(cm, now, timeZone)) onTime = false;
      else continue;
      const quarter = quarterOf(due, timeZone);
      for (const team of inc.frontmatter.teams.length ? new Set(inc.frontmatter.teams) : ["(no team)"]) {
        const k = `${team}\u0000${quarter}`;
        let r = onTimeBy.get(k);
        if (!r) onTimeBy.set(k, (r = { team, quarter, onTime: 0, late: 0 }));
        if (onTime) r.onTime++;
        else r.late++;
      }
    }
  }
  const dueQuarters = new Set([...new Set([...onTimeBy.values()].map((r) => r.quarter))].sort().slice(-(options.maxQuarters ?? 8)));
  const onTime = [...onTimeBy.values()].filter((r) => dueQuarters.has(r.quarter)).sort((a, b) => a.team.localeCompare(b.team) || a.quarter.localeCompare(b.quarter));

  return { quarters, durations, repeats: quarters.map((q) => repeatsBy.get(q) ?? { quarter: q, incidents: 0, repeats: 0, afterCountermeasure: 0 }), onTime, undated: incidents.length - dated.length };
}
