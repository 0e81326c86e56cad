// Query execution. Candidate retrieval is flexsearch's: each query term's postings come back grouped by impact slot
// (the document's BM25F weight for that term, fixed at index time), so scoring a posting is one multiplication by the
// term's idf. On top of that Kaizen's own stage: query-term coverage, required phrases checked on token sequences, a
// proximity re-rank of the best documents, recency as the tie-breaker, facets and snippets. Visibility and filters are
// applied to every posting before it is scored, so restricted documents never reach scores, totals or facets; totals
// and facets are exact (every matching visible document is counted, not just the ranked head). Everything else a query
// reads from the index (idf, the document count, the vocabulary behind prefixes, typos and "did you mean", facet values,
// feedback terms) comes from the viewer's IndexView, so a viewer gets exactly the response of an index built without
// the incidents they may not read; ties are broken by id, never by a slot number that hidden documents shift.
import { analyze, fold, STOPWORDS, tokenize } from "./analyze";
import { isBlank, parseQuery, LIST_FILTERS, type ParsedQuery } from "./query";
import { RANKING, SLOT_WEIGHT, coverageFactor } from "./ranking";
import { FACETS, SEQ_BREAK, SearchIndex, type Facet, type IndexView } from "./search-index";
import { bestWindow, findHitSpans, hitSpans, markAll, segmentsToHtml, type Segment } from "./snippet";
import { maxEdits, prefixSurfaces, typoSurfaces } from "./vocabulary";
import { normalizeName } from "../schema/fuzzy";

export { RANKING } from "./ranking";

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

export interface SearchResult {
  id: string;
  title: string;
  score: number;
  /** Best-matching window of the summary or body; render each segment as text, `hit` ones highlighted. */
  snippet: Segment[];
  /** The same snippet as HTML: all text escaped, hits wrapped in <mark>. */
  snippetHtml: string;
  titleSegments: Segment[];
  titleHtml: string;
  /** Distinct matched words as they appear in the text. */
  highlights: string[];
  severity: string | null;
  status: string;
  kind: string;
  started_at: string | null;
  services: string[];
  teams: string[];
  tags: string[];
  factors: string[];
}

export type Facets = Record<Facet, Record<string, number>>;

export interface SearchResponse {
  total: number;
  results: SearchResult[];
  facets: Facets;
  didYouMean?: string;
  errors: string[];
}

const MAX_LIMIT = 200;
const MAX_GROUPS = 30;
const FACET_LIMIT = 50;

interface TermRef {
  id: number;
  term: string;
  w: number;
}

interface Group {
  terms: TermRef[];
  /** idf of the group's best term: its share of the query for coverage and proximity. */
  importance: number;
  required: boolean;
  /** A taxonomy expansion: adds to the score of documents that already match, never a match or coverage by itself. */
  bonus?: boolean;
}

interface Plan {
  groups: Group[];
  /** Required phrases and excluded phrases as coded byte patterns (SearchIndex.containsPattern). */
  phrases: Buffer[];
  excludeTerms: string[];
  excludePhrases: Buffer[];
  /** index term → highlight weight. */
  hitTerms: Map<string, number>;
  corrections: Map<string, string>;
  impossible: boolean;
}

/** Filters compiled against the facet codes: want[code] holds the bit of each filter the code satisfies. */
interface Filter {
  want: Uint8Array | null;
  need: number;
  after: number | undefined;
  before: number | undefined;
}

/** Runs a query against the index. Never throws for bad input: problems come back in `errors`. */
export function search(index: SearchIndex, query: string | ParsedQuery, opts: SearchOptions = {}): SearchResponse {
  const q = typeof query === "string" ? parseQuery(query) : query;
  const raw = typeof query === "string" ? query : q.words.map((w) => w.text).join(" ");
  const limit = Math.max(0, Math.min(MAX_LIMIT, Math.floor(opts.limit ?? 20)));
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  const errors = [...q.errors];
  const none = (): SearchResponse => ({ total: 0, results: [], facets: emptyFacets(), errors });
  if (errors.length > 0) return none();

  const view = viewFor(index, opts.canSee);
  const filter = compileFilters(index, view, q, errors);
  if (errors.length > 0 || filter === null) return none();

  const plan = planQuery(view, q, opts.prefixLast === true);
  if (plan.impossible) return { ...none(), didYouMean: didYouMean(raw, plan) };
  const sc = scratchFor(index);
  // Scratch arrays are shared between queries; a slot's entries count only when its epoch is this query's.
  sc.epoch = (sc.epoch + 1) | 0;
  if (sc.epoch === 0) {
    sc.seen.fill(0);
    sc.epoch = 1;
  }
  const facetLimit = Math.max(0, Math.floor(opts.facetLimit ?? FACET_LIMIT));
  const ctx: Ctx = { index, view, sc, canSee: opts.canSee, filter, plain: !opts.canSee && filter.want === null && filter.after === undefined && filter.before === undefined, facetLimit };
  return run(ctx, q, plan, raw, limit, offset, errors);
}

