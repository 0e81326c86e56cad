// List filters (severity:, service:, factor: …) and the date range, compiled once per query against the facet codes.
import { LIST_FILTERS, type ParsedQuery } from "./query";
import type { IndexView } from "./index-view";
import type { SearchIndex } from "./search-index";
import { normalizeName } from "../schema/fuzzy";

/** Filters compiled against the facet codes: want[code] holds the bit of each filter the code satisfies. */
export interface Filter {
  want: Uint8Array | null;
  need: number;
  after: number | undefined;
  before: number | undefined;
}


/** Whether a slot passes the compiled filters. */
export function passes(index: SearchIndex, f: Filter, d: number): boolean {
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
export function compileFilters(index: SearchIndex, view: IndexView, q: ParsedQuery, errors: string[]): Filter | null {
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
