import { performance } from "node:perf_hooks";
import type { CountermeasureStatus, CountermeasureType, IncidentFrontmatter, Severity } from "../schema/incident";
import { addressedFactors, countList, emptySeverityMix, incidentFactors, lastMonths, memoByList, monthKey, severityKey, type KnowledgeIncident, type SeverityKey } from "./incident-view";
import { startedAt, startedMs } from "./facts";
import type { Taxonomy } from "../schema/taxonomy";
import { processShared } from "../process-shared";

export interface FactorIncident {
  id: string;
  title: string;
  started_at: string | null;
  severity: Severity | null;
  kind: IncidentFrontmatter["kind"];
  teams: string[];
  services: string[];
  /** The incident's note on this factor. */
  note: string | null;
}

export interface FactorCountermeasure {
  incidentId: string;
  incidentTitle: string;
  id: string;
  title: string;
  type: CountermeasureType;
  owner: string;
  due: string;
  status: CountermeasureStatus;
  done_at: string | null;
}

export interface FactorCoOccurrence {
  factor: string;
  name: string;
  /** Incidents having both factors. */
  count: number;
  /** P(A and B) / (P(A) P(B)): above 1 means they meet more often than two independent factors would. */
  lift: number;
  /** |A and B| / |A or B|. */
  jaccard: number;
}

export interface CountermeasureCounts {
  done: number;
  /** open or in-progress */
  open: number;
  wontDo: number;
}

/** Everything known about one factor over a list of incidents; plain data, ready to serialize. */
export interface FactorLink {
  factor: string;
  name: string;
  category: string;
  description: string;
  /** False for an id used by incidents but missing from the taxonomy. */
  known: boolean;
  /** Old ids merged into this factor, whose uses count here. */
  mergedIds: string[];
  /** Oldest first; undated incidents last. */
  incidents: FactorIncident[];
  teams: { name: string; count: number }[];
  services: { name: string; count: number }[];
  severity: Record<SeverityKey, number>;
  /** Months with at least one incident, oldest first (see monthlySeries for a fixed window). */
  monthly: { month: string; count: number }[];
  firstSeen: string | null;
  lastSeen: string | null;
  countermeasures: FactorCountermeasure[];
  countermeasureCounts: CountermeasureCounts;
  /** Ranked by lift, then count; only pairs seen in at least two incidents. */
  coOccurring: FactorCoOccurrence[];
}

/** Minimum number of shared incidents before a co-occurrence is reported: one shared incident is an anecdote. */
export const MIN_CO_SUPPORT = 2;

function byStart(a: KnowledgeIncident, b: KnowledgeIncident): number {
  const ta = startedMs(a);
  const tb = startedMs(b);
  if (ta === null || tb === null) return ta === null ? (tb === null ? a.id.localeCompare(b.id) : 1) : -1;
  return ta - tb || a.id.localeCompare(b.id);
}

/** Counts of factors and of factor pairs, one incident at a time; `result` ranks each factor's partners by lift. */
function coOccurrenceCounter(taxonomy: Taxonomy) {
  let n = 0;
  const single = new Map<string, number>();
  const pair = new Map<string, Map<string, number>>();
  return {
    add(ids: readonly string[]) {
      n++;
      for (const a of ids) {
        single.set(a, (single.get(a) ?? 0) + 1);
        for (const b of ids) {
          if (a === b) continue;
          let m = pair.get(a);
          if (!m) pair.set(a, (m = new Map()));
          m.set(b, (m.get(b) ?? 0) + 1);
        }
      }
    },
    result(minSupport: number): Map<string, FactorCoOccurrence[]> {
      const out = new Map<string, FactorCoOccurrence[]>();
      for (const [a, m] of pair) {
        const na = single.get(a) ?? 0;
        const list: FactorCoOccurrence[] = [];
        for (const [b, count] of m) {
          if (count < minSupport) continue;
          const nb = single.get(b) ?? 0;
          list.push({
            factor: b,
            name: taxonomy.get(b)?.name ?? b,
            count,
            lift: round((count * n) / (na * nb)),
            jaccard: round(count / (na + nb - count)),
          });
        }
        list.sort((x, y) => y.lift - x.lift || y.count - x.count || x.factor.localeCompare(y.factor));
        out.set(a, list);
      }
      return out;
    },
  };
}

