import "server-only";
import { z } from "zod";
import type { Viewer } from "../auth/viewer";
import type { IncidentDoc } from "../content";
import { toRowData, type IncidentRowData } from "./incident-row";
import { visibleContent, type VisibleContent } from "../knowledge/visible";
import type { CountermeasureCounts, FactorCoOccurrence, FactorCountermeasure } from "../knowledge/factor-links";
import { emptySeverityMix, lastMonths, monthKey, type SeverityKey } from "../knowledge/incident-view";
import { isOverdue, startedMs } from "../knowledge/facts";
import type { Learning } from "../knowledge/learnings";
import { buildKnowledge, type Knowledge } from "../knowledge/model";
import type { Recurrence } from "../knowledge/recurrence";
import type { TaxonomyCare } from "../knowledge/taxonomy-care";
import { ID_PATTERN } from "../schema/common";
import type { Severity } from "../schema/incident";

// The page-data layer of /factors, /factors/[id], /learnings, the incident page's "Seen before?" section and the
// suggestion API. Every function starts from visibleContent(viewer): the model is built over the incidents this viewer
// may read, so counts, charts and recurrences never include a restricted incident the viewer cannot open.

/** The knowledge model over what this viewer may see (buildKnowledge memoizes on the visible list's identity). */
function knowledgeFor(visible: VisibleContent, now: Date): Knowledge {
  return buildKnowledge({ incidents: visible.incidents, taxonomy: visible.snapshot.taxonomy }, now);
}

const docIndex = new WeakMap<readonly IncidentDoc[], Map<string, IncidentDoc>>();

function docsById(incidents: readonly IncidentDoc[]): Map<string, IncidentDoc> {
  let m = docIndex.get(incidents);
  if (!m) docIndex.set(incidents, (m = new Map(incidents.map((i) => [i.id, i]))));
  return m;
}

const UNKNOWN_CATEGORY = { id: "unknown", name: "Not in the taxonomy", description: "Ids used by incidents that factors.yml does not define: add them or fix the incidents." };

// ---------------------------------------------------------------------------------------------------------------------
// /factors

export const FACTOR_SORTS = ["incidents", "teams", "recency", "name"] as const;
export type FactorSort = (typeof FACTOR_SORTS)[number];

/** The `?sort=` of /factors; anything else falls back to the default. */
export function parseFactorSort(v: unknown): FactorSort {
  return z.enum(FACTOR_SORTS).catch("incidents").parse(Array.isArray(v) ? v[0] : v);
}

export interface FactorSummary {
  id: string;
  name: string;
  description: string;
  known: boolean;
  incidents: number;
  teams: string[];
  lastSeen: string | null;
  /** Incidents per month, last 12 months, oldest first. */
  sparkline: { month: string; count: number }[];
  /** Distinct incidents that had this factor after a countermeasure addressing it was done. */
  recurrences: number;
}

export interface FactorsIndexData {
  sort: FactorSort;
  categories: { id: string; name: string; description: string; incidents: number; factors: FactorSummary[] }[];
  totals: { factors: number; used: number; crossTeam: number; recurred: number };
  care: TaxonomyCare;
}

const time = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);

const factorOrder: Record<FactorSort, (a: FactorSummary, b: FactorSummary) => number> = {
  incidents: (a, b) => b.incidents - a.incidents || b.teams.length - a.teams.length || a.name.localeCompare(b.name),
  teams: (a, b) => b.teams.length - a.teams.length || b.incidents - a.incidents || a.name.localeCompare(b.name),
  recency: (a, b) => time(b.lastSeen) - time(a.lastSeen) || a.name.localeCompare(b.name),
  name: (a, b) => a.name.localeCompare(b.name),
};

