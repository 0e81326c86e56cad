// Query execution. Candidate retrieval is flexsearch's: each query term's postings come back grouped by impact slot
// (the document's BM25F weight for that term, fixed at index time), so scoring a posting is one multiplication by the
// term's idf. On top of that Kaizen's own stage: query-term coverage, required phrases checked on token sequences, a
// proximity re-rank of the best documents, recency as the tie-breaker, facets and snippets. Visibility and filters are
// applied to every posting before it is scored, so restricted documents never reach scores, totals or facets; totals
// and facets are exact (every matching visible document is counted, not just the ranked head). Everything else a query
// reads from the index (idf, the document count, the vocabulary behind prefixes, typos and "did you mean", facet values,
// feedback terms) comes from the viewer's IndexView, so a viewer gets exactly the response of an index built without
// the incidents they may not read; ties are broken by id, never by a slot number that hidden documents shift.
import { associatedFactors, boostConcepts } from "./concepts";
import { countFacets, emptyFacets, listFacets, type Facets } from "./facet-count";
import { feedback, isQuestion } from "./feedback";
import { compileFilters } from "./filters";
import type { IndexView } from "./index-view";
import { didYouMean, planQuery, type Group, type Plan, type TermRef } from "./plan";
import { proximityRerank } from "./proximity";
import { isBlank, parseQuery, type ParsedQuery } from "./query";
import { RANKING, SLOT_WEIGHT, coverageFactor, idf } from "./ranking";
import { toResult, type SearchResult } from "./results";
import { SlotState, admit, beginQuery, classify, enter, scratchFor, type Ctx } from "./scratch";
import type { PhrasePattern, SearchIndex } from "./search-index";
import { byScoreThenRecency, topK } from "./top-k";
import { hiddenSlotsOf } from "./slot-visibility";

export { RANKING } from "./ranking";
export type { Facets } from "./facet-count";
export type { SearchResult } from "./results";

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /**
   * Whether the viewer may see an incident; documents it rejects are dropped before scoring and counting, and left out
   * of every statistic. Like canRead it may reject restricted incidents, or every incident: only restricted ones are
   * asked about unless it rejects an internal one (then all are).
   */
  canSee?: (id: string) => boolean;
  /** Also match the last word as a prefix while it is still being typed (search-as-you-type); `word*` always does. */
  prefixLast?: boolean;
  /**
   * Values listed per facet, most frequent first (default 50). Counts are always over every matching visible document;
   * only the long tail of rare values (a corpus can have a thousand tags) is left out of the listing.
   */
  facetLimit?: number;
}

export interface SearchResponse {
  total: number;
  results: SearchResult[];
  facets: Facets;
  didYouMean?: string;
  errors: string[];
}

const MAX_LIMIT = 200;
const FACET_LIMIT = 50;

/** Runs a query against the index. Never throws for bad input: problems come back in `errors`. */
export function search(index: SearchIndex, query: string | ParsedQuery, opts: SearchOptions = {}): SearchResponse {
  const q = typeof query === "string" ? parseQuery(query) : query;
  const raw = typeof query === "string" ? query : q.words.map((w) => w.text).join(" ");
  const limit = Math.max(0, Math.min(MAX_LIMIT, Math.floor(opts.limit ?? 20)));
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  const errors = [...q.errors];
  if (errors.length > 0) return none(errors);

  const view = viewFor(index, opts.canSee);
  const filter = compileFilters(index, view, q, errors);
  if (errors.length > 0 || filter === null) return none(errors);

  const plan = planQuery(view, q, opts.prefixLast === true);
  if (plan.impossible) return { ...none(errors), didYouMean: didYouMean(raw, plan) };
  const sc = scratchFor(index);
  // Scratch arrays are shared between queries; a slot's entries count only when its epoch is this query's.
  beginQuery(sc);
  const facetLimit = Math.max(0, Math.floor(opts.facetLimit ?? FACET_LIMIT));
  // A predicate that names the slots it hides for this index is answered from the view (the same slots), per slot.
  const exact = opts.canSee !== undefined && hiddenSlotsOf(opts.canSee, index) !== undefined;
  const unfiltered = filter.want === null && filter.after === undefined && filter.before === undefined;
  const ctx: Ctx = { index, view, sc, canSee: exact ? undefined : opts.canSee, hidden: exact && view.hidden.length > 0, filter, plain: (!opts.canSee || (exact && view.hidden.length === 0)) && unfiltered, facetLimit };
  return run(ctx, q, plan, raw, limit, offset, errors);
}

