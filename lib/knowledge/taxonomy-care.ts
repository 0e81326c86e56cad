import { factorLinks } from "./factor-links";
import type { KnowledgeIncident } from "./incident-view";
import type { Taxonomy } from "../schema/taxonomy";
import { stemsWithSurface } from "../text/analyze";
import { dot, normalize, type SparseVector } from "./text";

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

export interface MergeSuggestion {
  /** The less used factor: the one to merge into `b`. */
  a: string;
  b: string;
  aName: string;
  bName: string;
  /** 0..1: how alike their descriptions are and how alike the incidents that use them are. */
  score: number;
  reasons: string[];
}

const TEXT_WEIGHT = 0.7;
const CONTEXT_WEIGHT = 0.3;
const MIN_MERGE_SCORE = 0.3;

/**
 * Pairs of active factors that look like one factor written two ways: their names, descriptions and aliases share
 * distinctive words (tf-idf cosine over the taxonomy), and the incidents that use them look alike (the other factors,
 * services and teams they come with). Two factors named together in one incident are two aspects of it, so each such
 * incident halves the score. Computed over the incidents given (callers pass what the viewer may read).
 */
export function mergeSuggestions(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, limit = 5): MergeSuggestion[] {
  const active = taxonomy.active;
  const surface = new Map<string, string>();
  const termsOf = new Map(active.map((f) => [f.id, new Set(stemsWithSurface([f.name, f.description, ...f.aliases].join(" "), surface))]));
  const df = new Map<string, number>();
  for (const set of termsOf.values()) for (const t of set) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log(1 + active.length / (df.get(t) ?? 1));
  const textVec = new Map(active.map((f) => [f.id, normalize(new Map([...termsOf.get(f.id)!].map((t) => [t, idf(t)])))]));

  // What each factor's incidents come with, and how often two factors are named in the same incident.
  const context = new Map<string, SparseVector>();
  const usage = new Map<string, number>();
  const together = new Map<string, number>();
  for (const inc of incidents) {
    const ids = [...new Set(inc.frontmatter.contributing_factors.map((r) => taxonomy.canonicalId(r.factor)).filter((x): x is string => !!x))];
    const features = [...ids.map((x) => `f:${x}`), ...inc.frontmatter.services.map((s) => `s:${s}`), ...inc.frontmatter.teams.map((t) => `t:${t}`)];
    for (const id of ids) {
      usage.set(id, (usage.get(id) ?? 0) + 1);
      let v = context.get(id);
      if (!v) context.set(id, (v = new Map()));
      for (const feat of features) if (feat !== `f:${id}`) v.set(feat, (v.get(feat) ?? 0) + 1);
    }
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      const key = [ids[i], ids[j]].sort().join(" ");
      together.set(key, (together.get(key) ?? 0) + 1);
    }
  }
  for (const v of context.values()) normalize(v);

  const out: MergeSuggestion[] = [];
  for (let i = 0; i < active.length; i++) {
    for (let j = i + 1; j < active.length; j++) {
      const [x, y] = [active[i]!, active[j]!];
      const text = dot(textVec.get(x.id)!, textVec.get(y.id)!);
      if (text < MIN_MERGE_SCORE / 2) continue;
      const cx = context.get(x.id);
      const cy = context.get(y.id);
      const ctx = cx && cy ? dot(cx, cy) : 0;
      const both = together.get([x.id, y.id].sort().join(" ")) ?? 0;
      const score = (TEXT_WEIGHT * text + CONTEXT_WEIGHT * ctx) / 2 ** both;
      if (score < MIN_MERGE_SCORE) continue;
      const shared = [...termsOf.get(x.id)!].filter((t) => termsOf.get(y.id)!.has(t)).sort((p, q) => idf(q) - idf(p)).slice(0, 4).map((t) => surface.get(t) ?? t);
      const reasons = [`described alike (${shared.join(", ")})`];
      if (ctx > 0.3) reasons.push("their incidents share factors, services or teams");
      reasons.push(both ? `named together in ${both} incident${both === 1 ? "" : "s"}` : "never named in the same incident");
      // The less used one is folded into the more used one (ties: the later one in factors.yml).
      const [a, b] = (usage.get(x.id) ?? 0) > (usage.get(y.id) ?? 0) ? [y, x] : [x, y];
      out.push({ a: a.id, b: b.id, aName: a.name, bName: b.name, score, reasons });
    }
  }
  return out.sort((p, q) => q.score - p.score).slice(0, limit);
}