/**
 * The index as this viewer may use it. Only restricted slots are asked about, unless the predicate rejects an internal
 * incident (no viewer): then every slot is.
 */
function viewFor(index: SearchIndex, canSee: ((id: string) => boolean) | undefined): IndexView {
  if (!canSee) return index.view();
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

interface Ctx {
  index: SearchIndex;
  view: IndexView;
  sc: Scratch;
  canSee: ((id: string) => boolean) | undefined;
  filter: Filter;
  /** No visibility check and no filters: a slot passes when it is live. */
  plain: boolean;
  facetLimit: number;
}

function run(ctx: Ctx, q: ParsedQuery, plan: Plan, raw: string, limit: number, offset: number, errors: string[]): SearchResponse {
  const only = plan.groups.length === 1 && plan.phrases.length === 0 && plan.excludeTerms.length === 0 && plan.excludePhrases.length === 0 ? plan.groups[0] : undefined;
  if (only?.terms.length === 1 && only.terms[0]) return runSingleTerm(ctx, q, plan, only.terms[0], raw, limit, offset, errors);
  const { index, view, sc } = ctx;
  const { seen, state, score, cov, mask, gacc, gw } = sc;
  const epoch = sc.epoch;
  for (const t of plan.excludeTerms) {
    const buckets = postingsOf(index, t);
    if (!buckets) continue;
    for (const ids of buckets) {
      if (!ids) continue;
      for (let i = 0; i < ids.length; i++) {
        const d = ids[i] as number;
        if (seen[d] !== epoch) reset(sc, d);
        state[d] = 3;
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
    for (const { g, gi } of order) {
      const bit = 1 << gi;
      if (g.required) requiredMask |= bit;
      const single = g.terms.length === 1;
      for (const t of g.terms) {
        const buckets = postingsOf(index, t.term);
        if (!buckets) continue;
        const df = view.df(t.id);
        const idf = Math.log(1 + (live - df + 0.5) / (df + 0.5));
        g.importance = Math.max(g.importance, idf * t.w);
        const base = t.w * idf;
        // A one-term group (the usual case) scores straight into the document's total; a group of alternatives
        // (prefix completions, typo corrections) keeps each document's best alternative in gacc first.
        const covAdd = g.bonus ? 0 : g.importance * t.w;
        if (single) accumulateTerm(ctx, buckets, base, bit, covAdd, cands, restrict || g.bonus === true);
        else accumulateAlternative(ctx, buckets, base, t.w, glist, restrict || g.bonus === true);
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
    if (requiredMask !== 0) cands = cands.filter((d) => ((mask[d] as number) & requiredMask) === requiredMask);
    if (plan.phrases.length > 0) cands = cands.filter((d) => plan.phrases.every((p) => index.containsPattern(d, p)));
    if (plan.excludePhrases.length > 0) cands = cands.filter((d) => !plan.excludePhrases.some((p) => index.containsPattern(d, p)));
    // One group of one term: every match covers the whole query (factor 1), so the pass is skipped.
    if (totalImportance > 0 && !(plan.groups.length === 1 && plan.groups[0]?.terms.length === 1)) {
      for (let i = 0; i < cands.length; i++) {
        const d = cands[i] as number;
        score[d] = (score[d] as number) * coverageFactor((cov[d] as number) / totalImportance);
      }
    }
    const contentGroups = plan.groups.filter((g) => g.terms.length > 0 && !g.bonus).length;
    if (RANKING.feedbackWeight > 0 && contentGroups >= RANKING.feedbackMinWords && plan.phrases.length === 0 && cands.length > 0) {
      feedback(ctx, plan, cands, totalImportance);
    }
  } else if (!isBlank(q) || plan.phrases.length === 0) {
    const n = index.meta.length;
    for (let d = 0; d < n; d++) {
      if (seen[d] !== epoch) classify(ctx, d);
      if (state[d] === 1) cands.push(d);
    }
    if (plan.excludePhrases.length > 0) cands = cands.filter((d) => !plan.excludePhrases.some((p) => index.containsPattern(d, p)));
  }

  const total = cands.length;
  const facets = countFacets(index, sc, cands, ctx.facetLimit);
  const better = byScoreThenRecency(index, score);
  const proximity = scoring && plan.groups.length > 1;
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
 * One term: a document's score is its impact slot times the term's idf, so flexsearch's postings already come in score
 * order and only the slots holding the first page need sorting (by recency within a slot). Every posting is still
 * visited for the exact total and facet counts, with the facet codes counted on the way instead of collected first.
 */
function runSingleTerm(ctx: Ctx, q: ParsedQuery, plan: Plan, t: TermRef, raw: string, limit: number, offset: number, errors: string[]): SearchResponse {
  const { index, sc } = ctx;
  const buckets = postingsOf(index, t.term);
  const want = offset + limit;
  let total = 0;
  const head: number[] = [];
  if (buckets) {
    const live = Math.max(1, ctx.view.live);
    const df = ctx.view.df(t.id);
    const base = t.w * Math.log(1 + (live - df + 0.5) / (df + 0.5));
    const { seen, state, score } = sc;
    const counts = sc.counts;
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
          if (state[d] !== 1) continue;
        }
        total++;
        for (let k = off[d] as number, to = off[d + 1] as number; k < to; k++) {
          const c = vals[k] as number;
          counts[c] = (counts[c] as number) + 1;
        }
        if (collect) {
          head.push(d);
          score[d] = v;
        }
      }
    }
  }
  const facets = listFacets(index, sc.counts, ctx.facetLimit);
  const top = topK(head, Math.min(head.length, want), sc.score, byScoreThenRecency(index, sc.score));
  const results = top.slice(offset, offset + limit).map((d) => toResult(index, d, sc.score[d] ?? 0, plan));
  const response: SearchResponse = { total, results, facets, errors };
  const dym = total === 0 || plan.corrections.size > 0 ? didYouMean(raw, plan, total === 0 ? ctx.view : undefined, q) : undefined;
  if (dym && dym !== raw) response.didYouMean = dym;
  return response;
}

/** Orders slots by score, then the more recent start, then id. */
function byScoreThenRecency(index: SearchIndex, score: Float64Array): (a: number, b: number) => number {
  const startedMs = index.startedMs.data;
  const meta = index.meta;
  return (a, b) => {
    const ds = (score[b] as number) - (score[a] as number);
    if (ds !== 0) return ds;
    const ta = startedMs[a] as number;
    const tb = startedMs[b] as number;
    const ra = ta === ta ? ta : -Infinity;
    const rb = tb === tb ? tb : -Infinity;
    if (ra !== rb) return rb > ra ? 1 : -1;
    const ia = meta[a]?.id ?? "";
    const ib = meta[b]?.id ?? "";
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}

/**
 * Pseudo-relevance feedback for longer queries: the words that characterize the best first-pass matches (title,
 * summary and body, by frequency and rarity) are searched too, at a fraction of a query word's weight, to find related
 * incidents that describe the same thing in other words. Documents found only this way count as matches.
 */
function feedback(ctx: Ctx, plan: Plan, cands: number[], totalImportance: number): void {
  const { index, view, sc } = ctx;
  const { score, cov, mask, seen, state } = sc;
  const live = Math.max(1, view.live);
  const top = topK(cands, RANKING.feedbackDocs, score, byScoreThenRecency(index, score));
  const best = score[top[0] ?? 0] ?? 0;
  if (best <= 0) return;
  const inQuery = new Set<number>();
  for (const g of plan.groups) for (const t of g.terms) inQuery.add(t.id);
  const weight = new Map<number, number>();
  for (const d of top) {
    const seq = index.sequenceOf(d);
    const rw = (score[d] ?? 0) / best;
    const tf = new Map<number, number>();
    let len = 0;
    for (let p = 0, field = 0; p < seq.length && field < 3; p++) {
      const t = seq[p] as number;
      if (t === SEQ_BREAK) {
        field++;
        continue;
      }
      len++;
      if (inQuery.has(t)) continue;
      tf.set(t, (tf.get(t) ?? 0) + (field < 2 ? 3 : 1));
    }
    for (const [t, n] of tf) weight.set(t, (weight.get(t) ?? 0) + (rw * n) / Math.max(1, len));
  }
  const terms: { id: number; term: string; w: number }[] = [];
  for (const [t, w] of weight) {
    const term = index.terms[t] ?? "";
    if (term.length < 3 || STOPWORDS.has(term) || /^\d+$/.test(term)) continue;
    const df = view.df(t);
    if (df < 2 || df > live * 0.2) continue;
    terms.push({ id: t, term, w: w * Math.log(1 + live / df) });
  }
  // Ties go by the term itself: term ids follow the order words first reached the index, hidden documents included.
  terms.sort((a, b) => b.w - a.w || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  const chosen = terms.slice(0, RANKING.feedbackTerms);
  const max = chosen[0]?.w ?? 1;
  const epoch = sc.epoch;
  for (const e of chosen) {
    const buckets = postingsOf(index, e.term);
    if (!buckets) continue;
    const df = view.df(e.id);
    const base = RANKING.feedbackWeight * (e.w / max) * Math.log(1 + (live - df + 0.5) / (df + 0.5));
    for (let b = 0; b < buckets.length; b++) {
      const ids = buckets[b];
      if (!ids) continue;
      const v = base * (SLOT_WEIGHT[b] as number);
      for (let i = 0; i < ids.length; i++) {
        const d = ids[i] as number;
        if (seen[d] !== epoch) classify(ctx, d);
        if (state[d] !== 1) continue;
        if (mask[d] === 0) {
          mask[d] = 1 << 30;
          cands.push(d);
        }
        const c = totalImportance > 0 ? (cov[d] as number) / totalImportance : 1;
        score[d] = (score[d] as number) + v * coverageFactor(c);
      }
    }
  }
}

/** Scores one term of a one-term group straight into each matching document's total (the hot loop of most queries). */
function accumulateTerm(ctx: Ctx, buckets: ArrayLike<number>[], base: number, bit: number, covAdd: number, cands: number[], restrict: boolean): void {
  const { seen, state, score, cov, mask } = ctx.sc;
  const epoch = ctx.sc.epoch;
  const meta = ctx.index.meta;
  const plain = ctx.plain;
  for (let b = 0; b < buckets.length; b++) {
    const ids = buckets[b];
    if (!ids) continue;
    const v = base * (SLOT_WEIGHT[b] as number);
    for (let i = 0; i < ids.length; i++) {
      const d = ids[i] as number;
      if (seen[d] !== epoch) {
        // Restricted to documents an earlier required group matched: one not seen yet cannot be among them.
        if (restrict) continue;
        if (plain) {
          seen[d] = epoch;
          score[d] = 0;
          cov[d] = 0;
          mask[d] = 0;
          state[d] = meta[d] === null ? 3 : 1;
        } else classify(ctx, d);
      }
      if (state[d] !== 1) continue;
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
function accumulateAlternative(ctx: Ctx, buckets: ArrayLike<number>[], base: number, w: number, glist: number[], restrict: boolean): void {
  const { seen, state, gacc, gw, mask, score, cov } = ctx.sc;
  const epoch = ctx.sc.epoch;
  const meta = ctx.index.meta;
  const plain = ctx.plain;
  for (let b = 0; b < buckets.length; b++) {
    const ids = buckets[b];
    if (!ids) continue;
    const v = base * (SLOT_WEIGHT[b] as number);
    for (let i = 0; i < ids.length; i++) {
      const d = ids[i] as number;
      if (seen[d] !== epoch) {
        if (restrict) continue;
        if (plain) {
          seen[d] = epoch;
          score[d] = 0;
          cov[d] = 0;
          mask[d] = 0;
          state[d] = meta[d] === null ? 3 : 1;
        } else classify(ctx, d);
      }
      if (state[d] !== 1 || (restrict && mask[d] === 0)) continue;
      const prev = gacc[d] as number;
      if (v > prev) {
        if (prev === 0) glist.push(d);
        gacc[d] = v;
        gw[d] = w;
      }
    }
  }
}

/** Starts a slot's scratch entries for this query. */
function reset(sc: Scratch, d: number): void {
  sc.seen[d] = sc.epoch;
  sc.state[d] = 0;
  sc.score[d] = 0;
  sc.cov[d] = 0;
  sc.mask[d] = 0;
}

/** A term's flexsearch postings, grouped by impact slot (best first); undefined when the term is not indexed. */
function postingsOf(index: SearchIndex, term: string): ArrayLike<number>[] | undefined {
  if (!term) return undefined;
  const res = index.flex.search(term, { resolve: false }).result;
  return res.length > 0 ? (res as ArrayLike<number>[]) : undefined;
}

/** Sets a slot's state for this query: 1 = visible and passes the filters, 2 = visible only, 3 = removed or not visible. */
function classify(ctx: Ctx, d: number): void {
  const { index, sc } = ctx;
  reset(sc, d);
  const m = index.meta[d];
  sc.state[d] = !m ? 3 : ctx.plain ? 1 : ctx.canSee && !ctx.canSee(m.id) ? 3 : passes(index, ctx.filter, d) ? 1 : 2;
}

function passes(index: SearchIndex, f: Filter, d: number): boolean {
  if (f.want) {
    const vals = index.facetVals.data;
    let bits = 0;
    for (let k = index.facetOff.data[d] as number, to = index.facetOff.data[d + 1] as number; k < to; k++) bits |= f.want[vals[k] as number] as number;
    if ((bits & f.need) !== f.need) return false;
  }
  if (f.after !== undefined || f.before !== undefined) {
    const t = index.startedMs.data[d] as number;
    if (t !== t) return false;
    if (f.after !== undefined && t < f.after) return false;
    if (f.before !== undefined && t >= f.before) return false;
  }
  return true;
}

/** Compiles the list filters to facet codes; null when a filter value matches nothing (so nothing can match). */
function compileFilters(index: SearchIndex, view: IndexView, q: ParsedQuery, errors: string[]): Filter | null {
  let want: Uint8Array | null = null;
  let need = 0;
  let bit = 0;
  for (const key of LIST_FILTERS) {
    const values = q.filters[key];
    if (values.length === 0) continue;
    const codes = new Set<number>();
    for (const v of values) {
      const found = key === "factor" ? resolveFactor(view, v, errors) : index.facets[key].find(v);
      // A value only hidden documents have is, for this viewer, a value no document has.
      for (const c of found) if (view.facetDf(c) > 0) codes.add(c);
    }
    if (codes.size === 0) return null;
    want ??= new Uint8Array(index.valueOf.length);
    const b = 1 << bit++;
    for (const c of codes) want[c] = (want[c] as number) | b;
    need |= b;
  }
  return { want, need, after: q.after, before: q.before };
}

interface Scratch {
  size: number;
  /** Epoch of the query that last initialized each slot's entries. */
  seen: Int32Array;
  epoch: number;
  state: Uint8Array;
  score: Float64Array;
  cov: Float64Array;
  gacc: Float64Array;
  gw: Float64Array;
  mask: Int32Array;
  /** term id → query group (or -1), for the proximity pass. */
  groupOf: Int32Array;
  counts: Int32Array;
}

const scratches = new WeakMap<SearchIndex, Scratch>();

// Per-index buffers reused by every query: allocating (and zeroing) several arrays of the index's size per query
// would cost more than scoring a typical query.
function scratchFor(index: SearchIndex): Scratch {
  const n = index.meta.length;
  const t = index.terms.length;
  let s = scratches.get(index);
  if (!s || s.size < n || s.groupOf.length < t || s.counts.length < index.valueOf.length) {
    const size = Math.max(n, Math.ceil((s?.size ?? 0) * 1.25));
    const groupOf = new Int32Array(Math.max(t, Math.ceil((s?.groupOf.length ?? 0) * 1.25)) + 1024).fill(-1);
    const counts = new Int32Array(index.valueOf.length + 256);
    s = { size, seen: new Int32Array(size), epoch: 0, state: new Uint8Array(size), score: new Float64Array(size), cov: new Float64Array(size), gacc: new Float64Array(size), gw: new Float64Array(size), mask: new Int32Array(size), groupOf, counts };
    scratches.set(index, s);
  }
  return s;
}

function resolveFactor(view: IndexView, value: string, errors: string[]): readonly number[] {
  const index = view.index;
  const key = normalizeName(value);
  const id = index.factorNames.get(key) ?? key;
  const codes = index.facets.factor.find(id).filter((c) => view.facetDf(c) > 0);
  if (codes.length > 0) return codes;
  if (!index.factorNames.has(key)) {
    const near = [...new Set(index.factorNames.values())].filter((f) => f.includes(key) || key.includes(f)).slice(0, 3);
    errors.push(`unknown factor "${value}"${near.length ? ` (did you mean ${near.map((f) => `factor:${f}`).join(" or ")}?)` : ""}`);
  }
  return [];
}

function planQuery(view: IndexView, q: ParsedQuery, prefixLast: boolean): Plan {
  const index = view.index;
  const plan: Plan = { groups: [], phrases: [], excludeTerms: [], excludePhrases: [], hitTerms: new Map(), corrections: new Map(), impossible: false };
  const meaningful = q.words.filter((w) => !isStopword(w.text));
  const words = meaningful.length > 0 ? meaningful : q.words;
  const lastWord = q.words[q.words.length - 1];
  const seen = new Set<string>();
  for (const w of words) {
    const toks = tokenize(w.text);
    const whole = toks.find((t) => !t.seq);
    const units = whole && view.termOf(whole.term) !== undefined ? [whole] : toks.filter((t) => t.seq);
    // Highlight the parts of an identifier matched as a whole (the text has `us-east-1`, not `useast1`).
    if (units[0] === whole) for (const t of toks) if (t.seq && t.surface.length > 1) plan.hitTerms.set(t.term, Math.max(plan.hitTerms.get(t.term) ?? 0, 0.5));
    for (const u of units) {
      if (seen.has(u.term) || plan.groups.length >= MAX_GROUPS) continue;
      seen.add(u.term);
      const group: Group = { terms: [], importance: 0, required: false };
      const add = (term: string, weight: number) => {
        const id = view.termOf(term);
        if (id === undefined || group.terms.some((t) => t.id === id)) return;
        group.terms.push({ id, term, w: weight });
        plan.hitTerms.set(term, Math.max(plan.hitTerms.get(term) ?? 0, weight));
      };
      if (view.termOf(u.term) !== undefined) add(u.term, 1);
      const asPrefix = w.prefix || (prefixLast && q.openEnd && w === lastWord && u === units[units.length - 1]);
      if (asPrefix && u.surface.length >= 2) {
        for (const s of prefixSurfaces(view, u.surface, 12)) add(index.terms[index.termOfSurface(s) ?? -1] ?? "", w.prefix ? 1 : RANKING.prefixWeight);
      }
      if (group.terms.length === 0 && maxEdits(u.surface) > 0 && !/^\d+$/.test(u.surface)) {
        const typos = typoSurfaces(view, u.surface, 3);
        for (const t of typos) add(index.terms[index.termOfSurface(t.surface) ?? -1] ?? "", RANKING.typoWeight[t.distance] ?? 0.5);
        const best = typos[0];
        if (best) plan.corrections.set(w.text, best.surface);
      }
      plan.groups.push(group);
    }
  }
  for (const phrase of q.phrases) {
    const ids = phraseIds(view, phrase);
    if (ids === null) {
      plan.impossible = true;
      continue;
    }
    plan.phrases.push(SearchIndex.phrasePattern(ids));
    const toks = tokenize(phrase).filter((t) => t.seq);
    const content = toks.filter((t) => !STOPWORDS.has(t.surface));
    for (const t of content.length > 0 ? content : toks) {
      const id = view.termOf(t.term);
      if (id === undefined) continue;
      plan.hitTerms.set(t.term, 1);
      if (seen.has(t.term)) {
        // Already a free-word group: make it required.
        const g = plan.groups.find((x) => x.terms.some((r) => r.id === id && r.w === 1));
        if (g) g.required = true;
        continue;
      }
      seen.add(t.term);
      if (plan.groups.length < MAX_GROUPS) plan.groups.push({ terms: [{ id, term: t.term, w: 1 }], importance: 0, required: true });
    }
  }
  for (const ex of q.excludes) {
    if (/\s/.test(ex.trim())) {
      const ids = phraseIds(view, ex);
      if (ids) plan.excludePhrases.push(SearchIndex.phrasePattern(ids));
      continue;
    }
    const toks = tokenize(ex);
    const whole = toks.find((t) => !t.seq);
    if (whole) {
      if (view.termOf(whole.term) !== undefined) plan.excludeTerms.push(whole.term);
      else {
        const ids = phraseIds(view, ex);
        if (ids) plan.excludePhrases.push(SearchIndex.phrasePattern(ids));
      }
      continue;
    }
    for (const t of toks) if (view.termOf(t.term) !== undefined) plan.excludeTerms.push(t.term);
  }
  return plan;
}

function isStopword(word: string): boolean {
  const f = fold(word).replace(/['’]/g, "");
  return STOPWORDS.has(f);
}

/** Term ids of a phrase's tokens in order; null when a word is in no readable document (the phrase cannot match). */
function phraseIds(view: IndexView, phrase: string): number[] | null {
  const ids: number[] = [];
  for (const t of tokenize(phrase)) {
    if (!t.seq) continue;
    const id = view.termOf(t.term);
    if (id === undefined) return null;
    ids.push(id);
  }
  return ids.length > 0 ? ids : null;
}

/** Adds a bonus for query terms that occur near each other (within a few words, in the same field). */
function proximityRerank(index: SearchIndex, sc: Scratch, plan: Plan, docs: readonly number[], totalImportance: number): void {
  const G = plan.groups.length;
  const groupOf = sc.groupOf;
  const set: number[] = [];
  plan.groups.forEach((g, gi) => {
    for (const t of g.terms) {
      if ((groupOf[t.id] ?? -1) === -1) {
        groupOf[t.id] = gi;
        set.push(t.id);
      }
    }
  });
  const importance = plan.groups.map((g) => g.importance);
  const lastPos = new Int32Array(G);
  const pairSeen = new Uint8Array(G * G);
  const window = RANKING.proximityWindow;
  const { score, cov } = sc;
  try {
    for (const d of docs) {
      const seq = index.sequenceOf(d);
      lastPos.fill(-1000);
      pairSeen.fill(0);
      let bonus = 0;
      let p = 0;
      for (let i = 0; i < seq.length; i++) {
        const t = seq[i] as number;
        if (t < 0) {
          if (t === SEQ_BREAK) lastPos.fill(-1000);
          continue;
        }
        p++;
        const g = groupOf[t] as number;
        if (g < 0) continue;
        for (let h = 0; h < G; h++) {
          if (h === g || p - (lastPos[h] as number) > window) continue;
          const key = g < h ? g * G + h : h * G + g;
          if (pairSeen[key]) continue;
          pairSeen[key] = 1;
          bonus += Math.min(importance[g] ?? 0, importance[h] ?? 0);
        }
        lastPos[g] = p;
      }
      if (bonus > 0) {
        const c = totalImportance > 0 ? (cov[d] ?? 0) / totalImportance : 1;
        score[d] = (score[d] ?? 0) + RANKING.proximityWeight * bonus * coverageFactor(c);
      }
    }
  } finally {
    for (const t of set) groupOf[t] = -1;
  }
}

/** The best `k` of `items` in order (higher score first, then `cmp`), without sorting all of them. */
function topK(items: readonly number[], k: number, score: Float64Array, cmp: (a: number, b: number) => number): number[] {
  if (k <= 0) return [];
  if (items.length <= k * 4 || items.length < 256) return [...items].sort(cmp).slice(0, k);
  const out = items.slice(0, k).sort(cmp);
  let worst = out[k - 1] as number;
  let worstScore = score[worst] as number;
  for (let i = k; i < items.length; i++) {
    const x = items[i] as number;
    // Most items lose on score alone; only ties and winners pay for the full comparison.
    if ((score[x] as number) < worstScore || cmp(x, worst) >= 0) continue;
    // Binary insertion keeps `out` sorted; k is small (a page plus the re-rank window).
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(x, out[mid] as number) < 0) hi = mid;
      else lo = mid + 1;
    }
    out.splice(lo, 0, x);
    out.pop();
    worst = out[k - 1] as number;
    worstScore = score[worst] as number;
  }
  return out;
}

function emptyFacets(): Facets {
  return { severity: {}, status: {}, kind: {}, service: {}, team: {}, factor: {}, tag: {} };
}

/** Adds each document's facet codes to the counts. */
function countCodes(index: SearchIndex, counts: Int32Array, docs: readonly number[]): void {
  const off = index.facetOff.data;
  const vals = index.facetVals.data;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i] as number;
    for (let k = off[d] as number, to = off[d + 1] as number; k < to; k++) {
      const c = vals[k] as number;
      counts[c] = (counts[c] as number) + 1;
    }
  }
}

function countFacets(index: SearchIndex, sc: Scratch, docs: readonly number[], facetLimit: number): Facets {
  countCodes(index, sc.counts, docs);
  return listFacets(index, sc.counts, facetLimit);
}

/**
 * Facet listings from the counts (which it zeroes again): per facet the `facetLimit` most frequent values, most
 * frequent first, then by value. Spellings of one value (case aside) are counted together and listed as the one most
 * of the matching documents use; nothing depends on the order values first reached the index.
 */
function listFacets(index: SearchIndex, counts: Int32Array, facetLimit: number): Facets {
  const n = index.valueOf.length;
  const values = index.valueOf;
  const group = index.facetGroup;
  const per: number[][] = FACETS.map(() => []);
  const used: number[] = [];
  // Per group (its first code): the merged count and the code of the spelling shown.
  const total = new Int32Array(n);
  const shown = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const k = counts[c] as number;
    if (k === 0) continue;
    used.push(c);
    const g = group[c] ?? c;
    if (total[g] === 0) {
      per[index.facetOf[c] as number]?.push(g);
      shown[g] = c;
    } else {
      const b = shown[g] as number;
      const kb = counts[b] as number;
      if (k > kb || (k === kb && (values[c] ?? "") < (values[b] ?? ""))) shown[g] = c;
    }
    total[g] = (total[g] as number) + k;
  }
  const label = (g: number) => values[shown[g] as number] ?? "";
  const order = (a: number, b: number) => (total[b] as number) - (total[a] as number) || (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0);
  const out = emptyFacets();
  for (let fi = 0; fi < FACETS.length; fi++) {
    let groups = per[fi] ?? [];
    if (groups.length > facetLimit) groups = mostFrequent(groups, total, facetLimit, order);
    groups.sort(order);
    const rec: Record<string, number> = {};
    for (const g of groups) rec[label(g)] = total[g] as number;
    out[FACETS[fi] ?? "tag"] = rec;
  }
  for (const c of used) counts[c] = 0;
  return out;
}

/** The `k` entries with the highest counts (ties by `order`), unordered. */
function mostFrequent(codes: readonly number[], counts: Int32Array, k: number, order: (a: number, b: number) => number): number[] {
  if (k <= 0) return [];
  // The k-th highest count, found by a histogram of the (small) counts instead of sorting every value.
  let max = 0;
  for (const c of codes) if ((counts[c] as number) > max) max = counts[c] as number;
  const hist = new Int32Array(max + 1);
  for (const c of codes) {
    const v = counts[c] as number;
    hist[v] = (hist[v] as number) + 1;
  }
  let threshold = max;
  for (let seen = 0; threshold > 0; threshold--) {
    seen += hist[threshold] as number;
    if (seen >= k) break;
  }
  const out: number[] = [];
  const ties: number[] = [];
  for (const c of codes) {
    const v = counts[c] as number;
    if (v > threshold) out.push(c);
    else if (v === threshold) ties.push(c);
  }
  ties.sort(order);
  for (const c of ties) {
    if (out.length >= k) break;
    out.push(c);
  }
  return out;
}

function toResult(index: SearchIndex, d: number, score: number, plan: Plan): SearchResult {
  const m = index.meta[d];
  if (!m) throw new Error(`slot ${d} has no document`);
  const { summary, body } = index.textOf(d);
  const hits = plan.hitTerms;
  const titleSpans = hitSpans(m.title, hits);
  const titleSegments = markAll(m.title, titleSpans);
  let snippet: Segment[];
  const highlights = new Set<string>();
  for (const s of titleSpans) highlights.add(m.title.slice(s.start, s.end));
  const sumSpans = hits.size > 0 ? findHitSpans(summary, hits) : [];
  const sumWin = bestWindow(summary, sumSpans);
  if (hits.size === 0 || (sumWin.score > 0 && coversAll(summary, sumSpans, plan))) {
    snippet = summary ? sumWin.segments : bestWindow(body, []).segments;
  } else {
    const bodyWin = bestWindow(body, findHitSpans(body, hits));
    snippet = bodyWin.score > sumWin.score || !summary ? bodyWin.segments : sumWin.segments;
  }
  for (const s of snippet) if (s.hit) highlights.add(s.text);
  return {
    id: m.id,
    title: m.title,
    score: Math.round(score * 10_000) / 10_000,
    snippet,
    snippetHtml: segmentsToHtml(snippet),
    titleSegments,
    titleHtml: segmentsToHtml(titleSegments),
    highlights: [...highlights],
    severity: m.severity,
    status: m.status,
    kind: m.kind,
    started_at: m.startedAt,
    services: m.services,
    teams: m.teams,
    tags: m.tags,
    factors: m.factors,
  };
}

// The summary is enough when it already shows as many distinct query terms as the query has groups.
function coversAll(text: string, spans: readonly { start: number; end: number }[], plan: Plan): boolean {
  const distinct = new Set(spans.map((s) => text.slice(s.start, s.end).toLowerCase()));
  return distinct.size >= Math.min(plan.groups.length, 3);
}

/** The query with unknown words replaced by their closest vocabulary words. */
function didYouMean(raw: string, plan: Plan, view?: IndexView, q?: ParsedQuery): string | undefined {
  const corrections = new Map(plan.corrections);
  if (view && q) {
    for (const w of q.words) {
      if (corrections.has(w.text) || isStopword(w.text)) continue;
      const known = tokenize(w.text).some((t) => view.termOf(t.term) !== undefined);
      if (known) continue;
      const best = typoSurfaces(view, fold(w.text), 1)[0];
      if (best) corrections.set(w.text, best.surface);
    }
  }
  if (corrections.size === 0) return undefined;
  let out = raw;
  for (const [from, to] of corrections) out = out.replace(from, to);
  return out;
}

/** Words of a text as the index sees them (exported for tests and tools). */
export function indexTerms(text: string): string[] {
  const out: string[] = [];
  analyze(text, (term) => out.push(term));
  return out;
}
