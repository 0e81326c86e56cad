// Query planning: the parsed query turned into groups of index terms (a word with its prefix completions or typo
// corrections), required phrases and exclusions, against the vocabulary this viewer may see.
import { fold, STOPWORDS, tokenize } from "../text/analyze";
import { recognizeConcepts, type Concept } from "./concepts";
import type { ParsedQuery } from "./query";
import { RANKING } from "./ranking";
import type { IndexView } from "./index-view";
import { SearchIndex, type PhrasePattern } from "./search-index";
import { maxEdits, prefixSurfaces, typoSurfaces } from "./vocabulary";

export const MAX_GROUPS = 30;

export interface TermRef {
  id: number;
  term: string;
  w: number;
}

export interface Group {
  terms: TermRef[];
  /** idf of the group's best term: its share of the query for coverage and proximity. */
  importance: number;
  required: boolean;
  /** A taxonomy expansion: adds to the score of documents that already match, never a match or coverage by itself. */
  bonus?: boolean;
}

export interface Plan {
  groups: Group[];
  /** Required phrases and excluded phrases as coded byte patterns (SearchIndex.containsPattern). */
  phrases: PhrasePattern[];
  excludeTerms: string[];
  excludePhrases: PhrasePattern[];
  /** index term → highlight weight. */
  hitTerms: Map<string, number>;
  corrections: Map<string, string>;
  /** Words whose typo lookup found nothing (did-you-mean does not look them up again). */
  noTypos: Set<string>;
  impossible: boolean;
  /** Factors, services, teams and severities the query names (see concepts.ts); inferred ones are added by run. */
  concepts: Concept[];
}

/** The plan of a query for one viewer. */
export function planQuery(view: IndexView, q: ParsedQuery, prefixLast: boolean): Plan {
  const index = view.index;
  const plan: Plan = { groups: [], phrases: [], excludeTerms: [], excludePhrases: [], hitTerms: new Map(), corrections: new Map(), noTypos: new Set(), impossible: false, concepts: [] };
  const meaningful = q.words.filter((w) => !isStopword(w.text));
  const words = meaningful.length > 0 ? meaningful : q.words;
  const lastWord = q.words[q.words.length - 1];
  const seen = new Set<string>();
  for (const w of words) {
    const toks = tokenize(w.text);
    const whole = toks.find((t) => !t.seq);
    const units = whole && view.termOf(whole.term) !== undefined ? [whole] : toks.filter((t) => t.seq);
    // Highlight the parts of an identifier matched as a whole (the text has `us-east-1`, not `useast1`).
    if (units[0] === whole) for (const t of toks) if (t.seq && t.surface.length > 1) plan.hitTerms.set(t.term, Math.max(plan.hitTerms.get(t.term) ?? 0, 0.5));
    for (const u of units) {
      if (seen.has(u.term) || plan.groups.length >= MAX_GROUPS) continue;
      seen.add(u.term);
      const group: Group = { terms: [], importance: 0, required: false };
      if (view.termOf(u.term) !== undefined) addTerm(view, plan, group, u.term, 1);
      const asPrefix = w.prefix || (prefixLast && q.openEnd && w === lastWord && u === units[units.length - 1]);
      if (asPrefix && u.surface.length >= 2) {
        for (const s of prefixSurfaces(view, u.surface, 12)) addTerm(view, plan, group, index.terms[index.termOfSurface(s) ?? -1] ?? "", w.prefix ? 1 : RANKING.prefixWeight);
      }
      if (group.terms.length === 0 && maxEdits(u.surface) > 0 && !/^\d+$/.test(u.surface)) {
        const typos = typoSurfaces(view, u.surface, 3);
        for (const t of typos) addTerm(view, plan, group, index.terms[index.termOfSurface(t.surface) ?? -1] ?? "", RANKING.typoWeight[t.distance] ?? 0.5);
        const best = typos[0];
        if (best) plan.corrections.set(w.text, best.surface);
        else plan.noTypos.add(u.surface);
      }
      plan.groups.push(group);
    }
  }
  for (const phrase of q.phrases) {
    const ids = phraseIds(view, phrase);
    if (ids === null) {
      plan.impossible = true;
      continue;
    }
    plan.phrases.push(SearchIndex.phrasePattern(ids));
    const toks = tokenize(phrase).filter((t) => t.seq);
    const content = toks.filter((t) => !STOPWORDS.has(t.surface));
    for (const t of content.length > 0 ? content : toks) {
      const id = view.termOf(t.term);
      if (id === undefined) continue;
      plan.hitTerms.set(t.term, 1);
      if (seen.has(t.term)) {
        // Already a free-word group: make it required.
        const g = plan.groups.find((x) => x.terms.some((r) => r.id === id && r.w === 1));
        if (g) g.required = true;
        continue;
      }
      seen.add(t.term);
      if (plan.groups.length < MAX_GROUPS) plan.groups.push({ terms: [{ id, term: t.term, w: 1 }], importance: 0, required: true });
    }
  }
  for (const ex of q.excludes) {
    if (/\s/.test(ex.trim())) {
      const ids = phraseIds(view, ex);
      if (ids) plan.excludePhrases.push(SearchIndex.phrasePattern(ids));
      continue;
    }
    const toks = tokenize(ex);
    const whole = toks.find((t) => !t.seq);
    if (whole) {
      if (view.termOf(whole.term) !== undefined) plan.excludeTerms.push(whole.term);
      else {
        const ids = phraseIds(view, ex);
        if (ids) plan.excludePhrases.push(SearchIndex.phrasePattern(ids));
      }
      continue;
    }
    for (const t of toks) if (view.termOf(t.term) !== undefined) plan.excludeTerms.push(t.term);
  }
  // Recognized even when they add no score: they are the reasons results give.
  plan.concepts = recognizeConcepts(view, [...q.words.map((w) => w.text), ...q.phrases].join(" "));
  if (RANKING.expansionWeight > 0) expandFactors(view, plan, seen);
  return plan;
}