function none(errors: string[]): SearchResponse {
  return { total: 0, results: [], facets: emptyFacets(), errors };
}

/**
 * The index as this viewer may use it. Only restricted slots are asked about, unless the predicate rejects an internal
 * incident (no viewer): then every slot is.
 */
function viewFor(index: SearchIndex, canSee: ((id: string) => boolean) | undefined): IndexView {
  if (!canSee) return index.view();
  const known = hiddenSlotsOf(canSee, index);
  if (known) return index.view(known);
  const hidden: number[] = [];
  const meta = index.meta;
  let probe = 0;
  while (probe < meta.length && (meta[probe] === null || meta[probe]?.restricted)) probe++;
  const probed = meta[probe];
  if (probed && !canSee(probed.id)) {
    for (let s = 0; s < meta.length; s++) {
      const m = meta[s];
      if (m && !canSee(m.id)) hidden.push(s);
    }
  } else {
    for (const s of index.restrictedSlots) {
      const m = meta[s];
      if (m && !canSee(m.id)) hidden.push(s);
    }
    hidden.sort((a, b) => a - b);
  }
  return index.view(hidden);
}

function run(ctx: Ctx, q: ParsedQuery, plan: Plan, raw: string, limit: number, offset: number, errors: string[]): SearchResponse {
  const only = plan.groups.length === 1 && plan.phrases.length === 0 && plan.excludeTerms.length === 0 && plan.excludePhrases.length === 0 ? plan.groups[0] : undefined;
  // A one-word query keeps the fast path: a service or factor it names already matches that field's text, and the
  // concept still gives its reason.
  if (only?.terms.length === 1 && only.terms[0]) return runSingleTerm(ctx, q, plan, only.terms[0], raw, limit, offset, errors);
  if (plan.groups.length > 0 && plan.groups.every((g) => g.bonus === true || g.terms.length === 0)) return noMatch(ctx, q, plan, raw, errors);
  const { index, view, sc } = ctx;
  const { seen, state, score, cov, mask, gacc, gw } = sc;
  const epoch = sc.epoch;
  for (const t of plan.excludeTerms) {
    const buckets = index.flex.postings(t);
    if (!buckets) continue;
    for (const ids of buckets) {
      if (!ids) continue;
      for (let i = 0; i < ids.length; i++) {
        const d = ids[i] as number;
        enter(sc, d, SlotState.Excluded);
      }
    }
  }

  let cands: number[] = [];
  let totalImportance = 0;
  const scoring = plan.groups.length > 0;
  if (scoring) {
    const live = Math.max(1, view.live);
    const glist: number[] = [];
    let requiredMask = 0;
    // Required groups (phrase words) first, rarest first: once one is done, only its documents can still match, so
    // later groups only add to those instead of collecting every document of a common word.
    const order = plan.groups.map((g, gi) => ({ g, gi, rank: g.required ? 0 : g.bonus ? 2 : 1, df: g.required ? Math.min(...g.terms.map((t) => view.df(t.id))) : 0 }));
    order.sort((a, b) => a.rank - b.rank || a.df - b.df || a.gi - b.gi);
    let restrict = false;
    // Required phrases gate every document before it becomes a candidate: one whose pair filters lack a phrase's pairs
    // can never match, so it is neither scored nor seen by later groups (the cost follows the phrase's matches, not the
    // postings of its rarest word).
    const gate = plan.phrases.length > 0 ? plan.phrases : null;
    // And before its pair filters are read (scattered over the index, where the postings are not), a document must
    // have a word of the second required group too: those are marked first, in one pass over that group's postings.
    const second = order[1]?.g;
    const need = gate !== null && order[0]?.g.required === true && second?.required === true ? markGroup(ctx, second) : null;
    for (const { g, gi } of order) {
      const bit = 1 << gi;
      if (g.required) requiredMask |= bit;
      const single = g.terms.length === 1;
      for (const t of g.terms) {
        const buckets = index.flex.postings(t.term);
        if (!buckets) continue;
        const df = view.df(t.id);
        const w = idf(live, df);
        g.importance = Math.max(g.importance, w * t.w);
        const base = t.w * w;
        // A one-term group (the usual case) scores straight into the document's total; a group of alternatives
        // (prefix completions, typo corrections) keeps each document's best alternative in gacc first.
        const covAdd = g.bonus ? 0 : g.importance * t.w;
        if (single) accumulateTerm(ctx, buckets, base, bit, covAdd, cands, restrict || g.bonus === true, gate, need);
        else accumulateAlternative(ctx, buckets, base, t.w, glist, restrict || g.bonus === true, gate, need);
      }
      for (let i = 0; i < glist.length; i++) {
        const d = glist[i] as number;
        if (mask[d] === 0) cands.push(d);
        score[d] = (score[d] as number) + (gacc[d] as number);
        cov[d] = (cov[d] as number) + g.importance * (gw[d] as number);
        mask[d] = (mask[d] as number) | bit;
        gacc[d] = 0;
      }
      glist.length = 0;
      if (g.terms.length > 0 && !g.bonus) totalImportance += g.importance;
      if (g.required) restrict = true;
    }
    if (requiredMask !== 0 || plan.phrases.length > 0 || plan.excludePhrases.length > 0) {
      // One pass, in place and in order: every required group, every phrase, no excluded phrase.
      let n = 0;
      for (let i = 0; i < cands.length; i++) {
        const d = cands[i] as number;
        if (((mask[d] as number) & requiredMask) !== requiredMask) continue;
        if (!hasEvery(index, d, plan.phrases) || hasAny(index, d, plan.excludePhrases)) continue;
        cands[n++] = d;
      }
      cands.length = n;
    }
    // One group of one term: every match covers the whole query (factor 1), so the pass is skipped.
    if (totalImportance > 0 && !(plan.groups.length === 1 && plan.groups[0]?.terms.length === 1)) {
      for (let i = 0; i < cands.length; i++) {
        const d = cands[i] as number;
        score[d] = (score[d] as number) * coverageFactor((cov[d] as number) / totalImportance);
      }
    }
    const contentGroups = plan.groups.filter((g) => g.terms.length > 0 && !g.bonus).length;
    if (RANKING.associationWeight > 0 && contentGroups >= RANKING.associationMinWords) {
      const terms = plan.groups.flatMap((g) => (g.bonus ? [] : g.terms.filter((t) => t.w === 1)));
      plan.concepts = [...plan.concepts, ...associatedFactors(ctx, terms, plan.concepts)];
    }
    if (plan.concepts.length > 0) boostConcepts(ctx, plan.concepts, cands, totalImportance, requiredMask === 0 && plan.phrases.length === 0);
    // A question ("why did the ... fail") and a description ("retries without backoff overwhelmed the service") get
    // their own feedback share: a question's words are the asker's, further from the reports'.
    const share = isQuestion(raw) ? RANKING.questionFeedbackWeight : RANKING.feedbackWeight;
    if (share > 0 && contentGroups >= RANKING.feedbackMinWords && plan.phrases.length === 0 && cands.length > 0) {
      feedback(ctx, plan, cands, totalImportance, share);
    }
  } else if (!isBlank(q) || plan.phrases.length === 0) {
    const n = index.meta.length;
    for (let d = 0; d < n; d++) {
      if (seen[d] !== epoch) classify(ctx, d);
      if (state[d] === SlotState.Match) cands.push(d);
    }
    if (plan.excludePhrases.length > 0) cands = cands.filter((d) => !plan.excludePhrases.some((p) => index.containsPattern(d, p)));
  }

  const total = cands.length;
  const facets = countFacets(index, sc.facets, cands, ctx.facetLimit);
  const better = byScoreThenRecency(index, score);
  const proximity = scoring && plan.groups.length > 1 && RANKING.proximityWeight > 0;
  const wanted = Math.min(total, Math.max(offset + limit, proximity ? RANKING.proximityDocs : 0));
  const top = topK(cands, wanted, score, better);
  if (proximity) {
    // The head is always the best documents by BM25F, whatever the page, so pages stay disjoint and complete.
    const head = top.slice(0, RANKING.proximityDocs);
    proximityRerank(index, sc, plan, head, totalImportance);
    head.sort(better);
    top.splice(0, head.length, ...head);
  }
  const page = top.slice(offset, offset + limit);
  const results = page.map((d) => toResult(index, d, score[d] ?? 0, plan));
  const response: SearchResponse = { total, results, facets, errors };
  const dym = total === 0 || plan.corrections.size > 0 ? didYouMean(raw, plan, total === 0 ? ctx.view : undefined, q) : undefined;
  if (dym && dym !== raw) response.didYouMean = dym;
  return response;
}

