import "server-only";
import { visibleContent, docsById, knowledgeOf } from "../knowledge/visible";
import type { Viewer } from "../auth/viewer";
import { startedMs } from "../knowledge/facts";
import type { Recurrence } from "../knowledge/recurrence";
import type { Severity } from "../schema/incident";
import { RECURRENCE_EXAMPLES } from "./factor";
import { getStore } from "../content";
import { visibleTo } from "../search";
import { getSearchIndex } from "../search/service";
import { similarToDraft } from "../search/similar";

/** Related incidents the section lists. */
export const RELATED_SHOWN = 5;

// The incident page's "Seen before?" section.

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
  /**
   * Incidents most like this one, found by the search engine with its title, factors, summary and timeline as the
   * query; each with the factors it shares, the words it matched and the other concepts it carries.
   */
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

/** The incidents most like `doc` by the search engine, as this viewer may see them. */
async function relatedBySearch(viewer: Viewer, doc: { id: string; frontmatter: { title: string; summary: string; timeline: readonly { event: string }[] } }, factors: string[]): Promise<IncidentKnowledge["related"]> {
  const store = getStore();
  const snapshot = await store.snapshot();
  const index = await getSearchIndex(store);
  const fm = doc.frontmatter;
  const matches = similarToDraft(index, { title: fm.title, summary: fm.summary, timeline: fm.timeline.map((t) => t.event), factors }, { canSee: visibleTo(viewer, snapshot, index), exclude: doc.id, limit: RELATED_SHOWN });
  return matches.map((m) => ({ id: m.id, title: m.title, started_at: m.started_at, severity: (m.severity as Severity | null) ?? null, sharedFactors: m.sharedFactors, sharedTerms: m.matchedTerms, reasons: m.reasons }));
}

/** The "Seen before?" section of an incident page, for this viewer; null when the incident is not visible. */
export async function getIncidentKnowledge(viewer: Viewer, id: string, now = new Date()): Promise<IncidentKnowledge | null> {
  const visible = await visibleContent(viewer);
  const doc = docsById(visible.incidents).get(id);
  if (!doc) return null;
  const k = knowledgeOf(visible, now);
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
    related: await relatedBySearch(viewer, doc, ids),
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
