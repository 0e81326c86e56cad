import { factorLinks } from "./factor-links";
import type { KnowledgeIncident } from "./incident-view";
import type { Taxonomy } from "../schema/taxonomy";

export interface TaxonomyCare {
  /** Active factors no incident uses: candidates to retire, or to describe better. */
  unused: { factor: string; name: string; category: string }[];
  /** Active factors used by exactly one incident: candidates to merge into a broader factor. */
  usedOnce: { factor: string; name: string; category: string; incidentId: string; suggestions: string[] }[];
  /** Old ids (merged into another factor) that incidents still reference: rewrite them to the new id. */
  mergedInUse: { oldId: string; newId: string; incidentIds: string[] }[];
  /** Ids referenced by incidents but absent from the taxonomy, with "did you mean". */
  unknownInUse: { id: string; incidentIds: string[]; suggestions: string[] }[];
}

/** Housekeeping figures for the taxonomy over a list of incidents. */
export function taxonomyCare(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy): TaxonomyCare {
  const links = factorLinks(incidents, taxonomy);
  const unused: TaxonomyCare["unused"] = [];
  const usedOnce: TaxonomyCare["usedOnce"] = [];
  for (const l of links) {
    if (!l.known) continue;
    if (l.incidents.length === 0) unused.push({ factor: l.factor, name: l.name, category: l.category });
    else if (l.incidents.length === 1) {
      // Other factors of the same category are the natural merge targets.
      const suggestions = links
        .filter((o) => o.known && o.factor !== l.factor && o.category === l.category && o.incidents.length > 1)
        .slice(0, 3)
        .map((o) => o.factor);
      usedOnce.push({ factor: l.factor, name: l.name, category: l.category, incidentId: l.incidents[0]?.id ?? "", suggestions });
    }
  }
  const merged = new Map<string, Set<string>>();
  const unknown = new Map<string, Set<string>>();
  for (const inc of incidents) {
    for (const ref of inc.frontmatter.contributing_factors) {
      const f = taxonomy.get(ref.factor);
      const target = !f ? unknown : f.merged_into ? merged : null;
      if (!target) continue;
      let s = target.get(ref.factor);
      if (!s) target.set(ref.factor, (s = new Set()));
      s.add(inc.id);
    }
  }
  return {
    unused,
    usedOnce,
    mergedInUse: [...merged]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([oldId, ids]) => ({ oldId, newId: taxonomy.canonicalId(oldId) ?? oldId, incidentIds: [...ids].sort() })),
    unknownInUse: [...unknown]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, ids]) => ({ id, incidentIds: [...ids].sort(), suggestions: taxonomy.didYouMean(id) })),
  };
}