/**
 * No word of the query is in a document the viewer may read (and bonus terms never match on their own): nothing can
 * match, so the answer is the empty one with its "did you mean", without visiting any posting.
 */
function noMatch(ctx: Ctx, q: ParsedQuery, plan: Plan, raw: string, errors: string[]): SearchResponse {
  const response: SearchResponse = { total: 0, results: [], facets: emptyFacets(), errors };
  const dym = didYouMean(raw, plan, ctx.view, q);
  if (dym && dym !== raw) response.didYouMean = dym;
  return response;
}

/**
 * One term: a document's score is its impact slot times the term's idf, so flexsearch's postings already come in score
 * order and only the slots holding the first page need sorting (by recency within a slot). Every posting is still
 * visited for the exact total and facet counts, with the facet codes counted on the way instead of collected first.
 */
function runSingleTerm(ctx: Ctx, q: ParsedQuery, plan: Plan, t: TermRef, raw: string, limit: number, offset: number, errors: string[]): SearchResponse {
  const { index, sc } = ctx;
  const buckets = index.flex.postings(t.term);
  const want = offset + limit;
  let total = 0;
  const head: number[] = [];
  if (buckets) {
    const live = Math.max(1, ctx.view.live);
    const df = ctx.view.df(t.id);
    const base = t.w * idf(live, df);
    const { seen, state, score } = sc;
    const fs = sc.facets;
    const { counts, used } = fs;
    let nUsed = fs.nUsed;
    const meta = index.meta;
    const off = index.facetOff.data;
    const vals = index.facetVals.data;
    const plain = ctx.plain;
    const epoch = sc.epoch;
    for (let b = 0; b < buckets.length; b++) {
      const ids = buckets[b];
      if (!ids) continue;
      // Whole slots go to the head until it holds a page: ties within a slot are then ordered by recency.
      const collect = head.length < want;
      const v = base * (SLOT_WEIGHT[b] as number);
      for (let i = 0; i < ids.length; i++) {
        const d = ids[i] as number;
        if (plain) {
          if (meta[d] === null) continue;
        } else {
          if (seen[d] !== epoch) classify(ctx, d);
          if (state[d] !== SlotState.Match) continue;
        }
        total++;
        for (let k = off[d] as number, to = off[d + 1] as number; k < to; k++) {
          const c = vals[k] as number;
          if ((counts[c] = (counts[c] as number) + 1) === 1) used[nUsed++] = c;
        }
        if (collect) {
          head.push(d);
          score[d] = v;
        }
      }
    }
    fs.nUsed = nUsed;
  }
  const facets = listFacets(index, sc.facets, ctx.facetLimit);
  const top = topK(head, Math.min(head.length, want), sc.score, byScoreThenRecency(index, sc.score));
  const results = top.slice(offset, offset + limit).map((d) => toResult(index, d, sc.score[d] ?? 0, plan));
  const response: SearchResponse = { total, results, facets, errors };
  const dym = total === 0 || plan.corrections.size > 0 ? didYouMean(raw, plan, total === 0 ? ctx.view : undefined, q) : undefined;
  if (dym && dym !== raw) response.didYouMean = dym;
  return response;
}

