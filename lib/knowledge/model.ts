import { factorLink, factorLinks, monthlySeries, type FactorLink } from "./factor-links";
import { memoByList, type KnowledgeIncident } from "./incident-view";
import { globalLearnings, type Learning, type LearningsOptions } from "./learnings";
import { overview, type Overview } from "./overview";
import {
  factorRecurrenceSummary,
  recurrences,
  recurrencesForCountermeasure,
  recurrencesForFactor,
  recurrencesForIncident,
  recurringIncidentCounts,
  type CountermeasureRecurrence,
  type Recurrence,
} from "./recurrence";
import { suggestFactors, type FactorSuggestion, type SuggestInput, type SuggestOptions } from "./suggest";
import type { Taxonomy } from "../schema/taxonomy";
import { taxonomyCare, type TaxonomyCare } from "./taxonomy-care";
import { processShared } from "../process-shared";

export interface SnapshotLike<T extends KnowledgeIncident = KnowledgeIncident> {
  incidents: readonly T[];
  taxonomy: Taxonomy;
}

/**
 * The knowledge model over one list of incidents (already filtered for the viewer). Every method returns plain,
 * serializable data; heavy parts are computed on first use and memoized on the list's identity.
 */
export interface Knowledge {
  readonly incidents: readonly KnowledgeIncident[];
  readonly taxonomy: Taxonomy;
  readonly now: Date;
  factorLinks(): FactorLink[];
  factorLink(id: string): FactorLink | null;
  /** A factor's incidents per month for the last `months` months (sparkline data). */
  factorSparkline(id: string, months?: number): { month: string; count: number }[];
  recurrences(): Recurrence[];
  recurrencesForFactor(factor: string): Recurrence[];
  recurrencesForIncident(incidentId: string): { recurred: Recurrence[]; notHeld: Recurrence[] };
  recurrencesForCountermeasure(incidentId: string, countermeasureId: string): Recurrence[];
  /** Per factor, how many distinct incidents recurred after a countermeasure addressing it was done. */
  recurringIncidentCounts(): Map<string, number>;
  /** One factor's recurrences grouped by countermeasure, with counts and the earliest `examples` incidents. */
  factorRecurrences(factor: string, examples?: number): { incidents: number; byCountermeasure: CountermeasureRecurrence[] };
  learnings(opts?: Omit<LearningsOptions, "now">): Learning[];
  overview(opts?: { months?: number; topN?: number }): Overview;
  taxonomyCare(): TaxonomyCare;
  suggest(input: SuggestInput, opts?: SuggestOptions): FactorSuggestion[];
}

function create(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, now: Date): Knowledge {
  let overviewCache: Overview | null = null;
  let careCache: TaxonomyCare | null = null;
  return {
    incidents,
    taxonomy,
    now,
    factorLinks: () => factorLinks(incidents, taxonomy),
    factorLink: (id) => factorLink(incidents, taxonomy, id),
    factorSparkline: (id, months = 12) => monthlySeries(factorLink(incidents, taxonomy, id)?.monthly ?? [], now, months),
    recurrences: () => recurrences(incidents, taxonomy),
    recurrencesForFactor: (factor) => recurrencesForFactor(incidents, taxonomy, factor),
    recurrencesForIncident: (id) => recurrencesForIncident(incidents, taxonomy, id),
    recurrencesForCountermeasure: (id, cm) => recurrencesForCountermeasure(incidents, taxonomy, id, cm),
    recurringIncidentCounts: () => recurringIncidentCounts(incidents, taxonomy),
    factorRecurrences: (factor, examples) => factorRecurrenceSummary(incidents, taxonomy, factor, examples),
    learnings: (opts = {}) => globalLearnings(incidents, taxonomy, { ...opts, now }),
    overview: (opts) => {
      if (opts) return overview(incidents, taxonomy, now, opts);
      return (overviewCache ??= overview(incidents, taxonomy, now));
    },
    taxonomyCare: () => (careCache ??= taxonomyCare(incidents, taxonomy)),
    suggest: (input, opts) => suggestFactors(input, taxonomy, incidents, opts),
  };
}

// Shared by every bundle layer (process-shared.ts), so the model the start-up warm-up builds is the first page's.
const byDay = processShared("knowledge.model", () => memoByList<readonly KnowledgeIncident[], Taxonomy, Map<string, Knowledge>>(() => new Map()));

/**
 * The knowledge model for a snapshot-like `{ incidents, taxonomy }`. Memoized on the identity of both and on the UTC
 * day of `now` (recency and "last 12 months" only move by day), so repeated calls for one snapshot share the work.
 * Pass only incidents the viewer may read (lib/incidents.ts visibleContent filters them with canReadEntry).
 */
export function buildKnowledge(snapshot: SnapshotLike, now: Date = new Date()): Knowledge {
  const days = byDay(snapshot.incidents, snapshot.taxonomy);
  const key = now.toISOString().slice(0, 10);
  let k = days.get(key);
  if (!k) {
    // One entry per day is enough; older days are dropped so a long-running process does not accumulate them.
    days.clear();
    k = create(snapshot.incidents, snapshot.taxonomy, now);
    days.set(key, k);
  }
  return k;
}
