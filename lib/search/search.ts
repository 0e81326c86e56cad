// Query execution: candidate retrieval from the inverted index, BM25F scoring with query-term coverage, a proximity
// re-rank of the best candidates, recency as the tie-breaker, facets and snippets. Visibility is applied while
// reading postings, so restricted documents never reach scoring, counts or facets.
import { analyze, fold, STOPWORDS, tokenize } from "./analyze";
import { isBlank, parseQuery, LIST_FILTERS, type ParsedQuery } from "./query";
import { FACETS, NF, SEQ_BREAK, type DocMeta, type Facet, type SearchIndex } from "./search-index";
import { bestWindow, findHitSpans, hitSpans, markAll, segmentsToHtml, type Segment } from "./snippet";
import { maxEdits, prefixSurfaces, typoSurfaces } from "./vocabulary";
import { normalizeName } from "../knowledge/fuzzy";

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** Whether the viewer may see an incident; documents it rejects are dropped before scoring and counting. */
  canSee?: (id: string) => boolean;
  /** Also match the last word as a prefix while it is still being typed (search-as-you-type); `word*` always does. */
  prefixLast?: boolean;
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

/** Ranking parameters (tuned on the dev queries as a whole; no rule names a query, company or document). */
export const RANKING = {
  /** BM25F weight per field: title, summary, body, factors, countermeasures, services, teams, tags, company, dates. */
  fieldWeight: [3, 1.5, 1, 0.5, 0.7, 1.5, 1, 1.5, 2, 1.2],
  /** BM25 length normalization per field. */
  fieldB: [0.5, 0.2, 0.75, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3],
  k1: 1.2,
  /** How strongly matching more of the query's (idf-weighted) terms is rewarded. */
  coveragePower: 2,
  coverageFloor: 0.15,
  /** Weight of query-term pairs found near each other, relative to one term's idf. */
  proximityWeight: 0.6,
  proximityWindow: 3,
  /** Weight of words completing the last, still-typed word. */
  prefixWeight: 0.6,
  /** Weight of typo-corrected words by edit distance. */
  typoWeight: [1, 0.7, 0.5],
  /** Pseudo-relevance feedback for longer queries: weight, documents read, terms added. */
  feedbackWeight: 0.3,
  feedbackDocs: 5,
  feedbackTerms: 30,
  feedbackMinWords: 3,
};
const RERANK = 50;
const MAX_LIMIT = 200;
const MAX_GROUPS = 30;

interface TermRef {
  id: number;
  w: number;
}

interface Group {
  terms: TermRef[];
  /** idf of the group's best term: its share of the query for coverage and proximity. */
  importance: number;
  required: boolean;
}

interface Plan {
  groups: Group[];
  phrases: number[][];
  excludeTerms: number[];
  excludePhrases: number[][];
  /** index term → highlight weight. */
  hitTerms: Map<string, number>;
  corrections: Map<string, string>;
  impossible: boolean;
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

  // --- filters ---
  const filterSets: { facet: number; codes: Set<number> }[] = [];
  for (const key of LIST_FILTERS) {
    const values = q.filters[key];
    if (values.length === 0) continue;
    const codes = new Set<number>();
    for (const v of values) {
      const c = key === "factor" ? resolveFactor(index, v, errors) : index.facets[key].find(v);
      if (c !== undefined) codes.add(c);
    }
    if (codes.size === 0) return none();
    filterSets.push({ facet: FACETS.indexOf(key), codes });
  }
  if (errors.length > 0) return none();

  const plan = planQuery(index, q, opts.prefixLast === true);
  const n = index.meta.length;
  const meta = index.meta;
  const canSee = opts.canSee;
  // 0 = not yet known, 1 = visible and passes filters, 2 = visible only, 3 = not visible.
  const scratch = scratchFor(index);
  const { state, score, cov, tmp, gacc, gw, mask } = scratch;
  const classified = scratch.classified;
  classified.length = 0;
  try {
    return run();
  } finally {
    // Scratch arrays are shared between queries: put back the zeros this one touched.
    for (const d of classified) {
      state[d] = 0;
      score[d] = 0;
      cov[d] = 0;
      mask[d] = 0;
    }
    classified.length = 0;
  }

