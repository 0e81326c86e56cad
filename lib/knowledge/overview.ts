import { factorLinks } from "./factor-links";
import { emptySeverityMix, lastMonths, monthKey, severityKey, type KnowledgeIncident, type SeverityKey } from "./incident-view";
import { defaultTimeZone } from "./dates";
import { isOpen, isOverdue, startedMs } from "./facts";
import { recurringIncidentCounts } from "./recurrence";
import type { Taxonomy } from "../schema/taxonomy";

export interface Overview {
  /** The last `months` months up to `now`, oldest first, with incident counts by severity ("none" for near-misses). */
  byMonth: ({ month: string; total: number } & Record<SeverityKey, number>)[];
  totals: { incidents: number; nearMisses: number; inWindow: number };
  /** Factors with the most incidents (at least two), with their teams and recurrences. */
  topFactors: { factor: string; name: string; category: string; incidents: number; teams: number; recurrences: number; lastSeen: string | null }[];
  countermeasures: { open: number; done: number; overdue: number };
}

/** Home-page figures over a list of incidents, relative to `now`. */
export function overview(
  incidents: readonly KnowledgeIncident[],
  taxonomy: Taxonomy,
  now: Date = new Date(),
  opts: { months?: number; topN?: number; timeZone?: string } = {},
): Overview {
  const timeZone = opts.timeZone ?? defaultTimeZone();
  const months = lastMonths(now, opts.months ?? 12);
  const rows = new Map(months.map((m) => [m, { month: m, total: 0, ...emptySeverityMix() }]));
  let nearMisses = 0;
  let inWindow = 0;
  const cms = { open: 0, done: 0, overdue: 0 };
  for (const inc of incidents) {
    if (inc.frontmatter.kind === "near-miss") nearMisses++;
    const t = startedMs(inc);
    const row = t === null ? undefined : rows.get(monthKey(t));
    if (row) {
      row.total++;
      row[severityKey(inc)]++;
      inWindow++;
    }
    for (const cm of inc.frontmatter.countermeasures) {
      if (cm.status === "done") cms.done++;
      else if (isOpen(cm.status)) {
        cms.open++;
        if (isOverdue(cm, now, timeZone)) cms.overdue++;
      }
    }
  }
  const rec = recurringIncidentCounts(incidents, taxonomy);
  const topFactors = factorLinks(incidents, taxonomy)
    .filter((l) => l.incidents.length >= 2)
    .slice(0, opts.topN ?? 5)
    .map((l) => ({
      factor: l.factor,
      name: l.name,
      category: l.category,
      incidents: l.incidents.length,
      teams: l.teams.length,
      recurrences: rec.get(l.factor) ?? 0,
      lastSeen: l.lastSeen,
    }));
  return { byMonth: [...rows.values()], totals: { incidents: incidents.length, nearMisses, inWindow }, topFactors, countermeasures: cms };
}
