// Facet counts of a result set: exact over every matching visible document, listed most frequent first.
import { FACETS, type Facet } from "./fields";
import type { SearchIndex } from "./search-index";

export type Facets = Record<Facet, Record<string, number>>;


export function emptyFacets(): Facets {
  return { severity: {}, status: {}, kind: {}, service: {}, team: {}, factor: {}, tag: {} };
}

/**
 * Per-index counting buffers, reused by every query: counts per facet code, the codes counted so far (so listing
 * reads only the values the matches have, not every value of the index), and per value group its merged count and the
 * spelling shown. Everything is zero again after listFacets.
 */
export interface FacetScratch {
  counts: Int32Array;
  used: Int32Array;
  nUsed: number;
  total: Int32Array;
  shown: Int32Array;
}

export function facetScratch(codes: number): FacetScratch {
  return { counts: new Int32Array(codes), used: new Int32Array(codes), nUsed: 0, total: new Int32Array(codes), shown: new Int32Array(codes) };
}

/** Adds each document's facet codes to the counts. */
export function countCodes(index: SearchIndex, fs: FacetScratch, docs: readonly number[]): void {
  const off = index.facetOff.data;
  const vals = index.facetVals.data;
  const { counts, used } = fs;
  let nUsed = fs.nUsed;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i] as number;
    for (let k = off[d] as number, to = off[d + 1] as number; k < to; k++) {
      const c = vals[k] as number;
      if ((counts[c] = (counts[c] as number) + 1) === 1) used[nUsed++] = c;
    }
  }
  fs.nUsed = nUsed;
}

/** Facet listings of a set of documents (the counts are all zeros before and after). */
export function countFacets(index: SearchIndex, fs: FacetScratch, docs: readonly number[], facetLimit: number): Facets {
  countCodes(index, fs, docs);
  return listFacets(index, fs, facetLimit);
}

/**
 * Facet listings from the counts (which it zeroes again): per facet the `facetLimit` most frequent values, most
 * frequent first, then by value. Spellings of one value (case aside) are counted together and listed as the one most
 * of the matching documents use; nothing depends on the order values first reached the index.
 */
export function listFacets(index: SearchIndex, fs: FacetScratch, facetLimit: number): Facets {
  if (fs.nUsed === 0) return emptyFacets();
  const values = index.valueOf;
  const rank = valueRanks(index);
  const group = index.facetGroup;
  const per: number[][] = FACETS.map(() => []);
  const { counts, used, total, shown } = fs;
  const nUsed = fs.nUsed;
  // Per group (its first code): the merged count and the code of the spelling shown.
  for (let i = 0; i < nUsed; i++) {
    const c = used[i] as number;
    const k = counts[c] as number;
    const g = group[c] ?? c;
    if (total[g] === 0) {
      per[index.facetOf[c] as number]?.push(g);
      shown[g] = c;
    } else {
      const b = shown[g] as number;
      const kb = counts[b] as number;
      if (k > kb || (k === kb && (rank[c] as number) < (rank[b] as number))) shown[g] = c;
    }
    total[g] = (total[g] as number) + k;
  }
  const label = (g: number) => values[shown[g] as number] ?? "";
  // By count, then by the shown value (its rank among all values: comparing integers, not strings).
  const order = (a: number, b: number) => (total[b] as number) - (total[a] as number) || (rank[shown[a] as number] as number) - (rank[shown[b] as number] as number);
  const out = emptyFacets();
  for (let fi = 0; fi < FACETS.length; fi++) {
    let groups = per[fi] ?? [];
    if (groups.length > facetLimit) groups = mostFrequent(groups, total, facetLimit, order);
    groups.sort(order);
    const rec: Record<string, number> = {};
    for (const g of groups) rec[label(g)] = total[g] as number;
    out[FACETS[fi] ?? "tag"] = rec;
  }
  for (let i = 0; i < nUsed; i++) {
    const c = used[i] as number;
    counts[c] = 0;
    total[group[c] ?? c] = 0;
  }
  fs.nUsed = 0;
  return out;
}

const ranks = new WeakMap<SearchIndex, Int32Array>();

/**
 * Each facet code's position among all facet values in string order (equal values share one): listings sort by it.
 * Codes are only ever added, so it is recomputed only when there are new ones.
 */
function valueRanks(index: SearchIndex): Int32Array {
  const values = index.valueOf;
  const cached = ranks.get(index);
  if (cached && cached.length === values.length) return cached;
  const codes = values.map((_, c) => c).sort((a, b) => ((values[a] ?? "") < (values[b] ?? "") ? -1 : (values[a] ?? "") > (values[b] ?? "") ? 1 : 0));
  const rank = new Int32Array(values.length);
  for (let i = 0, r = 0; i < codes.length; i++) {
    if (i > 0 && values[codes[i] as number] !== values[codes[i - 1] as number]) r = i;
    rank[codes[i] as number] = r;
  }
  ranks.set(index, rank);
  return rank;
}

/** The `k` entries with the highest counts (ties by `order`), unordered. */
export function mostFrequent(codes: readonly number[], counts: Int32Array, k: number, order: (a: number, b: number) => number): number[] {
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