  function run(): SearchResponse {
  const classify = (d: number): number => {
    let s = state[d] ?? 0;
    if (s !== 0) return s;
    classified.push(d);
    const m = meta[d];
    if (!m || (canSee && !canSee(m.id))) s = 3;
    else s = passesFilters(m, filterSets, q.after, q.before) ? 1 : 2;
    state[d] = s;
    return s;
  };
  if (plan.excludeTerms.length > 0) {
    for (const t of plan.excludeTerms) {
      forEachPosting(index, t, (d) => {
        if ((state[d] ?? 0) === 0) classified.push(d);
        state[d] = 3;
      });
    }
  }

  let cands: number[] = [];
  let totalImportance = 0;
  const scoring = plan.groups.length > 0;
  if (plan.impossible) return { ...none(), didYouMean: didYouMean(raw, plan) };

  if (scoring) {
    const avg = new Float64Array(NF);
    const live = Math.max(1, index.live);
    for (let f = 0; f < NF; f++) avg[f] = Math.max(1, (index.sumLen[f] ?? 0) / live);
    const fieldLen = index.fieldLen.data;
    const fieldWeight = RANKING.fieldWeight;
    const fieldB = RANKING.fieldB;
    const K1 = RANKING.k1;
    const tlist: number[] = [];
    const glist: number[] = [];
    const normA = new Float64Array(NF);
    const normB = new Float64Array(NF);
    for (let f = 0; f < NF; f++) {
      const b = fieldB[f] ?? 0.5;
      normA[f] = 1 - b;
      normB[f] = b / (avg[f] ?? 1);
    }
    const acc: Accumulator = { state, classify, tmp, tlist, fieldLen, fieldWeight: Float64Array.from(fieldWeight), normA, normB };
    let requiredMask = 0;
    plan.groups.forEach((g, gi) => {
      for (const t of g.terms) {
        tlist.length = 0;
        const df = accumulate(index, t.id, acc);
        const idf = Math.log(1 + (live - df + 0.5) / (df + 0.5));
        g.importance = Math.max(g.importance, idf * t.w);
        for (const d of tlist) {
          const x = tmp[d] ?? 0;
          tmp[d] = 0;
          const v = (t.w * idf * x * (K1 + 1)) / (x + K1);
          const prev = gacc[d] ?? 0;
          if (v > prev) {
            if (prev === 0) glist.push(d);
            gacc[d] = v;
            gw[d] = t.w;
          }
        }
      }
      if (g.required) requiredMask |= 1 << gi;
      for (const d of glist) {
        if ((mask[d] ?? 0) === 0) cands.push(d);
        score[d] = (score[d] ?? 0) + (gacc[d] ?? 0);
        cov[d] = (cov[d] ?? 0) + g.importance * (gw[d] ?? 1);
        mask[d] = (mask[d] ?? 0) | (1 << gi);
        gacc[d] = 0;
      }
      glist.length = 0;
      if (g.terms.length > 0) totalImportance += g.importance;
    });
    if (requiredMask !== 0) cands = cands.filter((d) => ((mask[d] ?? 0) & requiredMask) === requiredMask);
    if (plan.phrases.length > 0) cands = cands.filter((d) => plan.phrases.every((p) => containsPhrase(index.sequenceOf(d), p)));
    for (const d of cands) {
      const c = totalImportance > 0 ? (cov[d] ?? 0) / totalImportance : 1;
      score[d] = (score[d] ?? 0) * coverageFactor(c);
    }
    const contentGroups = plan.groups.filter((g) => g.terms.length > 0).length;
    if (RANKING.feedbackWeight > 0 && contentGroups >= RANKING.feedbackMinWords && plan.phrases.length === 0 && cands.length > 0) {
      const expansion = feedbackTerms(index, plan, cands, score, live);
      for (const e of expansion) {
        tlist.length = 0;
        const df = accumulate(index, e.id, acc);
        const idf = Math.log(1 + (live - df + 0.5) / (df + 0.5));
        for (const d of tlist) {
          const x = tmp[d] ?? 0;
          tmp[d] = 0;
          if ((mask[d] ?? 0) === 0) {
            mask[d] = 1 << 30;
            cands.push(d);
          }
          const c = totalImportance > 0 ? (cov[d] ?? 0) / totalImportance : 1;
          score[d] = (score[d] ?? 0) + RANKING.feedbackWeight * e.w * idf * ((x * (K1 + 1)) / (x + K1)) * coverageFactor(c);
        }
      }
    }
    if (plan.excludePhrases.length > 0) cands = cands.filter((d) => !plan.excludePhrases.some((p) => containsPhrase(index.sequenceOf(d), p)));
  } else if (!isBlank(q) || plan.phrases.length === 0) {
    for (let d = 0; d < n; d++) if (classify(d) === 1) cands.push(d);
    if (plan.excludePhrases.length > 0) cands = cands.filter((d) => !plan.excludePhrases.some((p) => containsPhrase(index.sequenceOf(d), p)));
  }

  const total = cands.length;
  const facets = countFacets(index, cands);
  const better = (a: number, b: number): number => {
    const ds = (score[b] ?? 0) - (score[a] ?? 0);
    if (ds !== 0) return ds;
    const ta = meta[a]?.startedMs ?? NaN;
    const tb = meta[b]?.startedMs ?? NaN;
    const ra = Number.isNaN(ta) ? -Infinity : ta;
    const rb = Number.isNaN(tb) ? -Infinity : tb;
    if (ra !== rb) return rb > ra ? 1 : -1;
    return a - b;
  };
  const wanted = Math.min(total, Math.max(offset + limit, scoring ? RERANK : 0));
  const top = topK(cands, wanted, better);
  if (scoring && plan.groups.length > 1) {
    const head = top.slice(0, RERANK);
    proximityRerank(index, plan, head, score, cov, totalImportance);
    head.sort(better);
    top.splice(0, head.length, ...head);
  }
  const page = top.slice(offset, offset + limit);
  const results = page.map((d) => toResult(index, d, score[d] ?? 0, plan));
  const response: SearchResponse = { total, results, facets, errors };
  const dym = total === 0 || plan.corrections.size > 0 ? didYouMean(raw, plan, total === 0 ? index : undefined, q) : undefined;
  if (dym && dym !== raw) response.didYouMean = dym;
  return response;
  }
}

