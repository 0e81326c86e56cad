// Query understanding: the parts of a free query that name something Kaizen knows — a factor of the taxonomy (its
// name or an alias: "expired certificate", "retry storm"), a service, a team, a severity — and, for longer queries,
// the factors the query's words are associated with in the indexed incidents. Each recognized concept boosts the
// incidents that carry it (never filters: an incident that says it in other words still ranks on its text) and is
// the reason a result gives for matching ("factor: Missing monitoring", "service: checkout").
//
// Everything here is computed from what the viewer may read: vocabulary entries come from facet values with a readable
// document, and the association counts skip every document the viewer may not see.
import { editDistance } from "../schema/fuzzy";
import { fold, phraseStems, words } from "../text/analyze";
import { FACET, type Facet } from "./fields";
import type { IndexView } from "./index-view";
import { RANKING, coverageFactor, idf } from "./ranking";
import { SlotState, classify, type Ctx } from "./scratch";
import type { SearchIndex } from "./search-index";

export type ConceptKind = "factor" | "service" | "team" | "severity";

/** A concept recognized in a query, with the facet codes of its value that the viewer may see. */
export interface Concept {
  kind: ConceptKind;
  /** Facet value: a canonical factor id, a service or team as written, SEV1..SEV4. */
  value: string;
  /** What a person reads: the factor's name, the service, the severity. */
  label: string;
  /** How sure the match is (1 = the name or an alias word for word), scaling the boost. */
  quality: number;
  /** Recognized from the words themselves (false: inferred from the words' associations with the factor). */
  named: boolean;
  codes: number[];
}

interface Entry {
  kind: Exclude<ConceptKind, "severity">;
  value: string;
  label: string;
  stems: string[];
}

interface Lexicon {
  generation: number;
  entries: Entry[];
  /** stem → entries having it, so a query only looks at entries sharing one of its words. */
  byStem: Map<string, number[]>;
  /** The stems by length, for the typo lookup (a stem one edit away is at most one character longer or shorter). */
  byLength: Map<number, string[]>;
}

const lexicons = new WeakMap<SearchIndex, Lexicon>();
const FACET_OF: Record<ConceptKind, Facet> = { factor: "factor", service: "service", team: "team", severity: "severity" };
const MAX_CONCEPTS = 6;
/** Single-word names shorter than this ("db", "api") are too ambiguous to stand for a concept on their own. */
const MIN_SINGLE = 4;

/** The names the index can recognize: factor names and aliases of the taxonomy, services and teams of the incidents. */
function lexiconOf(index: SearchIndex): Lexicon {
  const cached = lexicons.get(index);
  if (cached && cached.generation === index.generation) return cached;
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const push = (kind: Entry["kind"], value: string, label: string, name: string) => {
    const stems = phraseStems(name.replace(/-/g, " "));
    if (stems.length === 0 || (stems.length === 1 && (stems[0] ?? "").length < MIN_SINGLE)) return;
    const key = `${kind}\u0000${value}\u0000${stems.join(" ")}`;
    if (seen.has(key)) return;
    seen.add(key);
    entries.push({ kind, value, label, stems });
  };
  for (const [name, id] of index.factorNames) push("factor", id, index.factorLabels.get(id) ?? id, name);
  for (const [value] of index.facets.service.byValue) push("service", value, value, value);
  for (const [value] of index.facets.team.byValue) push("team", value, value, value);
  const byStem = new Map<string, number[]>();
  entries.forEach((e, i) => {
    for (const s of new Set(e.stems)) {
      const list = byStem.get(s);
      if (list) list.push(i);
      else byStem.set(s, [i]);
    }
  });
  const byLength = new Map<number, string[]>();
  for (const k of byStem.keys()) {
    const list = byLength.get(k.length);
    if (list) list.push(k);
    else byLength.set(k.length, [k]);
  }
  const lex = { generation: index.generation, entries, byStem, byLength };
  lexicons.set(index, lex);
  return lex;
}

/** Whether two stems are the same word give or take one typo (long words only: short ones collide). */
function near(a: string, b: string): boolean {
  return a === b || (a.length >= 5 && b.length >= 5 && editDistance(a, b, 1) <= 1);
}

