import type { Taxonomy } from "./taxonomy";

/**
 * Outside categories each factor maps to: the factor's own `maps_to` when given, else its category's. The mapping is
 * taxonomy data (factors.yml), so importers and evals never hard-code it. Merged ids map like their new factor.
 */
export function factorCategoryMap(taxonomy: Taxonomy): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of taxonomy.factors) {
    const target = taxonomy.canonical(f.id) ?? f;
    out.set(f.id, target.maps_to ?? taxonomy.category(target.category)?.maps_to ?? []);
  }
  return out;
}