interface Scratch {
  size: number;
  state: Uint8Array;
  score: Float64Array;
  cov: Float64Array;
  tmp: Float64Array;
  gacc: Float64Array;
  gw: Float64Array;
  mask: Int32Array;
  classified: number[];
  /** term id → query group (or -1), for the proximity pass. */
  groupOf: Int32Array;
}

const scratches = new WeakMap<SearchIndex, Scratch>();

// Per-index buffers reused by every query: allocating (and zeroing) several arrays of the index's size per query
// would cost more than scoring a typical query.
function scratchFor(index: SearchIndex): Scratch {
  const n = index.meta.length;
  const t = index.terms.length;
  let s = scratches.get(index);
  if (!s || s.size < n || s.groupOf.length < t) {
    const size = Math.max(n, Math.ceil((s?.size ?? 0) * 1.25));
    const groupOf = new Int32Array(Math.max(t, Math.ceil((s?.groupOf.length ?? 0) * 1.25)) + 1024).fill(-1);
    s = { size, state: new Uint8Array(size), score: new Float64Array(size), cov: new Float64Array(size), tmp: new Float64Array(size), gacc: new Float64Array(size), gw: new Float64Array(size), mask: new Int32Array(size), classified: [], groupOf };
    scratches.set(index, s);
  }
  return s;
}

function coverageFactor(c: number): number {
  return RANKING.coverageFloor + (1 - RANKING.coverageFloor) * Math.pow(Math.min(1, c), RANKING.coveragePower);
}

function resolveFactor(index: SearchIndex, value: string, errors: string[]): number | undefined {
  const key = normalizeName(value);
  const id = index.factorNames.get(key) ?? key;
  const code = index.facets.factor.find(id);
  if (code !== undefined) return code;
  if (!index.factorNames.has(key)) {
    const near = [...new Set(index.factorNames.values())].filter((f) => f.includes(key) || key.includes(f)).slice(0, 3);
    errors.push(`unknown factor "${value}"${near.length ? ` (did you mean ${near.map((f) => `factor:${f}`).join(" or ")}?)` : ""}`);
  }
  return undefined;
}