/** Co-occurring factors per factor, by lift with a minimum support of `minSupport` shared incidents. */
export function coOccurrences(
  incidents: readonly KnowledgeIncident[],
  taxonomy: Taxonomy,
  minSupport = MIN_CO_SUPPORT,
): Map<string, FactorCoOccurrence[]> {
  const counter = coOccurrenceCounter(taxonomy);
  for (const inc of incidents) counter.add(incidentFactors(inc, taxonomy).map((f) => f.factor));
  return counter.result(minSupport);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Builds the factor links of a list a slice of incidents at a time: `step(n)` goes through the next `n` incidents and
 * gives the links once every incident is in (null before), so a background build lets requests in between slices and
 * a request that needs the links finishes what the background started.
 */
interface FactorLinksBuilder {
  step(incidents: number): FactorLink[] | null;
}

function factorLinksBuilder(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy): FactorLinksBuilder {
  const links = new Map<string, FactorLink>();
  const ensure = (id: string): FactorLink => {
    let link = links.get(id);
    if (!link) {
      const f = taxonomy.get(id);
      link = {
        factor: id,
        name: f?.name ?? id,
        category: f?.category ?? "unknown",
        description: f?.description ?? "",
        known: !!f,
        mergedIds: taxonomy.factors.filter((x) => x.merged_into && x.id !== id && taxonomy.canonicalId(x.id) === id).map((x) => x.id),
        incidents: [],
        teams: [],
        services: [],
        severity: emptySeverityMix(),
        monthly: [],
        firstSeen: null,
        lastSeen: null,
        countermeasures: [],
        countermeasureCounts: { done: 0, open: 0, wontDo: 0 },
        coOccurring: [],
      };
      links.set(id, link);
    }
    return link;
  };
  for (const f of taxonomy.active) ensure(f.id);

  let sorted: KnowledgeIncident[] | null = null;
  let next = 0;
  let done: FactorLink[] | null = null;
  const co = coOccurrenceCounter(taxonomy);
  const add = (inc: KnowledgeIncident) => {
    const fm = inc.frontmatter;
    const own = incidentFactors(inc, taxonomy);
    for (const { factor, note } of own) {
      const link = ensure(factor);
      link.incidents.push({
        id: inc.id,
        title: fm.title,
        started_at: startedAt(inc),
        severity: fm.severity ?? null,
        kind: fm.kind,
        teams: fm.teams,
        services: fm.services,
        note,
      });
      link.severity[severityKey(inc)]++;
    }
    co.add(own.map((f) => f.factor));
    for (const cm of fm.countermeasures) {
      for (const factor of addressedFactors(cm, taxonomy)) {
        const link = ensure(factor);
        link.countermeasures.push({
          incidentId: inc.id,
          incidentTitle: fm.title,
          id: cm.id,
          title: cm.title,
          type: cm.type,
          owner: cm.owner,
          due: cm.due,
          status: cm.status,
          done_at: cm.done_at ?? null,
        });
        if (cm.status === "done") link.countermeasureCounts.done++;
        else if (cm.status === "wont-do") link.countermeasureCounts.wontDo++;
        else link.countermeasureCounts.open++;
      }
    }
  };
  const finish = (): FactorLink[] => {
    const pairs = co.result(MIN_CO_SUPPORT);
    for (const link of links.values()) {
      link.teams = countList(link.incidents.flatMap((i) => i.teams));
      link.services = countList(link.incidents.flatMap((i) => i.services));
      const months = new Map<string, number>();
      for (const i of link.incidents) {
        if (!i.started_at) continue;
        const k = monthKey(Date.parse(i.started_at));
        months.set(k, (months.get(k) ?? 0) + 1);
      }
      link.monthly = [...months].map(([month, count]) => ({ month, count })).sort((a, b) => a.month.localeCompare(b.month));
      const dated = link.incidents.filter((i) => i.started_at);
      link.firstSeen = dated[0]?.started_at ?? null;
      link.lastSeen = dated.at(-1)?.started_at ?? null;
      link.coOccurring = pairs.get(link.factor) ?? [];
    }
    return [...links.values()].sort((a, b) => b.incidents.length - a.incidents.length || a.factor.localeCompare(b.factor));
  };
  return {
    step(count) {
      if (done) return done;
      // The sort is the first slice's work: every later slice walks the list oldest first.
      sorted ??= [...incidents].sort(byStart);
      const end = Math.min(sorted.length, next + count);
      for (; next < end; next++) add(sorted[next] as KnowledgeIncident);
      if (next < sorted.length) return null;
      done = finish();
      return done;
    },
  };
}

/** Builds under way in the background (factorLinksInSteps), by list and taxonomy: a request finishes them. */
const linksUnderWay = processShared("knowledge.factorLinksUnderWay", () => new WeakMap<readonly KnowledgeIncident[], { taxonomy: Taxonomy; builder: FactorLinksBuilder }>());

/** The taxonomy each list's links were last computed for (factorLinksInSteps skips a list whose links are memoized). */
const linksBuilt = processShared("knowledge.factorLinksBuilt", () => new WeakMap<readonly KnowledgeIncident[], Taxonomy>());

function computeFactorLinks(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy): FactorLink[] {
  linksBuilt.set(incidents, taxonomy);
  const started = linksUnderWay.get(incidents);
  const builder = started?.taxonomy === taxonomy ? started.builder : factorLinksBuilder(incidents, taxonomy);
  if (started?.taxonomy === taxonomy) linksUnderWay.delete(incidents);
  return builder.step(Infinity) ?? [];
}

/**
 * Links for every active factor (and every unknown id in use), most used first. Merged ids count under the factor
 * they were merged into. Memoized on the identity of the list and the taxonomy.
 */
export const factorLinks: (incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy) => FactorLink[] = processShared("knowledge.factorLinks", () => memoByList(computeFactorLinks));

const linkIndex = processShared("knowledge.factorLinkIndex", () =>
  memoByList((incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy) => new Map(factorLinks(incidents, taxonomy).map((l) => [l.factor, l]))),
);

/** One factor's link; an old merged id resolves to the factor it was merged into; null for an id nobody knows. */
export function factorLink(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, id: string): FactorLink | null {
  return linkIndex(incidents, taxonomy).get(taxonomy.canonicalId(id) ?? id) ?? null;
}

/** Counts for the last `months` months up to `now` (zeros included), oldest first: a sparkline's data. */
export function monthlySeries(monthly: readonly { month: string; count: number }[], now: Date, months = 12): { month: string; count: number }[] {
  const counts = new Map(monthly.map((m) => [m.month, m.count]));
  return lastMonths(now, months).map((month) => ({ month, count: counts.get(month) ?? 0 }));
}

/**
 * Builds factorLinks(incidents, taxonomy) in slices of about `sliceMs` (`chunk` incidents at a time, at least one
 * chunk) with `pause()` awaited before each (the start-up warm-up: requests are served between slices). A request
 * that needs the links meanwhile finishes the build itself; this then stops. Resolves once the links are memoized.
 */
export async function factorLinksInSteps(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, pause: () => Promise<unknown>, { sliceMs = 10, chunk = 64 } = {}): Promise<void> {
  if (linksUnderWay.has(incidents) || linksBuilt.get(incidents) === taxonomy) return;
  const entry = { taxonomy, builder: factorLinksBuilder(incidents, taxonomy) };
  linksUnderWay.set(incidents, entry);
  for (;;) {
    await pause();
    if (linksUnderWay.get(incidents) !== entry) return;
    const until = performance.now() + sliceMs;
    let links = entry.builder.step(chunk);
    while (!links && performance.now() < until) links = entry.builder.step(chunk);
    if (links) break;
  }
  // The memo takes the finished links from the builder (computeFactorLinks), so both paths memoize the same array.
  factorLinks(incidents, taxonomy);
}
