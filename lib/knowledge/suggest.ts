import { editDistance } from "../schema/fuzzy";
import { incidentFactors, memoByList, type KnowledgeIncident } from "./incident-view";
import type { Taxonomy } from "../schema/taxonomy";
import { phraseStems, stems } from "../text/analyze";
import { dot, normalize, termFrequencies, type SparseVector } from "./text";

export interface FactorSuggestion {
  factor: string;
  name: string;
  /** 0..1, from the evidence below: 1 − e^(−evidence). */
  confidence: number;
  /** Why, in words: `alias "connection pool"`, `close to "certficate" (certificate)`, `like past incidents: pool, redis`. */
  reasons: string[];
}

/** Free text, or the fields of a draft: words in the title count twice, in the summary 1.5 times. */
export type SuggestInput = string | { title?: string; summary?: string; body?: string };

export interface SuggestOptions {
  /** Suggestions below this confidence are dropped (default 0.5). */
  minConfidence?: number;
  /** At most this many suggestions (default 5). */
  limit?: number;
  /** Factors already chosen, left out of the result. */
  exclude?: readonly string[];
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;

interface Phrase {
  factor: string;
  text: string;
  /** number of content words */
  size: number;
  /** how many factors share this phrase: shared phrases are weaker evidence for each. */
  shared: number;
}

interface Matcher {
  phrases: Map<string, Phrase[]>;
  maxLen: number;
  /** Single-word phrase stems by length, for typo matching. */
  singles: Map<number, string[]>;
  vocabulary: Set<string>;
  fuzzyCache: Map<string, string | null>;
  /** Per concept, the factors whose own words carry it. */
  concepts: Map<string, string[]>;
}

// Evidence weights. A multi-word phrase is a deliberate statement; a lone word is often incidental in a long report.
const PHRASE_EVIDENCE = 1.0;
const WORD_EVIDENCE = 0.45;
const REPEAT_EVIDENCE = 0.25;
const MAX_REPEATS = 2;
const FUZZY_EVIDENCE = 0.3;
const PROFILE_EVIDENCE = 2.0;
const PROFILE_MIN_COSINE = 0.12;
const FIELD_WEIGHT = { title: 2, summary: 1.5, body: 1 } as const;
/** Evidence of one concept (validation, configuration, capacity, …) named in the text and in a factor's own words. */
const CONCEPT_EVIDENCE = 0.3;
/**
 * Concepts are read only in short texts (a description of one factor, a title and summary): a whole report names
 * nearly every concept somewhere, and on the postmortems-app corpus concept evidence on full reports lowered the
 * cross-validated F1 (0.67 → 0.66, `npm run eval:factors`), so reports are matched as before.
 */
const CONCEPT_MAX_TEXT = 600;
/** Resemblance to past incidents counts only when it rests on at least this many shared words (one word is chance). */
const PROFILE_MIN_TERMS = 2;
/** Below this, a suggestion rests on too little to show (for any minConfidence a caller passes). */
const MIN_EVIDENCE = 0.25;
const FUZZY_CACHE_MAX = 20_000;

/**
 * Plain-language concepts: how people describe a factor without the taxonomy's words ("pool size change not validated
 * against max_connections" names a change, missing validation and a capacity limit). `says` finds the concept in the
 * author's text, `in` in a factor's name, aliases and description; both on whole words. A factor whose own words carry
 * several of the text's concepts is a good candidate even when no alias matches.
 */
const CONCEPTS: { name: string; says: RegExp; in: RegExp }[] = [
  {
    name: "validation",
    says: /\b(validat\w*|unvalidated|check(ed|ing|s)?|unchecked|verif\w*|unverified|test(ed|ing|s)?|untested|dry[- ]run|review(ed|s)?|lint\w*|schema)\b/i,
    in: /\b(validat\w*|dry run|schema|verif\w*|untested|tested)\b/i,
  },
  {
    name: "configuration",
    says: /\b(config\w*|setting[s]?|parameter[s]?|value[s]?|flag[s]?|option[s]?|tunable[s]?|pool[ _-]size|max_\w+|yaml|env(ironment)? var\w*)\b/i,
    in: /\b(config\w*|setting[s]?|parameter[s]?|misconfigur\w*)\b/i,
  },
  {
    name: "capacity",
    says: /\b(capacity|limit[s]?|max(imum)?|max_\w+|quota[s]?|pool[s]?|size[ds]?|saturat\w*|exhaust\w*|headroom|ran out|full|throughput|connections?)\b/i,
    in: /\b(capacity|limit[s]?|quota[s]?|exhaust\w*|saturat\w*|headroom|ran out)\b/i,
  },
  {
    name: "change",
    says: /\b(chang\w*|deploy\w*|rollout|rolled out|push(ed)?|updat\w*|upgrad\w*|migrat\w*|bump(ed)?|raised|lowered|increased|decreased)\b/i,
    in: /\b(change[sd]?|deploy\w*|rollout|push)\b/i,
  },
  {
    name: "alerting",
    says: /\b(alert\w*|pag(ed|e|ing)|notif\w*|threshold[s]?|on-?call|dashboard[s]?)\b/i,
    in: /\b(alert\w*|pag(ed|e|ing)|threshold[s]?|monitor\w*)\b/i,
  },
  {
    name: "time",
    says: /\b(dst|daylight|time ?zone[s]?|clock[s]?|midnight|leap|expir\w*|cron|schedul\w*)\b/i,
    in: /\b(dst|daylight|time ?zone[s]?|clock[s]?|leap|expir\w*|schedul\w*)\b/i,
  },
];

function buildMatcher(taxonomy: Taxonomy): Matcher {
  const byKey = new Map<string, { factors: Set<string>; list: Phrase[] }>();
  for (const f of taxonomy.factors) {
    const target = taxonomy.canonicalId(f.id) ?? f.id;
    if (taxonomy.get(target)?.merged_into) continue;
    // A merged factor's aliases and name keep pointing at the factor it was merged into.
    for (const text of [f.name, f.id.replace(/-/g, " "), ...f.aliases]) {
      const s = phraseStems(text);
      if (s.length === 0) continue;
      const key = s.join(" ");
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { factors: new Set(), list: [] }));
      if (entry.factors.has(target)) continue;
      entry.factors.add(target);
      entry.list.push({ factor: target, text, size: s.length, shared: 1 });
    }
  }
  const phrases = new Map<string, Phrase[]>();
  const singles = new Map<number, string[]>();
  const vocabulary = new Set<string>();
  let maxLen = 1;
  for (const [key, { factors, list }] of byKey) {
    for (const p of list) p.shared = factors.size;
    phrases.set(key, list);
    const parts = key.split(" ");
    parts.forEach((p) => vocabulary.add(p));
    maxLen = Math.max(maxLen, parts.length);
    if (parts.length === 1 && key.length >= 5 && !/\d/.test(key)) {
      const l = singles.get(key.length) ?? [];
      l.push(key);
      singles.set(key.length, l);
    }
  }
  const concepts = new Map<string, string[]>();
  for (const c of CONCEPTS) {
    const list = taxonomy.active
      .filter((f) => !f.merged_into && c.in.test(`${f.name} ${f.description}`.replace(/[-_]/g, " ")))
      .map((f) => f.id);
    if (list.length) concepts.set(c.name, list);
  }
  return { phrases, maxLen, singles, vocabulary, fuzzyCache: new Map(), concepts };
}

