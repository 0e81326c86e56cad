import type { CountermeasureType } from "../schema/incident";
import { addressedFactors, doneAtMs, incidentFactors, memoByList, startedAt, startedMs, type KnowledgeIncident } from "./incident-view";
import type { Taxonomy } from "./taxonomy";

/** A factor seen again in an incident that started after a countermeasure addressing it was done. */
export interface Recurrence {
  factor: string;
  factorName: string;
  countermeasure: { incidentId: string; incidentTitle: string; id: string; title: string; type: CountermeasureType; done_at: string };
  recurredIn: { incidentId: string; title: string; started_at: string };
}

function computeRecurrences(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy): Recurrence[] {
  // Done countermeasures per factor; only those with a done_at can be placed in time.
  const done = new Map<string, { inc: KnowledgeIncident; cm: Recurrence["countermeasure"]; at: number }[]>();
  for (const inc of incidents) {
    for (const cm of inc.frontmatter.countermeasures) {
      if (cm.status !== "done") continue;
      const at = doneAtMs(cm.done_at);
      if (at === null || !cm.done_at) continue;
      for (const factor of addressedFactors(cm, taxonomy)) {
        let list = done.get(factor);
        if (!list) done.set(factor, (list = []));
        list.push({
          inc,
          at,
          cm: { incidentId: inc.id, incidentTitle: inc.frontmatter.title, id: cm.id, title: cm.title, type: cm.type, done_at: cm.done_at },
        });
      }
    }
  }
  const out: Recurrence[] = [];
  for (const inc of incidents) {
    const t = startedMs(inc);
    const started = startedAt(inc);
    if (t === null || !started) continue;
    for (const { factor } of incidentFactors(inc, taxonomy)) {
      for (const d of done.get(factor) ?? []) {
        if (t <= d.at) continue;
        out.push({
          factor,
          factorName: taxonomy.get(factor)?.name ?? factor,
          countermeasure: d.cm,
          recurredIn: { incidentId: inc.id, title: inc.frontmatter.title, started_at: started },
        });
      }
    }
  }
  return out.sort(
    (a, b) =>
      Date.parse(a.recurredIn.started_at) - Date.parse(b.recurredIn.started_at) ||
      a.factor.localeCompare(b.factor) ||
      a.countermeasure.incidentId.localeCompare(b.countermeasure.incidentId) ||
      a.countermeasure.id.localeCompare(b.countermeasure.id),
  );
}

/**
 * Every (factor, done countermeasure, later incident) triple: the incident has the factor and started after the
 * countermeasure's `done_at` (a date-only done_at counts from the end of that day). Countermeasures that are not done
 * or have no done_at are never flagged. Oldest recurrence first. Memoized on the list and taxonomy identity.
 */
export const recurrences: (incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy) => Recurrence[] = memoByList(computeRecurrences);

/** Recurrences of one factor (an old merged id resolves to its current factor). */
export function recurrencesForFactor(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, factor: string): Recurrence[] {
  const id = taxonomy.canonicalId(factor) ?? factor;
  return recurrences(incidents, taxonomy).filter((r) => r.factor === id);
}

/**
 * For an incident page: where it is the recurrence (`recurred`: its factors came back despite earlier countermeasures),
 * and where its own countermeasures did not hold (`notHeld`: later incidents with the factor they addressed).
 */
export function recurrencesForIncident(
  incidents: readonly KnowledgeIncident[],
  taxonomy: Taxonomy,
  incidentId: string,
): { recurred: Recurrence[]; notHeld: Recurrence[] } {
  const all = recurrences(incidents, taxonomy);
  return {
    recurred: all.filter((r) => r.recurredIn.incidentId === incidentId),
    notHeld: all.filter((r) => r.countermeasure.incidentId === incidentId),
  };
}

/** Later incidents that had a factor this countermeasure addressed (for the countermeasure dashboard). */
export function recurrencesForCountermeasure(
  incidents: readonly KnowledgeIncident[],
  taxonomy: Taxonomy,
  incidentId: string,
  countermeasureId: string,
): Recurrence[] {
  return recurrences(incidents, taxonomy).filter((r) => r.countermeasure.incidentId === incidentId && r.countermeasure.id === countermeasureId);
}

/** Per factor id, how many distinct incidents recurred after one of its countermeasures was done. */
export function recurrenceCounts(list: readonly Recurrence[]): Map<string, number> {
  const m = new Map<string, Set<string>>();
  for (const r of list) {
    let s = m.get(r.factor);
    if (!s) m.set(r.factor, (s = new Set()));
    s.add(r.recurredIn.incidentId);
  }
  return new Map([...m].map(([k, s]) => [k, s.size]));
}