/**
 * How well a name's stems occur among the query's: 1 word for word, less when they are apart, out of order or
 * misspelled; 0 when a word of the name is missing.
 */
function matchQuality(name: readonly string[], query: readonly string[]): number {
  const at: number[] = [];
  let fuzzy = 0;
  for (const s of name) {
    let pos = query.indexOf(s);
    if (pos < 0) {
      pos = query.findIndex((q) => near(s, q));
      if (pos < 0) return 0;
      fuzzy++;
    }
    at.push(pos);
  }
  let inOrder = true;
  for (let i = 1; i < at.length; i++) if ((at[i] as number) !== (at[i - 1] as number) + 1) inOrder = false;
  const span = Math.max(...at) - Math.min(...at) + 1;
  let q = inOrder ? 1 : span <= name.length + 2 ? 0.8 : span <= name.length + 5 ? 0.5 : 0;
  q *= Math.pow(0.8, fuzzy);
  return q;
}

/** The concepts a query's free words name, best first (at most a few). */
export function recognizeConcepts(view: IndexView, text: string): Concept[] {
  const index = view.index;
  const found = new Map<string, Concept>();
  const add = (kind: ConceptKind, value: string, label: string, quality: number) => {
    const key = `${kind}\u0000${value.toLowerCase()}`;
    const prev = found.get(key);
    if (prev) {
      prev.quality = Math.max(prev.quality, quality);
      return;
    }
    const codes = index.facets[FACET_OF[kind]].find(value).filter((c) => view.facetDf(c) > 0);
    if (codes.length === 0) return;
    // Services and teams are shown in the spelling most readable incidents use: the lexicon's spelling may be one only
    // hidden incidents have, and naming it would tell that they exist.
    const shown = codes.reduce((best, c) => (view.facetDf(c) > view.facetDf(best) || (view.facetDf(c) === view.facetDf(best) && (index.valueOf[c] ?? "") < (index.valueOf[best] ?? "")) ? c : best));
    const text = kind === "factor" ? label : (index.valueOf[shown] ?? value);
    found.set(key, { kind, value: kind === "factor" ? value : text, label: text, quality, named: true, codes });
  };
  const sev = /\bsev(?:erity)?[\s-]*([1-4])\b/.exec(fold(text));
  if (sev) add("severity", `SEV${sev[1]}`, `SEV${sev[1]}`, 1);

  const query = words(text).flatMap((w) => phraseStems(w));
  if (query.length > 0) {
    const lex = lexiconOf(index);
    const tried = new Set<number>();
    for (const q of new Set(query)) {
      // A word not spelled like any name may be a typo of one: its near stems are looked at too (long words only).
      const keys = lex.byStem.has(q) || q.length < 5 ? [q] : [q.length - 1, q.length, q.length + 1].flatMap((n) => (lex.byLength.get(n) ?? []).filter((k) => near(k, q)));
      for (const e of keys.flatMap((k) => lex.byStem.get(k) ?? [])) {
        if (tried.has(e)) continue;
        tried.add(e);
        const entry = lex.entries[e];
        if (!entry) continue;
        const quality = matchQuality(entry.stems, query);
        if (quality > 0) add(entry.kind, entry.value, entry.label, quality);
      }
    }
  }
  return [...found.values()].sort((a, b) => b.quality - a.quality || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)).slice(0, MAX_CONCEPTS);
}

/**
 * Factors the query's words are associated with in the incidents the viewer may read: for each content term of the
 * query, the pointwise mutual information between "contains the term" and "carries the factor" over the readable
 * incidents; a factor whose idf-weighted positive PMI over the query's terms is high enough is inferred. This is how
 * "why did the generators not start when the power went out" reaches the power-and-cooling factor whose name shares
 * none of its words.
 */