const matchers = new WeakMap<Taxonomy, Matcher>();

/** The phrase matcher for a taxonomy, built once per taxonomy object. */
function matcherFor(taxonomy: Taxonomy): Matcher {
  let m = matchers.get(taxonomy);
  if (!m) matchers.set(taxonomy, (m = buildMatcher(taxonomy)));
  return m;
}

/** The known single-word phrase a misspelt word is closest to (edit distance 1, or 2 for long words), if any. */
function fuzzyWord(m: Matcher, w: string): string | null {
  const cached = m.fuzzyCache.get(w);
  if (cached !== undefined) return cached;
  let best: string | null = null;
  if (w.length >= 6 && !m.vocabulary.has(w) && !/\d/.test(w)) {
    const max = w.length >= 9 ? 2 : 1;
    let bestD = max + 1;
    for (let len = w.length - max; len <= w.length + max; len++) {
      for (const cand of m.singles.get(len) ?? []) {
        const d = editDistance(w, cand, max);
        // Same first letter: typos rarely hit the first letter, and this rules out many unrelated pairs.
        if (d < bestD && cand[0] === w[0]) {
          bestD = d;
          best = cand;
        }
      }
    }
  }
  if (m.fuzzyCache.size > FUZZY_CACHE_MAX) m.fuzzyCache.clear();
  m.fuzzyCache.set(w, best);
  return best;
}

interface Evidence {
  score: number;
  reasons: string[];
  hits: Map<string, number>;
}

