import type { IncidentDoc } from "../content/store";
import type { Countermeasure, Severity } from "../schema/incident";
import type { Taxonomy } from "../schema/taxonomy";

/**
 * What the knowledge model reads from an incident. Every function takes a list of these: the page layer filters the
 * snapshot's incidents with canRead first, so figures never include an incident the viewer may not see.
 */
export type KnowledgeIncident = Pick<IncidentDoc, "id" | "frontmatter"> & { body?: string };

/** Canonical factor ids of an incident (through `merged_into`), once each, with the first note given; unknown ids kept as written. */
export function incidentFactors(inc: KnowledgeIncident, taxonomy: Taxonomy): { factor: string; note: string | null }[] {
  const seen = new Map<string, { factor: string; note: string | null }>();
  for (const ref of inc.frontmatter.contributing_factors) {
    const id = taxonomy.canonicalId(ref.factor) ?? ref.factor;
    const prev = seen.get(id);
    if (!prev) seen.set(id, { factor: id, note: ref.note ?? null });
    else if (!prev.note && ref.note) prev.note = ref.note;
  }
  return [...seen.values()];
}

/**
 * Canonical factor ids a countermeasure addresses. Only the explicit `addresses` list counts: guessing from the
 * incident's factors would flag recurrences nobody claimed the countermeasure should prevent.
 */
export function addressedFactors(cm: Countermeasure, taxonomy: Taxonomy): string[] {
  return [...new Set((cm.addresses ?? []).map((f) => taxonomy.canonicalId(f) ?? f))];
}

/** "2026-03" in UTC. */
export function monthKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The last `n` month keys up to and including the month of `now`, oldest first. */
export function lastMonths(now: Date, n: number): string[] {
  const out: string[] = [];
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  for (let i = n - 1; i >= 0; i--) out.push(monthKey(Date.UTC(y, m - i, 1)));
  return out;
}

export type SeverityKey = Severity | "none";
export const SEVERITY_KEYS: readonly SeverityKey[] = ["SEV1", "SEV2", "SEV3", "SEV4", "none"];

export function severityKey(inc: KnowledgeIncident): SeverityKey {
  return inc.frontmatter.severity ?? "none";
}

export function emptySeverityMix(): Record<SeverityKey, number> {
  return { SEV1: 0, SEV2: 0, SEV3: 0, SEV4: 0, none: 0 };
}

/**
 * Memoizes `fn(list, key)` on the identity of both objects (a snapshot's incident array and its taxonomy). A list
 * filtered for one viewer is a different array, so it never shares results with another viewer's list.
 */
export function memoByList<L extends object, K extends object, R>(fn: (list: L, key: K) => R): (list: L, key: K) => R {
  const cache = new WeakMap<L, WeakMap<K, { value: R }>>();
  return (list, key) => {
    let inner = cache.get(list);
    if (!inner) {
      inner = new WeakMap();
      cache.set(list, inner);
    }
    const hit = inner.get(key);
    if (hit) return hit.value;
    const value = fn(list, key);
    inner.set(key, { value });
    return value;
  };
}

/** Counts of strings, most frequent first (ties alphabetical). */
export function countList(values: Iterable<string>): { name: string; count: number }[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