function passesFilters(m: DocMeta, sets: readonly { facet: number; codes: Set<number> }[], after: number | undefined, before: number | undefined): boolean {
  for (const s of sets) {
    const codes = m.codes[s.facet] ?? [];
    if (!codes.some((c) => s.codes.has(c))) return false;
  }
  if (after !== undefined || before !== undefined) {
    if (Number.isNaN(m.startedMs)) return false;
    if (after !== undefined && m.startedMs < after) return false;
    if (before !== undefined && m.startedMs >= before) return false;
  }
  return true;
}

interface Accumulator {
  state: Uint8Array;
  classify: (d: number) => number;
  tmp: Float64Array;
  tlist: number[];
  fieldLen: Int32Array<ArrayBufferLike>;
  fieldWeight: Float64Array;
  normA: Float64Array;
  normB: Float64Array;
}

/**
 * Adds one term's length-normalized, field-weighted frequencies into `tmp` for every visible document passing the
 * filters (listed in `tlist`); returns the term's document frequency among visible documents. The hot loop of
 * every query, so written out over both segments instead of through a callback.
 */
function accumulate(index: SearchIndex, term: number, a: Accumulator): number {
  let df = 0;
  let last = -1;
  const { state, tmp, tlist, fieldLen, fieldWeight, normA, normB } = a;
  const run = (docs: Int32Array<ArrayBufferLike>, codes: ArrayLike<number>, from: number, to: number, step: number, codeAt: number) => {
    for (let i = from; i < to; i += step) {
      const d = docs[i] as number;
      let s = state[d] as number;
      if (s === 0) s = a.classify(d);
      if (s === 3) continue;
      if (d !== last) {
        df++;
        last = d;
        if (s === 1) tlist.push(d);
      }
      if (s !== 1) continue;
      const code = codes[i + codeAt] as number;
      const f = code >>> 12;
      tmp[d] = (tmp[d] as number) + ((fieldWeight[f] as number) * (code & 4095)) / ((normA[f] as number) + (normB[f] as number) * (fieldLen[d * NF + f] as number));
    }
  };
  if (term + 1 < index.postOff.length) run(index.postDoc, index.postCode, index.postOff[term] ?? 0, index.postOff[term + 1] ?? 0, 1, 0);
  const delta = index.deltaPost.get(term);
  if (delta) run(delta.data, delta.data, 0, delta.length, 2, 1);
  return df;
}

/** Calls fn(doc, code) for every posting of a term, main segment then delta. */
function forEachPosting(index: SearchIndex, term: number, fn: (doc: number, code: number) => void): void {
  if (term + 1 < index.postOff.length) {
    const a = index.postOff[term] ?? 0;
    const b = index.postOff[term + 1] ?? 0;
    const docs = index.postDoc;
    const codes = index.postCode;
    for (let i = a; i < b; i++) fn(docs[i] ?? 0, codes[i] ?? 0);
  }
  const d = index.deltaPost.get(term);
  if (d) {
    const data = d.data;
    for (let i = 0; i < d.length; i += 2) fn(data[i] ?? 0, data[i + 1] ?? 0);
  }
}

