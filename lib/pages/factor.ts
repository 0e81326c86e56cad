import "server-only";
import { visibleContent, docsById, knowledgeOf, type VisibleContent } from "../knowledge/visible";
import { pageMemo } from "./page-memo";
import type { Viewer } from "../auth/viewer";
import { toRowData, type IncidentRowData } from "./incident-row";
import type { CountermeasureCounts, FactorCoOccurrence, FactorCountermeasure } from "../knowledge/factor-links";
import { emptySeverityMix, lastMonths, monthKey, type SeverityKey } from "../knowledge/incident-view";
import { isOverdue } from "../knowledge/facts";
import { ID_PATTERN } from "../schema/common";
import { UNKNOWN_CATEGORY } from "./factors";
import { factorEffectiveness, type FactorEffectiveness, type Verification } from "../followups/effectiveness";
import { followupRowsFor } from "../followups/visible-rows";
import { factorHold } from "../knowledge/recurrence";
import { daysBetween, defaultTimeZone, localDate, toLocalDate } from "../knowledge/dates";

// /factors/[id]: one factor across incidents, teams and time, with its countermeasures and recurrences.

export interface FactorCountermeasureView extends FactorCountermeasure {
  overdue: boolean;
  /** Later incidents that had the factor although this countermeasure was done (the earliest few). */
  recurredIn: { incidentId: string; title: string; started_at: string }[];
  /** How many later incidents had it in all. */
  recurredCount: number;
  /** Done ones: verified / unverified / failed, and calendar days without a recurrence since done. */
  verification: Verification | null;
  daysWithoutRecurrence: number | null;
}

/** Did the countermeasures addressing this factor work? */
export interface FactorEffectivenessView extends FactorEffectiveness {
  /** Days since the latest done countermeasure without the factor coming back (to its return when it did). */
  daysWithoutRecurrence: number | null;
  /** The latest done countermeasure addressing it. */
  latest: { incidentId: string; incidentTitle: string; id: string; title: string; done_at: string } | null;
  /** The first incident with the factor after that one was done; null while it holds. */
  recurredIn: { incidentId: string; title: string; started_at: string } | null;
}

// A common factor in a large knowledge base has thousands of incidents and countermeasures: the page shows the newest
// ones and links to the filtered lists for the rest, so its size does not grow with the knowledge base.
/** Incidents listed on a factor page (newest first); the incident list filtered by the factor has them all. */
export const FACTOR_PAGE_INCIDENTS = 25;
/** Countermeasures listed on a factor page (the newest incidents'); the dashboard filtered by the factor has them all. */
export const FACTOR_PAGE_COUNTERMEASURES = 30;
/** Countermeasures listed in the "recurred after" notice, and later incidents named for each. */
export const FACTOR_PAGE_RECURRENCES = 10;
export const RECURRENCE_EXAMPLES = 5;

export interface FactorPageData {
  factor: {
    id: string;
    name: string;
    description: string;
    category: { id: string; name: string };
    aliases: string[];
    mergedIds: string[];
    known: boolean;
  };
  totals: { incidents: number; teams: number; services: number; firstSeen: string | null; lastSeen: string | null; recurrences: number };
  severity: Record<SeverityKey, number>;
  /** Incidents per month by severity, over the factor's span within 12 to 24 months up to now. */
  chart: { months: number; data: ({ x: string } & Record<SeverityKey, number>)[]; inWindow: number };
  /** Newest first, at most FACTOR_PAGE_INCIDENTS (totals.incidents has the number). */
  incidents: (IncidentRowData & { note: string | null })[];
  teams: { name: string; count: number }[];
  services: { name: string; count: number }[];
  coOccurring: FactorCoOccurrence[];
  /** Oldest first; the last FACTOR_PAGE_COUNTERMEASURES of them. */
  countermeasures: FactorCountermeasureView[];
  /** Every countermeasure addressing the factor. */
  countermeasuresTotal: number;
  countermeasureCounts: CountermeasureCounts;
  /**
   * One entry per done countermeasure that was followed by the factor again, in order of the first recurrence, at most
   * FACTOR_PAGE_RECURRENCES; `recurredIn` names the earliest RECURRENCE_EXAMPLES of `count` later incidents.
   */
  recurrences: { countermeasure: { incidentId: string; incidentTitle: string; id: string; title: string; done_at: string }; recurredIn: { incidentId: string; title: string; started_at: string }[]; count: number }[];
  /** Done countermeasures followed by the factor again, in all. */
  recurrencesTotal: number;
  effectiveness: FactorEffectivenessView;
}

function monthsBetween(fromIso: string, now: Date): number {
  const a = new Date(fromIso);
  return (now.getUTCFullYear() - a.getUTCFullYear()) * 12 + now.getUTCMonth() - a.getUTCMonth() + 1;
}