function hasEvery(index: SearchIndex, d: number, phrases: readonly PhrasePattern[]): boolean {
  for (let i = 0; i < phrases.length; i++) if (!index.containsPattern(d, phrases[i] as PhrasePattern)) return false;
  return true;
}

function hasAny(index: SearchIndex, d: number, phrases: readonly PhrasePattern[]): boolean {
  for (let i = 0; i < phrases.length; i++) if (index.containsPattern(d, phrases[i] as PhrasePattern)) return true;
  return false;
}

/** Marks (with the query's epoch, in the scratch's `need`) every document having a word of the group. */
function markGroup(ctx: Ctx, g: Group): Int32Array {
  const need = ctx.sc.need;
  const epoch = ctx.sc.epoch;
  for (const t of g.terms) {
    const buckets = ctx.index.flex.postings(t.term);
    if (!buckets) continue;
    for (let b = 0; b < buckets.length; b++) {
      const ids = buckets[b];
      if (!ids) continue;
      for (let i = 0; i < ids.length; i++) need[ids[i] as number] = epoch;
    }
  }
  return need;
}

/** Whether a document's pair filters may hold every required phrase (false: it certainly lacks one). */
function mayHaveAll(index: SearchIndex, d: number, phrases: readonly PhrasePattern[]): boolean {
  for (let i = 0; i < phrases.length; i++) if (!index.mayContain(d, phrases[i] as PhrasePattern)) return false;
  return true;
}

