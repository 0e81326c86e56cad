// Query understanding: the parts of a free query that name something Kaizen knows — a factor of the taxonomy (its
// name or an alias: "expired certificate", "retry storm"), a service, a team, a severity — and, for longer queries,
// the factors the query's words are associated with in the indexed incidents. Each recognized concept boosts the
// incidents that carry it (never filters: an incident that says it in other words still ranks on its text) and is
// the reason a result gives for matching ("factor: Missing monitoring", "service: checkout").
//
// Everything here is computed from what the viewer may read: vocabulary entries come from facet values with a readable
// document, and the association counts skip every document the viewer may not see.
import { editDistance } from "../schema/fuzzy";
import { fold, phraseStems } from "../text/analyze";
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
  /**
   * How much of the query the concept accounts for, scaling the boost: for a factor, its name's words against those
   * words plus the query's words that no recognized name accounts for (1 when the query is only names). A factor's
   * name is a phrase of ordinary words ("health check", "limit", "migration"): in a longer description of a mechanism
   * it is one part of what the query asks, and carrying the factor says less than the rest of the text matching. A
   * service, team or severity names one thing wherever it stands in a query: 1.
   */
  share: number;
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
  /**
   * The typo lookup's deletion neighbourhoods: for each stem of TYPO_MIN letters or more (its ordinal: its place among
   * the keys of byStem), the hashes of the stem and of the stem with one letter deleted, sorted. Two words one edit
   * apart share one of these (the shorter whole, or both with the letter at the edit deleted), so a query word's own
   * neighbourhood finds every candidate with a few binary searches; each is then checked with `near`.
   */
  typo: { hashes: Uint32Array; ordinals: Int32Array; stems: string[] };
}

/** Stems shorter than this are never matched give or take a typo (see near). */
const TYPO_MIN = 5;

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
  const lex = { generation: index.generation, entries, byStem, typo: deletionNeighbourhoods([...byStem.keys()]) };
  lexicons.set(index, lex);
  return lex;
}

/** Whether two stems are the same word give or take one typo (long words only: short ones collide). */
function near(a: string, b: string): boolean {
  return a === b || (a.length >= TYPO_MIN && b.length >= TYPO_MIN && editDistance(a, b, 1) <= 1);
}

/** Hash of `s` with the character at `skip` left out (skip = -1: all of it), computed without building the string. */
function hashWithout(s: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) if (i !== skip) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function deletionNeighbourhoods(stems: string[]): Lexicon["typo"] {
  const hs: number[] = [];
  const os: number[] = [];
  stems.forEach((k, o) => {
    if (k.length < TYPO_MIN) return;
    for (let skip = -1; skip < k.length; skip++) {
      hs.push(hashWithout(k, skip));
      os.push(o);
    }
  });
  const order = hs.map((_, i) => i).sort((a, b) => (hs[a] as number) - (hs[b] as number) || (os[a] as number) - (os[b] as number));
  return { hashes: Uint32Array.from(order, (i) => hs[i] as number), ordinals: Int32Array.from(order, (i) => os[i] as number), stems };
}

const NO_KEYS: string[] = [];

/**
 * The stems one edit from `q` (q itself is not a stem), shorter ones first and otherwise in the lexicon's order — the
 * order a scan of the stems one letter shorter, as long and one longer would give.
 */
function typoKeys(lex: Lexicon, q: string): string[] {
  const { hashes, ordinals, stems } = lex.typo;
  let found: number[] | null = null;
  for (let skip = -1; skip < q.length; skip++) {
    const h = hashWithout(q, skip);
    let lo = 0;
    let hi = hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((hashes[mid] as number) < h) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < hashes.length && hashes[i] === h; i++) {
      const o = ordinals[i] as number;
      if (found?.includes(o)) continue;
      if (!near(stems[o] ?? "", q)) continue;
      (found ??= []).push(o);
    }
  }
  if (!found) return NO_KEYS;
  return found.sort((a, b) => (stems[a] ?? "").length - (stems[b] ?? "").length || a - b).map((o) => stems[o] ?? "");
}

/**
 * How well a name's stems occur among the query's: 1 word for word, less when they are apart, out of order or
 * misspelled; 0 when a word of the name is missing. `at` receives the query position each word of the name matched.
 */