/**
 * /factors/[id]: everything about one factor for this viewer; `{ redirectTo }` for an old merged id; null when no
 * factor has this id (or only incidents the viewer may not read use it).
 */
export async function getFactorPage(viewer: Viewer, id: string, now = new Date()): Promise<FactorPageData | { redirectTo: string } | null> {
  if (!ID_PATTERN.test(id)) return null;
  const visible = await visibleContent(viewer);
  return factorPageMemo(visible, id, now, async () => computeFactorPage(visible, id, now));
}

const factorPageMemo = pageMemo<FactorPageData | { redirectTo: string } | null>();

function computeFactorPage(visible: VisibleContent, id: string, now: Date): FactorPageData | { redirectTo: string } | null {
  const k = knowledgeOf(visible, now);
  const { taxonomy } = k;
  const canonical = taxonomy.canonicalId(id);
  if (canonical && canonical !== id) return { redirectTo: `/factors/${canonical}` };
  const link = k.factorLink(id);
  if (!link) return null;
  const def = taxonomy.get(link.factor);

  const span = link.firstSeen ? monthsBetween(link.firstSeen, now) : 0;
  const months = Math.min(24, Math.max(12, span));
  const data = lastMonths(now, months).map((x) => ({ x, ...emptySeverityMix() }));
  const slot = new Map(data.map((d) => [d.x, d]));
  let inWindow = 0;
  for (const i of link.incidents) {
    const d = i.started_at ? slot.get(monthKey(Date.parse(i.started_at))) : undefined;
    if (d) {
      d[i.severity ?? "none"]++;
      inWindow++;
    }
  }

  const recs = k.factorRecurrences(link.factor, RECURRENCE_EXAMPLES);
  const byCm = new Map(recs.byCountermeasure.map((g) => [`${g.countermeasure.incidentId}#${g.countermeasure.id}`, g]));

  const docs = docsById(visible.incidents);
  const zone = defaultTimeZone();
  const today = localDate(now, zone);
  const rows = followupRowsFor(visible);
  const outcomes = new Map(rows.filter((r) => r.outcome && r.factors.includes(link.factor)).map((r) => [r.key, r.outcome]));
  const hold = factorHold(visible.incidents, taxonomy, link.factor, zone);
  const holdDays = hold.latest ? Math.max(0, daysBetween(toLocalDate(hold.latest.done_at, zone), hold.recurredIn ? toLocalDate(hold.recurredIn.started_at, zone) : today)) : null;
  return {
    factor: {
      id: link.factor,
      name: link.name,
      description: link.description,
      category: { id: link.category, name: taxonomy.category(link.category)?.name ?? UNKNOWN_CATEGORY.name },
      aliases: def?.aliases ?? [],
      mergedIds: link.mergedIds,
      known: link.known,
    },
    totals: {
      incidents: link.incidents.length,
      teams: link.teams.length,
      services: link.services.length,
      firstSeen: link.firstSeen,
      lastSeen: link.lastSeen,
      recurrences: recs.incidents,
    },
    severity: link.severity,
    chart: { months, data, inWindow },
    incidents: link.incidents.slice(-FACTOR_PAGE_INCIDENTS).reverse().flatMap((i) => {
      const doc = docs.get(i.id);
      return doc ? [{ ...toRowData(doc), note: i.note }] : [];
    }),
    teams: link.teams,
    services: link.services,
    coOccurring: link.coOccurring,
    countermeasures: link.countermeasures.slice(-FACTOR_PAGE_COUNTERMEASURES).map((cm) => {
      const g = cm.status === "done" ? byCm.get(`${cm.incidentId}#${cm.id}`) : undefined;
      return {
        ...cm,
        overdue: isOverdue(cm, now),
        recurredIn: g?.recurredIn ?? [],
        recurredCount: g?.count ?? 0,
        verification: outcomes.get(`${cm.incidentId}#${cm.id}`)?.verification ?? null,
        daysWithoutRecurrence: outcomes.get(`${cm.incidentId}#${cm.id}`)?.daysWithoutRecurrence ?? null,
      };
    }),
    countermeasuresTotal: link.countermeasures.length,
    countermeasureCounts: link.countermeasureCounts,
    recurrences: recs.byCountermeasure.slice(0, FACTOR_PAGE_RECURRENCES),
    recurrencesTotal: recs.byCountermeasure.length,
    effectiveness: {
      ...factorEffectiveness(rows, link.factor),
      daysWithoutRecurrence: holdDays,
      latest: hold.latest ? { incidentId: hold.latest.incidentId, incidentTitle: hold.latest.incidentTitle, id: hold.latest.id, title: hold.latest.title, done_at: hold.latest.done_at } : null,
      recurredIn: hold.recurredIn,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// /learnings