/** Adds an index term to a word's group (once) and to the terms results highlight. */
function addTerm(view: IndexView, plan: Plan, group: Group, term: string, weight: number): void {
  const id = view.termOf(term);
  if (id === undefined || group.terms.some((t) => t.id === id)) return;
  group.terms.push({ id, term, w: weight });
  plan.hitTerms.set(term, Math.max(plan.hitTerms.get(term) ?? 0, weight));
}

export function isStopword(word: string): boolean {
  const f = fold(word).replace(/['’]/g, "");
  return STOPWORDS.has(f);
}

/** Term ids of a phrase's tokens in order; null when a word is in no readable document (the phrase cannot match). */
export function phraseIds(view: IndexView, phrase: string): number[] | null {
  const ids: number[] = [];
  for (const t of tokenize(phrase)) {
    if (!t.seq) continue;
    const id = view.termOf(t.term);
    if (id === undefined) return null;
    ids.push(id);
  }
  return ids.length > 0 ? ids : null;
}

/** The query with unknown words replaced by their closest vocabulary words. */
export function didYouMean(raw: string, plan: Plan, view?: IndexView, q?: ParsedQuery): string | undefined {
  // Copied only when a correction is added: a query nothing was found for usually has none.
  let corrections = plan.corrections;
  if (view && q) {
    for (const w of q.words) {
      // Each test only skips the word, so the cheapest go first: a word planning already looked up finds nothing.
      if (corrections.has(w.text)) continue;
      const word = fold(w.text);
      if (plan.noTypos.has(word) || isStopword(w.text)) continue;
      const known = tokenize(w.text).some((t) => view.termOf(t.term) !== undefined);
      if (known) continue;
      const best = typoSurfaces(view, word, 1)[0];
      if (!best) continue;
      if (corrections === plan.corrections) corrections = new Map(plan.corrections);
      corrections.set(w.text, best.surface);
    }
  }
  if (corrections.size === 0) return undefined;
  let out = raw;
  for (const [from, to] of corrections) out = out.replace(from, to);
  return out;
}

/**
 * The taxonomy as a thesaurus: the name and aliases of each factor the query names join the query as bonus terms, so
 * an incident that describes the same thing in the taxonomy's other words ("thundering herd" for "retries overwhelmed
 * the service") ranks higher among the ones that match the query's own words (bonus terms never match on their own).
 */
function expandFactors(view: IndexView, plan: Plan, seen: Set<string>): void {
  const index = view.index;
  for (const c of plan.concepts) {
    if (c.kind !== "factor" || !c.named || c.quality < RANKING.expansionMinQuality) continue;
    const w = RANKING.expansionWeight * c.quality;
    for (const [name, id] of index.factorNames) {
      if (id !== c.value) continue;
      for (const t of tokenize(name.replace(/-/g, " "))) {
        if (!t.seq || STOPWORDS.has(t.surface) || seen.has(t.term) || plan.groups.length >= MAX_GROUPS) continue;
        const tid = view.termOf(t.term);
        if (tid === undefined) continue;
        seen.add(t.term);
        plan.groups.push({ terms: [{ id: tid, term: t.term, w }], importance: 0, required: false, bonus: true });
        plan.hitTerms.set(t.term, Math.max(plan.hitTerms.get(t.term) ?? 0, w));
      }
    }
  }
}