function fields(input: SuggestInput): { text: string; weight: number }[] {
  if (typeof input === "string") return [{ text: input, weight: 1 }];
  return (["title", "summary", "body"] as const).flatMap((k) => {
    const text = input[k];
    return text ? [{ text, weight: FIELD_WEIGHT[k] }] : [];
  });
}

function collectMatches(m: Matcher, input: SuggestInput, evidence: Map<string, Evidence>): void {
  const get = (factor: string): Evidence => {
    let e = evidence.get(factor);
    if (!e) evidence.set(factor, (e = { score: 0, reasons: [], hits: new Map() }));
    return e;
  };
  for (const { text, weight } of fields(input)) {
    const tokens = phraseStems(text);
    for (let i = 0; i < tokens.length; i++) {
      let key = "";
      let matched = false;
      for (let len = 1; len <= m.maxLen && i + len <= tokens.length; len++) {
        key = len === 1 ? (tokens[i] ?? "") : `${key} ${tokens[i + len - 1]}`;
        const hits = m.phrases.get(key);
        if (!hits) continue;
        matched = true;
        for (const p of hits) {
          const e = get(p.factor);
          const seen = e.hits.get(key) ?? 0;
          const base = (p.size > 1 ? PHRASE_EVIDENCE : WORD_EVIDENCE) / p.shared;
          if (seen === 0) {
            e.score += base * weight;
            e.reasons.push(`${p.size > 1 ? "phrase" : "word"} "${p.text}"`);
          } else if (seen <= MAX_REPEATS) e.score += REPEAT_EVIDENCE * base * weight;
          e.hits.set(key, seen + 1);
        }
      }
      if (!matched) {
        const near = fuzzyWord(m, tokens[i] ?? "");
        const hits = near ? m.phrases.get(near) : undefined;
        for (const p of hits ?? []) {
          const e = get(p.factor);
          if (e.hits.has(near ?? "")) continue;
          e.hits.set(near ?? "", 1);
          e.score += (FUZZY_EVIDENCE * weight) / p.shared;
          e.reasons.push(`close to "${p.text}"`);
        }
      }
    }
  }
}

function collectConcepts(m: Matcher, input: SuggestInput, evidence: Map<string, Evidence>): void {
  const said = new Map<string, number>();
  if (fields(input).reduce((n, f) => n + f.text.length, 0) > CONCEPT_MAX_TEXT) return;
  for (const { text, weight } of fields(input)) {
    const plain = text.replace(/[-]/g, " ");
    for (const c of CONCEPTS) if (c.says.test(plain)) said.set(c.name, Math.max(said.get(c.name) ?? 0, weight));
  }
  // A concept alone is weak evidence (many factors mention "change"); only factors that share two or more of the
  // text's concepts get any, and a concept shared by many factors counts for less.
  const perFactor = new Map<string, { score: number; names: string[] }>();
  for (const [name, weight] of said) {
    const factors = m.concepts.get(name) ?? [];
    for (const f of factors) {
      const e = perFactor.get(f) ?? { score: 0, names: [] };
      e.score += (CONCEPT_EVIDENCE * weight) / Math.sqrt(factors.length);
      e.names.push(name);
      perFactor.set(f, e);
    }
  }
  for (const [factor, { score, names }] of perFactor) {
    if (names.length < 2) continue;
    let e = evidence.get(factor);
    if (!e) evidence.set(factor, (e = { score: 0, reasons: [], hits: new Map() }));
    e.score += score * (names.length - 1);
    e.reasons.push(`about ${names.join(", ")}`);
  }
}

interface Profiles {
  idf: Map<string, number>;
  centroids: Map<string, { vector: SparseVector; incidents: number }>;
}

