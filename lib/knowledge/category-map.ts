import type { Taxonomy } from "../schema/taxonomy";

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

/**
 * Confidence per outside category from factor suggestions: the noisy-or of the confidences of the factors that map to
 * it (1 − Π(1 − c)). Two factors pointing at the same category are two pieces of evidence for it, so they add up
 * instead of only the strongest one counting; a category no suggested factor maps to is absent.
 */
export function categoryConfidences(
  suggestions: readonly { factor: string; confidence: number }[],
  toCategories: ReadonlyMap<string, readonly string[]>,
): Map<string, number> {
  const miss = new Map<string, number>();
  for (const s of suggestions) {
    const c = Math.min(1, Math.max(0, s.confidence));
    for (const cat of new Set(toCategories.get(s.factor) ?? [])) miss.set(cat, (miss.get(cat) ?? 1) * (1 - c));
  }
  return new Map([...miss].map(([cat, m]) => [cat, Math.round((1 - m) * 1000) / 1000]));
}
