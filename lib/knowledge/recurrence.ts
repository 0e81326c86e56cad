import type { Countermeasure, CountermeasureType } from "../schema/incident";
import { addressedFactors, incidentFactors, memoByList, type KnowledgeIncident } from "./incident-view";
import { doneAtMs, startedAt, startedMs } from "./facts";
import type { Taxonomy } from "../schema/taxonomy";
import { defaultTimeZone } from "./dates";
import { processShared } from "../process-shared";

/** A factor seen again in an incident that started after a countermeasure addressing it was done. */
export interface Recurrence {
  factor: string;
  factorName: string;
  countermeasure: { incidentId: string; incidentTitle: string; id: string; title: string; type: CountermeasureType; done_at: string };
  recurredIn: { incidentId: string; title: string; started_at: string };
}

interface DatedIncident {
  inc: KnowledgeIncident;
  t: number;
  started: string;
  /** Its canonical factor ids. */
  factors: ReadonlySet<string>;
}

interface DoneCountermeasure {
  at: number;
  cm: Recurrence["countermeasure"];
}

/**
 * Per factor: the dated incidents that have it (by start) and the done countermeasures addressing it (by done time).
 * Every recurrence question is a binary search over these two lists, so nobody has to materialize the full list of
 * (factor, countermeasure, incident) triples: that list grows with incidents × countermeasures of a factor, millions
 * for a common factor in a large knowledge base.
 */
interface RecurrenceIndex {
  incidents: Map<string, DatedIncident[]>;
  done: Map<string, DoneCountermeasure[]>;
  byId: Map<string, DatedIncident>;
  /** Incidents having every factor of a combination (key: sorted ids), filled on demand. */
  combos: Map<string, DatedIncident[]>;
}

function computeIndex(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, timeZone: string): RecurrenceIndex {
  const index: RecurrenceIndex = { incidents: new Map(), done: new Map(), byId: new Map(), combos: new Map() };
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const inc of incidents) {
    for (const cm of inc.frontmatter.countermeasures) {
      if (cm.status !== "done") continue;
      const at = doneAtMs(cm.done_at, timeZone);
      if (at === null || !cm.done_at) continue;
      const entry = { at, cm: { incidentId: inc.id, incidentTitle: inc.frontmatter.title, id: cm.id, title: cm.title, type: cm.type, done_at: cm.done_at } };
      for (const factor of addressedFactors(cm, taxonomy)) push(index.done, factor, entry);
    }
    const t = startedMs(inc);
    const started = startedAt(inc);
    if (t === null || !started) continue;
    const factors = incidentFactors(inc, taxonomy).map((f) => f.factor);
    const dated: DatedIncident = { inc, t, started, factors: new Set(factors) };
    index.byId.set(inc.id, dated);
    for (const factor of factors) push(index.incidents, factor, dated);
  }
  for (const list of index.incidents.values()) list.sort(byStart);
  for (const list of index.done.values()) list.sort((a, b) => a.at - b.at);
  return index;
}

// Shared by every bundle layer (process-shared.ts): the index the start-up warm-up builds serves the pages too.
const indexByZone = processShared("knowledge.recurrenceIndex", () =>
  memoByList((incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy) => {
    const byZone = new Map<string, RecurrenceIndex>();
    return (timeZone: string) => {
      let index = byZone.get(timeZone);
      if (!index) byZone.set(timeZone, (index = computeIndex(incidents, taxonomy, timeZone)));
      return index;
    };
  }),
);

const byStart = (a: DatedIncident, b: DatedIncident) => a.t - b.t || (a.inc.id < b.inc.id ? -1 : a.inc.id > b.inc.id ? 1 : 0);

/** The recurrence index of a visible list, memoized on the list and taxonomy, in the organization's time zone. */
function buildIndex(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, timeZone: string = defaultTimeZone()): RecurrenceIndex {
  return indexByZone(incidents, taxonomy)(timeZone);
}

