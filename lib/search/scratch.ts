// Per-query working state: per-index buffers reused by every query (allocating and zeroing several arrays of the
// index's size per query would cost more than scoring a typical query), the query context, and slot classification.
import { passes, type Filter } from "./filters";
import { facetScratch, type FacetScratch } from "./facet-count";
import type { IndexView } from "./index-view";
import type { SearchIndex } from "./search-index";

/**
 * What a slot is for the current query. A slot's entries are only meaningful once `seen[slot]` equals the query's
 * epoch; `enter` or `classify` puts it there.
 */
export const SlotState = {
  /** Visible to the viewer and passes the filters: a candidate. */
  Match: 1,
  /** Visible, but a filter rejects it. */
  FilteredOut: 2,
  /** Removed, not visible to the viewer, or excluded by a `-word` of the query. */
  Excluded: 3,
} as const;
export type SlotState = (typeof SlotState)[keyof typeof SlotState];

export interface Scratch {
  size: number;
  /** Epoch of the query that last initialized each slot's entries. */
  seen: Int32Array;
  epoch: number;
  /** SlotState of each slot (valid where seen = epoch). */
  state: Uint8Array;
  score: Float64Array;
  cov: Float64Array;
  gacc: Float64Array;
  gw: Float64Array;
  mask: Int32Array;
  /** Documents having a word of a required group, marked with the query's epoch (search.ts markGroup). */
  need: Int32Array;
  /** term id → query group (or -1), for the proximity pass. */
  groupOf: Int32Array;
  /** Facet counting (facet-count.ts): matches per facet code, zero outside a query. */
  facets: FacetScratch;
}

export const scratches = new WeakMap<SearchIndex, Scratch>();

/** The scratch buffers of an index, grown to its current size. */
export function scratchFor(index: SearchIndex): Scratch {
  const n = index.meta.length;
  const t = index.terms.length;
  let s = scratches.get(index);
  if (!s || s.size < n || s.groupOf.length < t || s.facets.counts.length < index.valueOf.length) {
    const size = Math.max(n, Math.ceil((s?.size ?? 0) * 1.25));
    const groupOf = new Int32Array(Math.max(t, Math.ceil((s?.groupOf.length ?? 0) * 1.25)) + 1024).fill(-1);
    const facets = facetScratch(index.valueOf.length + 256);
    s = { size, seen: new Int32Array(size), epoch: 0, state: new Uint8Array(size), score: new Float64Array(size), cov: new Float64Array(size), gacc: new Float64Array(size), gw: new Float64Array(size), mask: new Int32Array(size), need: new Int32Array(size), groupOf, facets };
    scratches.set(index, s);
  }
  return s;
}

/** Starts a new query on the scratch buffers: entries of earlier queries stop counting. */
export function beginQuery(sc: Scratch): void {
  sc.epoch = (sc.epoch + 1) | 0;
  if (sc.epoch === 0) {
    sc.seen.fill(0);
    sc.need.fill(0);
    sc.epoch = 1;
  }
}

/** Starts a slot's scratch entries for this query, in the given state. */
export function enter(sc: Scratch, d: number, state: SlotState): void {
  sc.seen[d] = sc.epoch;
  sc.state[d] = state;
  sc.score[d] = 0;
  sc.cov[d] = 0;
  sc.mask[d] = 0;
}

/** What every stage of one query reads. */
export interface Ctx {
  index: SearchIndex;
  view: IndexView;
  sc: Scratch;
  canSee: ((id: string) => boolean) | undefined;
  /** The view's hidden slots decide visibility (the predicate named them for this index); canSee is then unset. */
  hidden: boolean;
  filter: Filter;
  /** No visibility check and no filters: a slot passes when it is live. */
  plain: boolean;
  facetLimit: number;
}

/** Enters a slot for this query with its state: removed, hidden from the viewer, filtered out, or a match. */
export function classify(ctx: Ctx, d: number): void {
  const { index, sc } = ctx;
  const m = index.meta[d];
  enter(sc, d, !m ? SlotState.Excluded : ctx.plain ? SlotState.Match : (ctx.hidden && ctx.view.hides(d)) || (ctx.canSee && !ctx.canSee(m.id)) ? SlotState.Excluded : passes(index, ctx.filter, d) ? SlotState.Match : SlotState.FilteredOut);
}

/** Enters a slot not seen yet in this query (the hot path: with no viewer check or filter only removal matters). */
export function admit(ctx: Ctx, d: number): void {
  if (ctx.plain) enter(ctx.sc, d, ctx.index.meta[d] === null ? SlotState.Excluded : SlotState.Match);
  else classify(ctx, d);
}