/**
 * Scores one term of a one-term group straight into each matching document's total (the hot loop of most queries).
 * With a `gate` (the required phrases), a document not seen yet is entered only when its pair filters may hold them.
 */
function accumulateTerm(ctx: Ctx, buckets: ArrayLike<number>[], base: number, bit: number, covAdd: number, cands: number[], restrict: boolean, gate: readonly PhrasePattern[] | null, need: Int32Array | null): void {
  const { seen, state, score, cov, mask } = ctx.sc;
  const epoch = ctx.sc.epoch;
  const index = ctx.index;
  for (let b = 0; b < buckets.length; b++) {
    const ids = buckets[b];
    if (!ids) continue;
    const v = base * (SLOT_WEIGHT[b] as number);
    for (let i = 0; i < ids.length; i++) {
      const d = ids[i] as number;
      if (seen[d] !== epoch) {
        // Restricted to documents an earlier required group matched: one not seen yet cannot be among them.
        if (restrict) continue;
        if (gate !== null && ((need !== null && need[d] !== epoch) || !mayHaveAll(index, d, gate))) continue;
        admit(ctx, d);
      }
      if (state[d] !== SlotState.Match) continue;
      if (mask[d] === 0) {
        if (restrict) continue;
        cands.push(d);
      }
      score[d] = (score[d] as number) + v;
      cov[d] = (cov[d] as number) + covAdd;
      mask[d] = (mask[d] as number) | bit;
    }
  }
}

/** Keeps each document's best alternative of a group (prefix completions, typo corrections) in gacc. */
function accumulateAlternative(ctx: Ctx, buckets: ArrayLike<number>[], base: number, w: number, glist: number[], restrict: boolean, gate: readonly PhrasePattern[] | null, need: Int32Array | null): void {
  const { seen, state, gacc, gw, mask } = ctx.sc;
  const epoch = ctx.sc.epoch;
  const index = ctx.index;
  for (let b = 0; b < buckets.length; b++) {
    const ids = buckets[b];
    if (!ids) continue;
    const v = base * (SLOT_WEIGHT[b] as number);
    for (let i = 0; i < ids.length; i++) {
      const d = ids[i] as number;
      if (seen[d] !== epoch) {
        if (restrict) continue;
        if (gate !== null && ((need !== null && need[d] !== epoch) || !mayHaveAll(index, d, gate))) continue;
        admit(ctx, d);
      }
      if (state[d] !== SlotState.Match || (restrict && mask[d] === 0)) continue;
      const prev = gacc[d] as number;
      if (v > prev) {
        if (prev === 0) glist.push(d);
        gacc[d] = v;
        gw[d] = w;
      }
    }
  }
}

