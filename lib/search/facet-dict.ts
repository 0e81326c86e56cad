/**
 * Facet values of one facet. Each spelling has its own code (so a listing shows a spelling only when a document the
 * viewer may read uses it) and lookups are case-insensitive over all spellings of a value. Codes are global across
 * facets (one counting array serves every facet); `SearchIndex.facetOf` and `valueOf` map a code back.
 */
export class FacetDict {
  readonly byValue = new Map<string, number>();
  readonly byKey = new Map<string, number[]>();
  /** Codes of every spelling of `value` (case-insensitive); empty when no document has it. */
  find(value: string): readonly number[] {
    return this.byKey.get(value.toLowerCase()) ?? [];
  }
}