/** Index of the first element for which a monotonic predicate holds (list.length when none does). */
function firstWhere<T>(list: readonly T[], pred: (x: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(list[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Incidents of a factor's list that started strictly after `at`. */
function incidentsAfter(list: readonly DatedIncident[], at: number): readonly DatedIncident[] {
  return list.slice(firstWhere(list, (o) => o.t > at));
}

function triple(factor: string, taxonomy: Taxonomy, d: DoneCountermeasure, o: DatedIncident): Recurrence {
  return {
    factor,
    factorName: taxonomy.get(factor)?.name ?? factor,
    countermeasure: d.cm,
    recurredIn: { incidentId: o.inc.id, title: o.inc.frontmatter.title, started_at: o.started },
  };
}

function byRecurrence(a: Recurrence, b: Recurrence): number {
  return (
    Date.parse(a.recurredIn.started_at) - Date.parse(b.recurredIn.started_at) ||
    a.factor.localeCompare(b.factor) ||
    a.countermeasure.incidentId.localeCompare(b.countermeasure.incidentId) ||
    a.countermeasure.id.localeCompare(b.countermeasure.id)
  );
}

function computeRecurrences(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy): Recurrence[] {
  const index = buildIndex(incidents, taxonomy);
  const out: Recurrence[] = [];
  for (const [factor, done] of index.done) {
    const list = index.incidents.get(factor) ?? [];
    for (const d of done) for (const o of incidentsAfter(list, d.at)) out.push(triple(factor, taxonomy, d, o));
  }
  return out.sort(byRecurrence);
}

/**
 * Every (factor, done countermeasure, later incident) triple: the incident has the factor and started after the
 * countermeasure's `done_at` (a date-only done_at counts from the end of that day). Countermeasures that are not done
 * or have no done_at are never flagged. Oldest recurrence first. Memoized on the list and taxonomy identity.
 * The list grows with incidents × countermeasures of each factor: pages use the per-factor, per-incident and counting
 * functions below, which never build it.
 */
export const recurrences: (incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy) => Recurrence[] = processShared("knowledge.recurrences", () => memoByList(computeRecurrences));

/** Recurrences of one factor (an old merged id resolves to its current factor). */
export function recurrencesForFactor(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, factor: string): Recurrence[] {
  const id = taxonomy.canonicalId(factor) ?? factor;
  const index = buildIndex(incidents, taxonomy);
  const list = index.incidents.get(id) ?? [];
  const out: Recurrence[] = [];
  for (const d of index.done.get(id) ?? []) for (const o of incidentsAfter(list, d.at)) out.push(triple(id, taxonomy, d, o));
  return out.sort(byRecurrence);
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
  const index = buildIndex(incidents, taxonomy);
  const recurred: Recurrence[] = [];
  const notHeld: Recurrence[] = [];
  const inc = incidents.find((i) => i.id === incidentId);
  if (!inc) return { recurred, notHeld };
  const t = startedMs(inc);
  for (const { factor } of incidentFactors(inc, taxonomy)) {
    const self = index.incidents.get(factor)?.find((o) => o.inc === inc);
    if (t === null || !self) continue;
    for (const d of index.done.get(factor) ?? []) {
      if (d.at >= t) break;
      recurred.push(triple(factor, taxonomy, d, self));
    }
  }
  for (const [factor, done] of index.done) {
    for (const d of done) {
      if (d.cm.incidentId !== incidentId) continue;
      for (const o of incidentsAfter(index.incidents.get(factor) ?? [], d.at)) notHeld.push(triple(factor, taxonomy, d, o));
    }
  }
  return { recurred: recurred.sort(byRecurrence), notHeld: notHeld.sort(byRecurrence) };
}

/** Later incidents that had a factor this countermeasure addressed (for the countermeasure dashboard). */
export function recurrencesForCountermeasure(
  incidents: readonly KnowledgeIncident[],
  taxonomy: Taxonomy,
  incidentId: string,
  countermeasureId: string,
): Recurrence[] {
  const index = buildIndex(incidents, taxonomy);
  const out: Recurrence[] = [];
  for (const [factor, done] of index.done) {
    for (const d of done) {
      if (d.cm.incidentId !== incidentId || d.cm.id !== countermeasureId) continue;
      for (const o of incidentsAfter(index.incidents.get(factor) ?? [], d.at)) out.push(triple(factor, taxonomy, d, o));
    }
  }
  return out.sort(byRecurrence);
}

const allCounts = processShared("knowledge.recurringCounts", () =>
  memoByList((incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy) => recurringIncidentCounts(incidents, taxonomy, null)),
);

/**
 * Per factor id, how many distinct incidents recurred after one of its countermeasures was done: the same figures as
 * `recurrenceCounts(recurrences(…))`, from the index (an incident recurs when it started after the earliest done
 * countermeasure addressing the factor). `inScope` limits which recurring incidents count (countermeasures done
 * before the scope still count). Memoized on the list when there is no scope.
 */
export function recurringIncidentCounts(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, inScope?: ReadonlySet<string> | null): Map<string, number> {
  if (inScope === undefined) return allCounts(incidents, taxonomy);
  const index = buildIndex(incidents, taxonomy);
  const out = new Map<string, number>();
  for (const [factor, done] of index.done) {
    const first = done[0];
    if (!first) continue;
    const list = index.incidents.get(factor) ?? [];
    const from = firstWhere(list, (o) => o.t > first.at);
    let n = list.length - from;
    if (inScope) {
      n = 0;
      for (let i = from; i < list.length; i++) if (inScope.has(list[i]?.inc.id ?? "")) n++;
    }
    if (n > 0) out.set(factor, n);
  }
  return out;
}

export interface CountermeasureRecurrence {
  countermeasure: Recurrence["countermeasure"];
  /** How many later incidents had the factor. */
  count: number;
  /** The earliest of them, at most `examples`. */
  recurredIn: Recurrence["recurredIn"][];
}

/**
 * One factor's recurrences grouped by done countermeasure, in order of each one's first recurrence, with counts and the
 * earliest examples only (the factor page), plus how many distinct incidents recurred.
 */
export function factorRecurrenceSummary(
  incidents: readonly KnowledgeIncident[],
  taxonomy: Taxonomy,
  factor: string,
  examples = 5,
): { incidents: number; byCountermeasure: CountermeasureRecurrence[] } {
  const id = taxonomy.canonicalId(factor) ?? factor;
  const index = buildIndex(incidents, taxonomy);
  const list = index.incidents.get(id) ?? [];
  const groups: (CountermeasureRecurrence & { first: DatedIncident })[] = [];
  for (const d of index.done.get(id) ?? []) {
    // Positions, not copies of the tail: a common factor has thousands of done countermeasures and later incidents.
    const at = firstWhere(list, (o) => o.t > d.at);
    const first = list[at];
    if (!first) continue;
    groups.push({
      countermeasure: d.cm,
      count: list.length - at,
      recurredIn: list.slice(at, at + examples).map((o) => ({ incidentId: o.inc.id, title: o.inc.frontmatter.title, started_at: o.started })),
      first,
    });
  }
  groups.sort(
    (a, b) =>
      Date.parse(a.first.started) - Date.parse(b.first.started) ||
      a.countermeasure.incidentId.localeCompare(b.countermeasure.incidentId) ||
      a.countermeasure.id.localeCompare(b.countermeasure.id),
  );
  const earliest = index.done.get(id)?.[0];
  return {
    incidents: earliest ? list.length - firstWhere(list, (o) => o.t > earliest.at) : 0,
    byCountermeasure: groups.map(({ countermeasure, count, recurredIn }) => ({ countermeasure, count, recurredIn })),
  };
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

/** How many later incidents a countermeasure row lists; the full number is in `count`. */
export const MAX_RECURRENCE_EXAMPLES = 5;

/** A later incident in which a factor addressed by a done countermeasure appeared again. */
export interface RecurrenceHit {
  incidentId: string;
  title: string;
  started_at: string;
  /** Canonical ids of the addressed factors that appeared in it. */
  factors: string[];
}

export interface CountermeasureRecurrenceFacts {
  /** The earliest later incidents, at most MAX_RECURRENCE_EXAMPLES. */
  hits: RecurrenceHit[];
  /** How many distinct later incidents in all. */
  count: number;
  /** The addressed factors that appeared again. */
  factors: string[];
}

const NO_RECURRENCE: CountermeasureRecurrenceFacts = { hits: [], count: 0, factors: [] };

function incidentsWithAll(index: RecurrenceIndex, combo: readonly string[]): readonly DatedIncident[] {
  if (combo.length === 1) return index.incidents.get(combo[0] ?? "") ?? [];
  const key = [...combo].sort().join("\u0000");
  let list = index.combos.get(key);
  if (!list) {
    const lists = combo.map((f) => index.incidents.get(f) ?? []).sort((a, b) => a.length - b.length);
    list = (lists[0] ?? []).filter((o) => combo.every((f) => o.factors.has(f)));
    index.combos.set(key, list);
  }
  return list;
}

/**
 * For one countermeasure row (the dashboard, the incident page's "recurred after done" badge): the later incidents,
 * other than its own, that had a factor it addresses. A common factor recurs in thousands of incidents, so the count
 * comes from binary searches and inclusion–exclusion over the per-factor lists rather than a walk per countermeasure.
 */
export function countermeasureRecurrence(
  incidents: readonly KnowledgeIncident[],
  taxonomy: Taxonomy,
  incidentId: string,
  cm: Countermeasure,
  timeZone: string = defaultTimeZone(),
): CountermeasureRecurrenceFacts {
  const factors = addressedFactors(cm, taxonomy);
  const doneAt = cm.status === "done" ? doneAtMs(cm.done_at, timeZone) : null;
  if (doneAt === null || factors.length === 0) return NO_RECURRENCE;
  const index = buildIndex(incidents, taxonomy, timeZone);
  const after = (o: DatedIncident) => o.t > doneAt;
  const own = index.byId.get(incidentId);
  const ownLater = own !== undefined && after(own);
  const tail = (list: readonly DatedIncident[]) => list.length - firstWhere(list, after);

  const recurred = factors.filter((f) => tail(incidentsWithAll(index, [f])) - (ownLater && own.factors.has(f) ? 1 : 0) > 0);
  let count = 0;
  if (factors.length <= 8) {
    for (let mask = 1; mask < 1 << factors.length; mask++) {
      const combo = factors.filter((_, i) => mask & (1 << i));
      count += (combo.length % 2 ? 1 : -1) * tail(incidentsWithAll(index, combo));
    }
    if (ownLater && factors.some((f) => own.factors.has(f))) count--;
  }

  // The earliest examples: a merge of the per-factor tails, stopped once enough are found (or, past 8 factors, where
  // inclusion–exclusion has too many terms, walked to the end to count).
  const heads = factors.map((f) => {
    const list = incidentsWithAll(index, [f]);
    return { factor: f, list, at: firstWhere(list, after) };
  });
  const hits: RecurrenceHit[] = [];
  let walked = 0;
  while (factors.length > 8 || hits.length < MAX_RECURRENCE_EXAMPLES) {
    let min: DatedIncident | undefined;
    for (const h of heads) {
      const o = h.list[h.at];
      if (o && (!min || byStart(o, min) < 0)) min = o;
    }
    if (!min) break;
    const inMin: string[] = [];
    for (const h of heads) {
      if (h.list[h.at] === min) {
        inMin.push(h.factor);
        h.at++;
      }
    }
    if (min.inc.id === incidentId) continue;
    walked++;
    if (hits.length < MAX_RECURRENCE_EXAMPLES) hits.push({ incidentId: min.inc.id, title: min.inc.frontmatter.title, started_at: min.started, factors: inMin });
  }
  return { hits, count: factors.length > 8 ? walked : count, factors: recurred };
}

/** How long a factor has gone without coming back since the latest done countermeasure addressing it. */
export interface FactorHold {
  /** The latest done countermeasure addressing the factor; null when none is done. */
  latest: Recurrence["countermeasure"] | null;
  /** The first later incident with the factor (other than the countermeasure's own), or null when it has held. */
  recurredIn: Recurrence["recurredIn"] | null;
}

/** For the factor page: did the factor come back after the latest countermeasure addressing it was done? */
export function factorHold(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, factor: string, timeZone: string = defaultTimeZone()): FactorHold {
  const id = taxonomy.canonicalId(factor) ?? factor;
  const index = buildIndex(incidents, taxonomy, timeZone);
  const done = index.done.get(id) ?? [];
  const last = done[done.length - 1];
  if (!last) return { latest: null, recurredIn: null };
  const list = index.incidents.get(id) ?? [];
  for (let i = firstWhere(list, (o) => o.t > last.at); i < list.length; i++) {
    const o = list[i];
    if (o && o.inc.id !== last.cm.incidentId) return { latest: last.cm, recurredIn: { incidentId: o.inc.id, title: o.inc.frontmatter.title, started_at: o.started } };
  }
  return { latest: last.cm, recurredIn: null };
}