/** Per factor, the TF-IDF centroid of the titles, summaries and factor notes of the incidents that used it. */
const buildProfiles = memoByList((incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy): Profiles => {
  const docs: { factors: string[]; tf: Map<string, number>; notes: Map<string, Map<string, number>> }[] = [];
  const df = new Map<string, number>();
  for (const inc of incidents) {
    const refs = incidentFactors(inc, taxonomy);
    if (refs.length === 0) continue;
    const tf = termFrequencies(stems(`${inc.frontmatter.title} ${inc.frontmatter.summary}`));
    const notes = new Map(refs.map((r) => [r.factor, termFrequencies(stems(r.note ?? ""))]));
    const all = new Set([...tf.keys(), ...[...notes.values()].flatMap((n) => [...n.keys()])]);
    for (const t of all) df.set(t, (df.get(t) ?? 0) + 1);
    docs.push({ factors: refs.map((r) => r.factor), tf, notes });
  }
  const idf = new Map<string, number>();
  for (const [t, d] of df) idf.set(t, Math.log((docs.length + 1) / d));
  const sums = new Map<string, { vector: SparseVector; incidents: number }>();
  for (const doc of docs) {
    for (const f of doc.factors) {
      let s = sums.get(f);
      if (!s) sums.set(f, (s = { vector: new Map(), incidents: 0 }));
      s.incidents++;
      // The note is about this factor specifically, so it weighs more than the incident's general text.
      for (const [tf, w] of [[doc.tf, 1], [doc.notes.get(f) ?? new Map<string, number>(), 2]] as const) {
        for (const [t, c] of tf) s.vector.set(t, (s.vector.get(t) ?? 0) + w * (1 + Math.log(c)) * (idf.get(t) ?? 0));
      }
    }
  }
  for (const s of sums.values()) normalize(s.vector);
  return { idf, centroids: sums };
});

/** Words that say something is absent: shared by reports of every factor, they are no resemblance. */
const NEGATIONS = new Set(["not", "no", "never", "nobody", "nothing", "without", "none"]);

function addProfileEvidence(profiles: Profiles, input: SuggestInput, evidence: Map<string, Evidence>): void {
  const tf = new Map<string, number>();
  for (const { text, weight } of fields(input)) for (const t of stems(text)) tf.set(t, (tf.get(t) ?? 0) + weight);
  const v: SparseVector = new Map();
  for (const [t, c] of tf) {
    const idf = profiles.idf.get(t);
    if (idf && !NEGATIONS.has(t)) v.set(t, (1 + Math.log(c)) * idf);
  }
  normalize(v);
  if (v.size === 0) return;
  for (const [factor, { vector, incidents }] of profiles.centroids) {
    const c = dot(v, vector);
    if (c < PROFILE_MIN_COSINE) continue;
    const shared = [...v]
      .map(([t, w]) => ({ t, c: w * (vector.get(t) ?? 0) }))
      .filter((x) => x.c > 0 && !NEGATIONS.has(x.t))
      .sort((a, b) => b.c - a.c);
    if (shared.length < PROFILE_MIN_TERMS) continue;
    let e = evidence.get(factor);
    if (!e) evidence.set(factor, (e = { score: 0, reasons: [], hits: new Map() }));
    e.score += PROFILE_EVIDENCE * c;
    const top = shared.slice(0, 3).map((x) => x.t);
    e.reasons.push(`like ${incidents === 1 ? "a past incident" : `${incidents} past incidents`} with this factor: ${top.join(", ")}`);
  }
}

/**
 * Taxonomy factors matching free text, most confident first: alias and name phrases on stemmed words, single-word typos
 * (edit distance), and, when past incidents are given, how much the text resembles those that used each factor.
 */
export function suggestFactors(input: SuggestInput, taxonomy: Taxonomy, incidents?: readonly KnowledgeIncident[], opts: SuggestOptions = {}): FactorSuggestion[] {
  const m = matcherFor(taxonomy);
  const evidence = new Map<string, Evidence>();
  collectMatches(m, input, evidence);
  collectConcepts(m, input, evidence);
  if (incidents && incidents.length > 0) addProfileEvidence(buildProfiles(incidents, taxonomy), input, evidence);
  const exclude = new Set((opts.exclude ?? []).map((f) => taxonomy.canonicalId(f) ?? f));
  const min = opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const out: FactorSuggestion[] = [];
  for (const [factor, e] of evidence) {
    if (exclude.has(factor) || e.score < MIN_EVIDENCE) continue;
    const confidence = Math.round((1 - Math.exp(-e.score)) * 1000) / 1000;
    if (confidence < min) continue;
    out.push({ factor, name: taxonomy.get(factor)?.name ?? factor, confidence, reasons: e.reasons });
  }
  out.sort((a, b) => b.confidence - a.confidence || a.factor.localeCompare(b.factor));
  return out.slice(0, opts.limit ?? 5);
}

/** Longest note taken from an author's description of a factor; a longer description is not a note. */
export const NOTE_MAX_LENGTH = 140;

/**
 * The note a factor chosen from a description starts with: the description's first sentence when it is short,
 * otherwise none. The description says how the author found the factor; the note says how it showed up here, and
 * a paragraph pasted whole into it buries that.
 */
export function noteFromDescription(description: string): string {
  const text = description.trim().replace(/\s+/g, " ");
  const first = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  return first.length <= NOTE_MAX_LENGTH ? first : "";
}