/** /factors: every factor by category with counts, teams, a 12-month sparkline and the recurrence flag; taxonomy care. */
export async function getFactorsIndex(viewer: Viewer, sort: FactorSort = "incidents", now = new Date()): Promise<FactorsIndexData> {
  const visible = await visibleContent(viewer);
  const k = knowledgeFor(visible, now);
  const rec = k.recurringIncidentCounts();
  const byCategory = new Map<string, FactorSummary[]>();
  for (const link of k.factorLinks()) {
    const list = byCategory.get(link.category) ?? [];
    byCategory.set(link.category, list);
    list.push({
      id: link.factor,
      name: link.name,
      description: link.description,
      known: link.known,
      incidents: link.incidents.length,
      teams: link.teams.map((t) => t.name),
      lastSeen: link.lastSeen,
      sparkline: k.factorSparkline(link.factor, 12),
      recurrences: rec.get(link.factor) ?? 0,
    });
  }
  const cats = [...k.taxonomy.categories, ...(byCategory.has(UNKNOWN_CATEGORY.id) ? [UNKNOWN_CATEGORY] : [])];
  const categories = cats
    .map((c) => {
      const factors = (byCategory.get(c.id) ?? []).sort(factorOrder[sort]);
      // Incidents with several factors of one category count once for it.
      const incidents = new Set(factors.flatMap((f) => k.factorLink(f.id)?.incidents.map((i) => i.id) ?? [])).size;
      return { id: c.id, name: c.name, description: c.description, incidents, factors };
    })
    .filter((c) => c.factors.length > 0);
  const all = categories.flatMap((c) => c.factors);
  return {
    sort,
    categories,
    totals: {
      factors: all.length,
      used: all.filter((f) => f.incidents > 0).length,
      crossTeam: all.filter((f) => f.teams.length > 1).length,
      recurred: all.filter((f) => f.recurrences > 0).length,
    },
    care: k.taxonomyCare(),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// /factors/[id]

export interface FactorCountermeasureView extends FactorCountermeasure {
  overdue: boolean;
  /** Later incidents that had the factor although this countermeasure was done (the earliest few). */
  recurredIn: { incidentId: string; title: string; started_at: string }[];
  /** How many later incidents had it in all. */
  recurredCount: number;
}

// A common factor in a large knowledge base has thousands of incidents and countermeasures: the page shows the newest
// ones and links to the filtered lists for the rest, so its size does not grow with the knowledge base.
/** Incidents listed on a factor page (newest first); the incident list filtered by the factor has them all. */
export const FACTOR_PAGE_INCIDENTS = 50;
/** Countermeasures listed on a factor page (the newest incidents'); the dashboard filtered by the factor has them all. */
export const FACTOR_PAGE_COUNTERMEASURES = 100;
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
  const k = knowledgeFor(visible, now);
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
      };
    }),
    countermeasuresTotal: link.countermeasures.length,
    countermeasureCounts: link.countermeasureCounts,
    recurrences: recs.byCountermeasure.slice(0, FACTOR_PAGE_RECURRENCES),
    recurrencesTotal: recs.byCountermeasure.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// /learnings

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v === "" ? undefined : v);

export const learningsFilterSchema = z.object({
  category: z.preprocess(first, z.string().max(100).optional()).catch(undefined),
  team: z.preprocess(first, z.string().max(100).optional()).catch(undefined),
  from: z.preprocess(first, day.optional()).catch(undefined),
  to: z.preprocess(first, day.optional()).catch(undefined),
});
export type LearningsFilters = z.infer<typeof learningsFilterSchema>;

/** The /learnings filters from the URL's search params; invalid values are dropped. */
export function parseLearningsFilters(params: Record<string, string | string[] | undefined>): LearningsFilters {
  return learningsFilterSchema.parse(params);
}

export interface LearningsPageData {
  filters: LearningsFilters;
  learnings: Learning[];
  options: { categories: { id: string; name: string }[]; teams: string[] };
  categoryNames: Record<string, string>;
}