function planQuery(index: SearchIndex, q: ParsedQuery, prefixLast: boolean): Plan {
  const plan: Plan = { groups: [], phrases: [], excludeTerms: [], excludePhrases: [], hitTerms: new Map(), corrections: new Map(), impossible: false };
  const meaningful = q.words.filter((w) => !isStopword(w.text));
  const words = meaningful.length > 0 ? meaningful : q.words;
  const lastWord = q.words[q.words.length - 1];
  const seen = new Set<string>();
  for (const w of words) {
    const toks = tokenize(w.text);
    const whole = toks.find((t) => !t.seq);
    const units = whole && index.termId.has(whole.term) ? [whole] : toks.filter((t) => t.seq);
    // Highlight the parts of an identifier matched as a whole (the text has `us-east-1`, not `useast1`).
    if (units[0] === whole) for (const t of toks) if (t.seq && t.surface.length > 1) plan.hitTerms.set(t.term, Math.max(plan.hitTerms.get(t.term) ?? 0, 0.5));
    for (const u of units) {
      if (seen.has(u.term) || plan.groups.length >= MAX_GROUPS) continue;
      seen.add(u.term);
      const group: Group = { terms: [], importance: 0, required: false };
      const add = (term: string, weight: number) => {
        const id = index.termId.get(term);
        if (id === undefined || group.terms.some((t) => t.id === id)) return;
        group.terms.push({ id, w: weight });
        plan.hitTerms.set(term, Math.max(plan.hitTerms.get(term) ?? 0, weight));
      };
      const exact = index.termId.get(u.term);
      if (exact !== undefined && index.df(exact) > 0) add(u.term, 1);
      const asPrefix = w.prefix || (prefixLast && q.openEnd && w === lastWord && u === units[units.length - 1]);
      if (asPrefix && u.surface.length >= 2) {
        for (const s of prefixSurfaces(index, u.surface, 12)) add(index.terms[index.surfaces.get(s) ?? -1] ?? "", w.prefix ? 1 : RANKING.prefixWeight);
      }
      if (group.terms.length === 0 && maxEdits(u.surface) > 0 && !/^\d+$/.test(u.surface)) {
        const typos = typoSurfaces(index, u.surface, 3);
        for (const t of typos) add(index.terms[index.surfaces.get(t.surface) ?? -1] ?? "", RANKING.typoWeight[t.distance] ?? 0.5);
        const best = typos[0];
        if (best) plan.corrections.set(w.text, best.surface);
      }
      plan.groups.push(group);
    }
  }
  for (const phrase of q.phrases) {
    const ids = phraseIds(index, phrase);
    if (ids === null) {
      plan.impossible = true;
      continue;
    }
    plan.phrases.push(ids);
    const toks = tokenize(phrase).filter((t) => t.seq);
    const content = toks.filter((t) => !STOPWORDS.has(t.surface));
    for (const t of content.length > 0 ? content : toks) {
      const id = index.termId.get(t.term);
      if (id === undefined) continue;
      plan.hitTerms.set(t.term, 1);
      if (seen.has(t.term)) {
        // Already a free-word group: make it required.
        const g = plan.groups.find((x) => x.terms.some((r) => r.id === id && r.w === 1));
        if (g) g.required = true;
        continue;
      }
      seen.add(t.term);
      if (plan.groups.length < MAX_GROUPS) plan.groups.push({ terms: [{ id, w: 1 }], importance: 0, required: true });
    }
  }
  for (const ex of q.excludes) {
    if (/\s/.test(ex.trim())) {
      const ids = phraseIds(index, ex);
      if (ids) plan.excludePhrases.push(ids);
      continue;
    }
    const toks = tokenize(ex);
    const whole = toks.find((t) => !t.seq);
    if (whole) {
      const wid = index.termId.get(whole.term);
      if (wid !== undefined) plan.excludeTerms.push(wid);
      else {
        const ids = phraseIds(index, ex);
        if (ids) plan.excludePhrases.push(ids);
      }
      continue;
    }
    for (const t of toks) {
      const id = index.termId.get(t.term);
      if (id !== undefined) plan.excludeTerms.push(id);
    }
  }
  return plan;
}

