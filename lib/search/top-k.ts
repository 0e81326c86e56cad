// Ordering of scored slots: the comparator every stage shares and a partial sort for the head of the ranking.
import type { SearchIndex } from "./search-index";

/** Orders slots by score, then the more recent start, then id. */
export function byScoreThenRecency(index: SearchIndex, score: Float64Array): (a: number, b: number) => number {
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

/** The best `k` of `items` in order (higher score first, then `cmp`), without sorting all of them. */
export function topK(items: readonly number[], k: number, score: Float64Array, cmp: (a: number, b: number) => number): number[] {
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