function matchQuality(name: readonly string[], query: readonly string[], at: number[] = []): number {
  at.length = 0;
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
  // Allocated only once something is recognized: most queries name nothing.
  let found: Map<string, Concept> | null = null;
  const sev = /\bsev(?:erity)?[\s-]*([1-4])\b/.exec(fold(text));
  if (sev) found = addConcept(view, found, "severity", `SEV${sev[1]}`, `SEV${sev[1]}`, 1, 1);

  const query = phraseStems(text);
  // The query's words some recognized name accounts for (typos included: the query's spelling).
  let covered: Set<string> | null = null;
  const at: number[] = [];
  if (query.length > 0) {
    const lex = lexiconOf(index);
    let tried: Set<number> | null = null;
    for (let qi = 0; qi < query.length; qi++) {
      const q = query[qi] as string;
      if (query.indexOf(q) !== qi) continue;
      // A word not spelled like any name may be a typo of one: its near stems are looked at too (long words only).
      const keys = lex.byStem.has(q) || q.length < TYPO_MIN ? [q] : typoKeys(lex, q);
      for (const k of keys) {
        for (const e of lex.byStem.get(k) ?? NO_ENTRIES) {
          tried ??= new Set();
          if (tried.has(e)) continue;
          tried.add(e);
          const entry = lex.entries[e];
          if (!entry) continue;
          const quality = matchQuality(entry.stems, query, at);
          if (quality <= 0) continue;
          found = addConcept(view, found, entry.kind, entry.value, entry.label, quality, entry.kind === "factor" ? new Set(entry.stems).size : 1);
          // Only a name the viewer may see accounts for words: one only hidden incidents have is like any other word.
          if (!found?.has(conceptKey(entry.kind, entry.value))) continue;
          covered ??= new Set();
          for (const p of at) covered.add(query[p] as string);
        }
      }
    }
  }
  if (!found) return [];
  // The query's distinct words no name accounts for (a repeated word counts once, as it does for the name).
  const rest = new Set(query.filter((q) => !covered?.has(q))).size;
  for (const c of found.values()) if (c.kind === "factor") c.share = c.share / (c.share + rest);
  return [...found.values()].sort((a, b) => b.quality - a.quality || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)).slice(0, MAX_CONCEPTS);
}

const NO_ENTRIES: number[] = [];

function conceptKey(kind: ConceptKind, value: string): string {
  return `${kind}\u0000${value.toLowerCase()}`;
}

/**
 * Records a recognized concept (the better quality and the longer name when it is there already; `size` is the name's
 * word count for a factor, turned into its share once every name is known, else 1); returns the map, made when needed.
 */
function addConcept(view: IndexView, found: Map<string, Concept> | null, kind: ConceptKind, value: string, label: string, quality: number, size: number): Map<string, Concept> | null {
  const index = view.index;
  const key = conceptKey(kind, value);
  const prev = found?.get(key);
  if (prev) {
    prev.quality = Math.max(prev.quality, quality);
    prev.share = Math.max(prev.share, size);
    return found;
  }
  const codes = index.facets[FACET_OF[kind]].find(value).filter((c) => view.facetDf(c) > 0);
  if (codes.length === 0) return found;
  // Services and teams are shown in the spelling most readable incidents use: the lexicon's spelling may be one only
  // hidden incidents have, and naming it would tell that they exist.
  const shown = codes.reduce((best, c) => (view.facetDf(c) > view.facetDf(best) || (view.facetDf(c) === view.facetDf(best) && (index.valueOf[c] ?? "") < (index.valueOf[best] ?? "")) ? c : best));
  const text = kind === "factor" ? label : (index.valueOf[shown] ?? value);
  const map = found ?? new Map<string, Concept>();
  map.set(key, { kind, value: kind === "factor" ? value : text, label: text, quality, share: size, named: true, codes });
  return map;
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
    out.push({ kind: "factor", value, label: index.factorLabels.get(value) ?? value, quality: Math.min(1, strength / (2 * RANKING.associationThreshold)), share: 1, named: false, codes: [code] });
  }
  out.sort((a, b) => b.quality - a.quality || (a.value < b.value ? -1 : 1));
  return out.slice(0, RANKING.associationFactors);
}

/**
 * Adds each concept's boost to the incidents carrying it: the concept's weight (times its match quality and its share
 * of the query) times the idf of its value (a rare factor says more than a common one), scaled like every other score by how much of the query's words the incident
 * matches. `admitNew`: incidents matching none of the words join the results on the concept alone (free queries; not
 * when a phrase or a required word must match).
 */
export function boostConcepts(ctx: Ctx, concepts: readonly Concept[], cands: number[], totalImportance: number, admitNew: boolean): void {
  const { index, view, sc } = ctx;
  const { score, cov, mask, seen, state } = sc;
  const live = Math.max(1, view.live);
  for (const c of concepts) {
    const weight = (c.named ? RANKING.conceptWeight : RANKING.associationWeight) * c.quality * c.share;
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