export function associatedFactors(ctx: Ctx, terms: readonly { id: number; term: string }[], known: readonly Concept[]): Concept[] {
  const { index, view, sc } = ctx;
  const live = Math.max(1, view.live);
  const joint = new Map<number, Float64Array>();
  let totalIdf = 0;
  const weights: number[] = [];
  const usable = terms.filter((t) => {
    const df = view.df(t.id);
    return df >= 2 && df <= live * RANKING.associationMaxShare;
  });
  usable.forEach((t, ti) => {
    const w = idf(live, view.df(t.id));
    weights.push(w);
    totalIdf += w;
    const buckets = index.flex.postings(t.term);
    if (!buckets) return;
    const epoch = sc.epoch;
    for (const ids of buckets) {
      if (!ids) continue;
      for (let i = 0; i < ids.length; i++) {
        const d = ids[i] as number;
        if (sc.seen[d] !== epoch) classify(ctx, d);
        // Every readable incident counts (filters aside), an unreadable or removed one never.
        if (sc.state[d] === SlotState.Excluded) continue;
        for (let k = index.facetOff.data[d] as number, to = index.facetOff.data[d + 1] as number; k < to; k++) {
          const c = index.facetVals.data[k] as number;
          if (index.facetOf[c] !== FACET.factor) continue;
          let row = joint.get(c);
          if (!row) {
            row = new Float64Array(usable.length);
            joint.set(c, row);
          }
          row[ti] = (row[ti] as number) + 1;
        }
      }
    }
  });
  if (totalIdf === 0) return [];
  const knownValues = new Set(known.filter((c) => c.kind === "factor").map((c) => c.value));
  const out: Concept[] = [];
  for (const [code, row] of joint) {
    const dfF = view.facetDf(code);
    if (dfF < 2) continue;
    let s = 0;
    usable.forEach((t, ti) => {
      const n = row[ti] as number;
      if (n < 2) return;
      const pmi = Math.log((n * live) / (view.df(t.id) * dfF));
      if (pmi > 0) s += (weights[ti] as number) * pmi;
    });
    const strength = s / totalIdf;
    if (strength < RANKING.associationThreshold) continue;
    const value = index.valueOf[code] ?? "";
    if (knownValues.has(value)) continue;
    out.push({ kind: "factor", value, label: index.factorLabels.get(value) ?? value, quality: Math.min(1, strength / (2 * RANKING.associationThreshold)), named: false, codes: [code] });
  }
  out.sort((a, b) => b.quality - a.quality || (a.value < b.value ? -1 : 1));
  return out.slice(0, RANKING.associationFactors);
}

/**
 * Adds each concept's boost to the incidents carrying it: the concept's weight times the idf of its value (a rare
 * factor says more than a common one), scaled like every other score by how much of the query's words the incident
 * matches. `admitNew`: incidents matching none of the words join the results on the concept alone (free queries; not
 * when a phrase or a required word must match).
 */
export function boostConcepts(ctx: Ctx, concepts: readonly Concept[], cands: number[], totalImportance: number, admitNew: boolean): void {
  const { index, view, sc } = ctx;
  const { score, cov, mask, seen, state } = sc;
  const live = Math.max(1, view.live);
  for (const c of concepts) {
    const weight = (c.named ? RANKING.conceptWeight : RANKING.associationWeight) * c.quality;
    if (weight <= 0) continue;
    for (const code of c.codes) {
      const v = weight * idf(live, view.facetDf(code));
      const docs = index.facetPostings(code);
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i] as number;
        if (seen[d] !== sc.epoch) classify(ctx, d);
        if (state[d] !== SlotState.Match) continue;
        if (mask[d] === 0) {
          if (!admitNew) continue;
          mask[d] = 1 << 30;
          cands.push(d);
        }
        const share = totalImportance > 0 ? (cov[d] as number) / totalImportance : 1;
        score[d] = (score[d] as number) + v * coverageFactor(share);
      }
    }
  }
}

/** The reasons a result matched the query's concepts ("factor: Missing monitoring"). */
export function reasonsFor(index: SearchIndex, slot: number, concepts: readonly Concept[]): string[] {
  const out: string[] = [];
  // An inferred factor says so: the query did not name it, its words go with it in other incidents.
  for (const c of concepts) if (c.codes.some((code) => index.hasFacet(slot, code))) out.push(`${c.kind}${c.named ? "" : " (by association)"}: ${c.label}`);
  return out;
}