/** /learnings: the global learnings ranking (cross-team first) for this viewer, filtered by category, team and period. */
export async function getLearnings(viewer: Viewer, filters: LearningsFilters, now = new Date()): Promise<LearningsPageData> {
  const visible = await visibleContent(viewer);
  const k = knowledgeFor(visible, now);
  const teams = new Map<string, number>();
  for (const i of visible.incidents) for (const t of i.frontmatter.teams) teams.set(t, (teams.get(t) ?? 0) + 1);
  const categories = k.taxonomy.categories.map((c) => ({ id: c.id, name: c.name }));
  return {
    filters,
    learnings: k.learnings({ category: filters.category, team: filters.team, from: filters.from, to: filters.to }),
    options: { categories, teams: [...teams.keys()].sort((a, b) => a.localeCompare(b)) },
    categoryNames: Object.fromEntries(categories.map((c) => [c.id, c.name])),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Incident page: "Seen before?"

export interface IncidentKnowledge {
  incidentId: string;
  factors: {
    id: string;
    name: string;
    /** Other incidents with this factor that started before this one. */
    before: number;
    /** Teams of those earlier incidents. */
    teams: string[];
    /** Every other incident with this factor, before or after. */
    others: number;
    /** The most recent earlier incident with this factor. */
    last: { id: string; title: string; started_at: string | null } | null;
  }[];
  related: { id: string; title: string; started_at: string | null; severity: Severity | null; sharedFactors: { factor: string; name: string }[]; sharedTerms: string[]; reasons: string[] }[];
  /**
   * Done countermeasures of earlier incidents whose addressed factors this incident had again, one entry per
   * countermeasure: the INCIDENT_RECURRED_SHOWN most recently done ones (recurredTotal has the number).
   */
  recurred: { countermeasure: { incidentId: string; incidentTitle: string; id: string; title: string; done_at: string }; factors: { id: string; name: string }[] }[];
  recurredTotal: number;
  /**
   * This incident's own done countermeasures followed by an addressed factor in later incidents, one entry per
   * countermeasure; `recurredIn` names the earliest RECURRENCE_EXAMPLES of `recurredCount` later incidents.
   */
  notHeld: { countermeasure: { id: string; title: string; done_at: string }; factors: { id: string; name: string }[]; recurredIn: { incidentId: string; title: string; started_at: string }[]; recurredCount: number }[];
}

/** Countermeasures named in an incident's "seen again after a countermeasure" notice. */
export const INCIDENT_RECURRED_SHOWN = 5;

/** Recurrences grouped by countermeasure (one countermeasure often addresses several factors), in first-seen order. */
function byCountermeasure(list: readonly Recurrence[]) {
  const groups = new Map<string, { countermeasure: Recurrence["countermeasure"]; factors: { id: string; name: string }[]; recurredIn: Recurrence["recurredIn"][]; seen: Set<string> }>();
  for (const r of list) {
    const key = `${r.countermeasure.incidentId}#${r.countermeasure.id}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { countermeasure: r.countermeasure, factors: [], recurredIn: [], seen: new Set() }));
    if (!g.factors.some((f) => f.id === r.factor)) g.factors.push({ id: r.factor, name: r.factorName });
    // A set, not a scan of recurredIn: a countermeasure of a common factor can be followed by thousands of incidents.
    if (!g.seen.has(r.recurredIn.incidentId)) {
      g.seen.add(r.recurredIn.incidentId);
      g.recurredIn.push(r.recurredIn);
    }
  }
  return [...groups.values()];
}

/** The `n` most recently done of a list, in the list's order. */
function latestDone<T extends { countermeasure: { done_at: string } }>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  const keep = new Set([...list].sort((a, b) => Date.parse(b.countermeasure.done_at) - Date.parse(a.countermeasure.done_at)).slice(0, n));
  return list.filter((g) => keep.has(g));
}

/** The "Seen before?" section of an incident page, for this viewer; null when the incident is not visible. */
export async function getIncidentKnowledge(viewer: Viewer, id: string, now = new Date()): Promise<IncidentKnowledge | null> {
  const visible = await visibleContent(viewer);
  const doc = docsById(visible.incidents).get(id);
  if (!doc) return null;
  const k = knowledgeFor(visible, now);
  const { taxonomy } = k;
  const myStart = startedMs(doc);
  const ids = [...new Set(doc.frontmatter.contributing_factors.map((c) => taxonomy.canonicalId(c.factor) ?? c.factor))];
  const factors = ids.map((f) => {
    const link = k.factorLink(f);
    const others = (link?.incidents ?? []).filter((i) => i.id !== id);
    const before = myStart === null ? [] : others.filter((i) => i.started_at !== null && Date.parse(i.started_at) < myStart);
    const last = before.at(-1);
    return {
      id: f,
      name: link?.name ?? taxonomy.get(f)?.name ?? f,
      before: before.length,
      teams: [...new Set(before.flatMap((i) => i.teams))].sort((a, b) => a.localeCompare(b)),
      others: others.length,
      last: last ? { id: last.id, title: last.title, started_at: last.started_at } : null,
    };
  });
  const { recurred, notHeld } = k.recurrencesForIncident(id);
  const recurredGroups = byCountermeasure(recurred);
  return {
    incidentId: id,
    factors,
    related: k.related(id).map((r) => ({ id: r.id, title: r.title, started_at: r.started_at, severity: r.severity, sharedFactors: r.sharedFactors, sharedTerms: r.sharedTerms, reasons: r.reasons })),
    recurred: latestDone(recurredGroups, INCIDENT_RECURRED_SHOWN).map((g) => ({ countermeasure: g.countermeasure, factors: g.factors })),
    recurredTotal: recurredGroups.length,
    notHeld: byCountermeasure(notHeld).map((g) => ({
      countermeasure: { id: g.countermeasure.id, title: g.countermeasure.title, done_at: g.countermeasure.done_at },
      factors: g.factors,
      recurredIn: g.recurredIn.slice(0, RECURRENCE_EXAMPLES),
      recurredCount: g.recurredIn.length,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// /api/factors/suggest

export const MAX_SUGGEST_TEXT = 5000;

export interface SuggestedFactor {
  factor: string;
  name: string;
  category: string;
  confidence: number;
  reasons: string[];
}

/** Factor suggestions for free text, using the past incidents this viewer may read as evidence. */
export async function suggestFactorsFor(viewer: Viewer, text: string, now = new Date()): Promise<SuggestedFactor[]> {
  const visible = await visibleContent(viewer);
  const k = knowledgeFor(visible, now);
  return k.suggest(text).map((s) => ({ factor: s.factor, name: s.name, category: k.taxonomy.get(s.factor)?.category ?? UNKNOWN_CATEGORY.id, confidence: s.confidence, reasons: s.reasons }));
}