function isStopword(word: string): boolean {
  const f = fold(word).replace(/['’]/g, "");
  return STOPWORDS.has(f);
}

/** Term ids of a phrase's tokens in order; null when a word is not in the index (the phrase cannot match). */
function phraseIds(index: SearchIndex, phrase: string): number[] | null {
  const ids: number[] = [];
  for (const t of tokenize(phrase)) {
    if (!t.seq) continue;
    const id = index.termId.get(t.term);
    if (id === undefined) return null;
    ids.push(id);
  }
  return ids.length > 0 ? ids : null;
}

function containsPhrase(seq: Int32Array, phrase: readonly number[]): boolean {
  const first = phrase[0];
  const len = phrase.length;
  outer: for (let i = 0; i + len <= seq.length; i++) {
    if (seq[i] !== first) continue;
    for (let k = 1; k < len; k++) if (seq[i + k] !== phrase[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * Pseudo-relevance feedback: the words that characterize the best first-pass matches (title, summary and body, by
 * frequency and rarity), to find related incidents that describe the same thing in other words.
 */
function feedbackTerms(index: SearchIndex, plan: Plan, cands: readonly number[], score: Float64Array, live: number): { id: number; w: number }[] {
  const top = topK(cands, RANKING.feedbackDocs, (a, b) => (score[b] ?? 0) - (score[a] ?? 0) || a - b);
  const best = score[top[0] ?? 0] ?? 0;
  if (best <= 0) return [];
  const inQuery = new Set<number>();
  for (const g of plan.groups) for (const t of g.terms) inQuery.add(t.id);
  const weight = new Map<number, number>();
  for (const d of top) {
    const seq = index.sequenceOf(d);
    const rw = (score[d] ?? 0) / best;
    let len = 0;
    const tf = new Map<number, number>();
    for (let p = 0, field = 0; p < seq.length && field < 3; p++) {
      const t = seq[p] ?? SEQ_BREAK;
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
  const out: { id: number; w: number }[] = [];
  for (const [t, w] of weight) {
    const term = index.terms[t] ?? "";
    if (term.length < 3 || STOPWORDS.has(term) || /^\d+$/.test(term)) continue;
    const df = index.df(t);
    if (df < 2 || df > live * 0.2) continue;
    out.push({ id: t, w: w * Math.log(1 + live / df) });
  }
  out.sort((a, b) => b.w - a.w || a.id - b.id);
  const chosen = out.slice(0, RANKING.feedbackTerms);
  const max = chosen[0]?.w ?? 1;
  return chosen.map((e) => ({ id: e.id, w: e.w / max }));
}

/** Adds a bonus for query terms that occur near each other (within a few words, in the same field). */
function proximityRerank(index: SearchIndex, plan: Plan, docs: readonly number[], score: Float64Array, cov: Float64Array, totalImportance: number): void {
  const G = plan.groups.length;
  const groupOf = scratchFor(index).groupOf;
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
  try {
    for (const d of docs) {
      const seq = index.sequenceOf(d);
      lastPos.fill(-1000);
      pairSeen.fill(0);
      let bonus = 0;
      for (let p = 0; p < seq.length; p++) {
        const t = seq[p] ?? SEQ_BREAK;
        if (t === SEQ_BREAK) {
          lastPos.fill(-1000);
          continue;
        }
        const g = groupOf[t] ?? -1;
        if (g < 0) continue;
        for (let h = 0; h < G; h++) {
          if (h === g || p - (lastPos[h] ?? -1000) > window) continue;
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

/** The best `k` of `items` in order, without sorting all of them. */
function topK(items: readonly number[], k: number, cmp: (a: number, b: number) => number): number[] {
  if (k <= 0) return [];
  if (items.length <= k * 4 || items.length < 256) return [...items].sort(cmp).slice(0, k);
  const out: number[] = [];
  for (const x of items) {
    if (out.length < k) {
      out.push(x);
      if (out.length === k) out.sort(cmp);
      continue;
    }
    const worst = out[k - 1] ?? x;
    if (cmp(x, worst) >= 0) continue;
    // Binary insertion keeps `out` sorted; k is small (a page plus the re-rank window).
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(x, out[mid] ?? x) < 0) hi = mid;
      else lo = mid + 1;
    }
    out.splice(lo, 0, x);
    out.pop();
  }
  if (out.length < k) out.sort(cmp);
  return out;
}

function emptyFacets(): Facets {
  return { severity: {}, status: {}, kind: {}, service: {}, team: {}, factor: {}, tag: {} };
}

function countFacets(index: SearchIndex, docs: readonly number[]): Facets {
  const out = emptyFacets();
  const counts = FACETS.map((f) => new Int32Array(index.facets[f].values.length));
  const meta = index.meta;
  for (const d of docs) {
    const packed = meta[d]?.packed;
    if (!packed) continue;
    for (let k = 0; k < packed.length; k++) {
      const v = packed[k] as number;
      const arr = counts[v >>> 24];
      if (arr) arr[v & 0xffffff] = (arr[v & 0xffffff] as number) + 1;
    }
  }
  FACETS.forEach((f, fi) => {
    const arr = counts[fi];
    if (!arr) return;
    const values = index.facets[f].values;
    for (let c = 0; c < arr.length; c++) if ((arr[c] ?? 0) > 0) out[f][values[c] ?? ""] = arr[c] ?? 0;
  });
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
function didYouMean(raw: string, plan: Plan, index?: SearchIndex, q?: ParsedQuery): string | undefined {
  const corrections = new Map(plan.corrections);
  if (index && q) {
    for (const w of q.words) {
      if (corrections.has(w.text) || isStopword(w.text)) continue;
      const known = tokenize(w.text).some((t) => {
        const id = index.termId.get(t.term);
        return id !== undefined && index.df(id) > 0;
      });
      if (known) continue;
      const best = typoSurfaces(index, fold(w.text), 1)[0];
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
