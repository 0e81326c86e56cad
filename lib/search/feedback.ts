// Pseudo-relevance feedback: the second pass of longer queries.
import { STOPWORDS, fold } from "../text/analyze";
import { SEQ_BREAK } from "./fields";
import type { Plan } from "./plan";
import { RANKING, SLOT_WEIGHT, coverageFactor, idf } from "./ranking";
import { SlotState, classify, type Ctx } from "./scratch";
import { byScoreThenRecency, topK } from "./top-k";

/**
 * Pseudo-relevance feedback for longer queries: the words that characterize the best first-pass matches (title,
 * summary and body, by frequency and rarity) are searched too, at a fraction of a query word's weight, to find related
 * incidents that describe the same thing in other words. Documents found only this way count as matches.
 */
export function feedback(ctx: Ctx, plan: Plan, cands: number[], totalImportance: number, share: number = RANKING.feedbackWeight): void {
  const { index, view, sc } = ctx;
  const { score, cov, mask, seen, state } = sc;
  const live = Math.max(1, view.live);
  const top = topK(cands, RANKING.feedbackDocs, score, byScoreThenRecency(index, score));
  const best = score[top[0] ?? 0] ?? 0;
  if (best <= 0) return;
  const inQuery = new Set<number>();
  for (const g of plan.groups) for (const t of g.terms) inQuery.add(t.id);
  const weight = new Map<number, number>();
  // Each feedback document's own share of every term's weight, so it is left out of the evidence that scores it.
  const own = new Map<number, Map<number, number>>();
  for (const d of top) {
    const seq = index.sequenceOf(d);
    const rw = (score[d] ?? 0) / best;
    const tf = new Map<number, number>();
    let len = 0;
    for (let p = 0, field = 0; p < seq.length && field < 3; p++) {
      const t = seq[p] as number;
      if (t === SEQ_BREAK) {
        field++;
        continue;
      }
      len++;
      if (inQuery.has(t)) continue;
      tf.set(t, (tf.get(t) ?? 0) + (field < 2 ? 3 : 1));
    }
    const mine = new Map<number, number>();
    for (const [t, n] of tf) {
      const c = (rw * n) / Math.max(1, len);
      weight.set(t, (weight.get(t) ?? 0) + c);
      mine.set(t, c);
    }
    own.set(d, mine);
  }
  const terms: { id: number; term: string; w: number; raw: number }[] = [];
  for (const [t, w] of weight) {
    const term = index.terms[t] ?? "";
    if (term.length < 3 || STOPWORDS.has(term) || /^\d+$/.test(term)) continue;
    const df = view.df(t);
    if (df < 2 || df > live * 0.2) continue;
    terms.push({ id: t, term, w: w * Math.log(1 + live / df), raw: w });
  }
  // Ties go by the term itself: term ids follow the order words first reached the index, hidden documents included.
  terms.sort((a, b) => b.w - a.w || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  const chosen = terms.slice(0, RANKING.feedbackTerms);
  // The expansion gets a fixed share of the query's own weight (RM3's interpolation), spread over its terms by their
  // weight: however many terms it has, a document matching all of them at full strength gains feedbackWeight times
  // what matching every query word would give. Unnormalized, thirty terms outweighed the query itself, and long
  // incidents that mention a bit of everything rose above short ones that match the query exactly.
  let mass = 0;
  for (const e of chosen) mass += e.w * idf(live, view.df(e.id));
  const norm = mass > 0 && totalImportance > 0 ? totalImportance / mass : 0;
  const epoch = sc.epoch;
  for (const e of chosen) {
    const buckets = index.flex.postings(e.term);
    if (!buckets) continue;
    const df = view.df(e.id);
    const base = share * norm * e.w * idf(live, df);
    for (let b = 0; b < buckets.length; b++) {
      const ids = buckets[b];
      if (!ids) continue;
      const v = base * (SLOT_WEIGHT[b] as number);
      for (let i = 0; i < ids.length; i++) {
        const d = ids[i] as number;
        if (seen[d] !== epoch) classify(ctx, d);
        if (state[d] !== SlotState.Match) continue;
        if (mask[d] === 0) {
          mask[d] = 1 << 30;
          cands.push(d);
        }
        const c = totalImportance > 0 ? (cov[d] as number) / totalImportance : 1;
        // Leave-one-out: a first-pass document that supplied the term is scored on the other documents' share only,
        // so feedback finds incidents like the best matches instead of reordering the best matches by their own words.
        const mine = own.get(d)?.get(e.id);
        const loo = mine === undefined ? 1 : Math.max(0, 1 - mine / e.raw);
        score[d] = (score[d] as number) + v * loo * coverageFactor(c);
      }
    }
  }
}

/** Words a question opens with: interrogatives and the auxiliaries of yes/no questions ("has a ... ever", "did the ..."). */
const QUESTION_OPENERS = new Set(["what", "why", "how", "when", "where", "which", "who", "whose", "has", "have", "had", "did", "does", "do", "is", "are", "was", "were", "can", "could", "would", "should", "will"]);

/**
 * Whether a query is phrased as a question rather than as a description ("why did the ... fail" against "retries
 * without backoff overwhelmed the service"): a question tells what happened in the asker's words, which are further
 * from the reports' own, so it gets its own share of feedback (RANKING.questionFeedbackWeight). Read from the query's
 * own text only.
 */
export function isQuestion(raw: string): boolean {
  const text = fold(raw).trim();
  if (text.endsWith("?")) return true;
  const first = /^[a-z]+/.exec(text)?.[0];
  return first !== undefined && QUESTION_OPENERS.has(first);
}

