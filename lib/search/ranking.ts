// Ranking parameters, shared by the index (which stores each document's BM25F term weight as a flexsearch resolution
// slot, its "impact") and the query stage (which sums impacts times idf, then adds coverage and proximity).
// Field weights were tuned on the dev queries; the query-time RANKING values are the ones the k-fold tuner of
// `npm run eval:search` selects when it tunes on all folds of the dev and tests/eval queries (coverage floor 1, i.e. no
// coverage multiplier: with feedback a share of the query's weight, BM25's own sum already rewards matching more words;
// feedback 0.5 for a description and 1 for a question, concepts 0.5; proximity 0: it ties with 1 on all queries, the
// folds pick either, and 0 skips the re-rank; associations 0 — on the
// imported corpus factors are assigned from seven coarse categories, so "carries the factor" is weak evidence there;
// authored factors are not).
// The held-out figure the eval prints is the one to quote: every fold's parameters are chosen without that fold.
// No rule names a query, company or document.

/** BM25F weight per field: title, summary, body, factors, countermeasures, services, teams, tags, company, dates. */
export const FIELD_WEIGHT: readonly number[] = [3, 1.5, 1, 0.5, 0.7, 1.5, 1, 1.5, 2, 1.2];
/** BM25 length normalization per field. */
export const FIELD_B: readonly number[] = [0.5, 0.2, 0.75, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3];
export const K1 = 1.2;
/**
 * Average field lengths (tokens) used when no document is readable by every viewer, so a knowledge base of restricted
 * incidents only still gets length normalization: the averages of the sample knowledge base (18 incidents).
 */
export const FALLBACK_AVG_LEN: readonly number[] = [13, 110, 540, 78, 53, 4.5, 1, 6.5, 1, 2];

/**
 * Impact levels: a term's saturated BM25F weight in a document, tf·(k1+1)/(tf+k1) over the field-weighted,
 * length-normalized frequencies, lies in [0, k1+1); it is quantized linearly into this many flexsearch resolution
 * slots, slot 0 the strongest. Quantizing is what Lucene does with its one-byte norms: 24 levels keep every step near
 * 4% of the maximum (16, 24 and 48 levels rank the dev queries the same) while each level costs flexsearch an array
 * per term (48 levels: +6 MB at 10k incidents).
 */
export const IMPACT_LEVELS = 24;
const SAT_MAX = K1 + 1;

/** The slot of a saturated weight (0 = strongest). */
export function impactSlot(x: number): number {
  const sat = (x * SAT_MAX) / (x + K1);
  const slot = Math.floor((1 - sat / SAT_MAX) * IMPACT_LEVELS);
  return slot < 0 ? 0 : slot >= IMPACT_LEVELS ? IMPACT_LEVELS - 1 : slot;
}

/** The saturated weight a slot stands for (the middle of its range). */
export const SLOT_WEIGHT: Float64Array = Float64Array.from({ length: IMPACT_LEVELS }, (_, b) => SAT_MAX * (1 - (b + 0.5) / IMPACT_LEVELS));

export const RANKING = {
  /** How strongly matching more of the query's (idf-weighted) terms is rewarded. */
  coveragePower: 2,
  coverageFloor: 1,
  /** Weight of query-term pairs found near each other, relative to one term's idf. */
  proximityWeight: 0,
  proximityWindow: 3,
  /** How many of the best documents get the proximity re-rank. */
  proximityDocs: 50,
  /** Weight of words completing the last, still-typed word. */
  prefixWeight: 0.6,
  /** Weight of typo-corrected words by edit distance. */
  typoWeight: [1, 0.7, 0.5],
  /** Pseudo-relevance feedback for longer queries: weight, documents read, terms added, fewest query words. */
  feedbackWeight: 0.5,
  /** The same for a query phrased as a question (feedback.ts isQuestion): its words are the asker's, not the reports'. */
  questionFeedbackWeight: 1,
  feedbackDocs: 5,
  feedbackTerms: 30,
  /** Four or more words: three-word queries rank the dev set the same with or without it, and it is their cost. */
  feedbackMinWords: 4,
  /** Boost of incidents carrying a factor, service, team or severity the query names, per unit of the value's idf. */
  conceptWeight: 0.5,
  /** Weight of a named factor's name and alias words joining the query (bonus terms, relative to a query word). */
  expansionWeight: 0,
  /** Match quality a named factor needs before its aliases join the query. */
  expansionMinQuality: 0.8,
  /** Boost of incidents carrying a factor the query's words are associated with (PMI over the indexed incidents). */
  associationWeight: 0,
  /** Idf-weighted mean positive PMI a factor needs over the query's terms to be inferred. */
  associationThreshold: 0.6,
  /** Terms in more than this share of the incidents say nothing about a factor. */
  associationMaxShare: 0.2,
  /** Factors inferred per query, at most. */
  associationFactors: 2,
  /** Content words a query needs before associations are looked at (short queries name what they mean). */
  associationMinWords: 3,
};

/** BM25's idf of a term in `df` of `live` documents (the "+1" keeps it positive for words in most documents). */
export function idf(live: number, df: number): number {
  return Math.log(1 + (live - df + 0.5) / (df + 0.5));
}

/** Score multiplier for the share `c` (0..1) of the query's importance a document matches. */
export function coverageFactor(c: number): number {
  return RANKING.coverageFloor + (1 - RANKING.coverageFloor) * Math.pow(c < 1 ? c : 1, RANKING.coveragePower);
}
