// "Seen before?": the incidents most like a draft (or like an incident), found by the search engine itself. The
// draft's title, factors, summary and timeline become one free query — their content words, title first, at most as
// many as a query may have groups — so the ranking, the taxonomy's query understanding (a factor the draft names
// boosts the incidents carrying it) and the viewer's visibility are the search page's. Each result says why it
// matched: the factors it shares with the draft and the draft's words it contains.
import { STOPWORDS, tokenize, words } from "../text/analyze";
import { MAX_GROUPS } from "./plan";
import { search } from "./search";
import type { SearchIndex } from "./search-index";

export interface DraftText {
  title?: string;
  summary?: string;
  /** Timeline event texts, in order. */
  timeline?: readonly string[];
  /** Any other text of the draft (impact, free text). */
  text?: string;
  /** Canonical factor ids the draft carries. */
  factors?: readonly string[];
}

export interface SimilarMatch {
  id: string;
  title: string;
  severity: string | null;
  started_at: string | null;
  score: number;
  /** Factors of the draft this incident carries too: id and name. */
  sharedFactors: { factor: string; name: string }[];
  /** The draft's words found in this incident's title or matching passage, as the incident writes them. */
  matchedTerms: string[];
  /** Other concepts of the draft it carries: "service: checkout", "factor: Missing monitoring". */
  reasons: string[];
}

/** Results scoring below this share of the best one are left out: a long query matches many incidents weakly. */
const MIN_SHARE = 0.25;
const MAX_TERMS_SHOWN = 5;

/**
 * The query a draft stands for: content words (no stopwords, numerals or one-letter words; one per index term), the
 * title's first, then the factors' names, the summary's, the timeline's and the rest, up to MAX_GROUPS words. Only
 * letters and digits reach it, so nothing of the draft is read as query syntax.
 */
export function draftQuery(index: SearchIndex, draft: DraftText): string {
  const factorNames = (draft.factors ?? []).map((f) => index.factorLabels.get(f) ?? f.replace(/-/g, " "));
  const parts = [draft.title ?? "", ...factorNames, draft.summary ?? "", ...(draft.timeline ?? []), draft.text ?? ""];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    for (const w of words(part)) {
      if (out.length >= MAX_GROUPS) return out.join(" ");
      if (w.length < 2 || /^\d+$/.test(w) || STOPWORDS.has(w)) continue;
      const term = tokenize(w)[0]?.term ?? w;
      if (seen.has(term)) continue;
      seen.add(term);
      out.push(w);
    }
  }
  return out.join(" ");
}

/** The incidents most like a draft that the viewer may see (`canSee`), best first, without `exclude`. */
export function similarToDraft(index: SearchIndex, draft: DraftText, opts: { canSee?: (id: string) => boolean; exclude?: string; limit?: number } = {}): SimilarMatch[] {
  const limit = Math.max(0, Math.floor(opts.limit ?? 5));
  const query = draftQuery(index, draft);
  if (!query || limit === 0) return [];
  const chosen = new Set(draft.factors ?? []);
  const res = search(index, query, { limit: limit + 1, canSee: opts.canSee, facetLimit: 0 });
  const results = res.results.filter((r) => r.id !== opts.exclude).slice(0, limit);
  const best = results[0]?.score ?? 0;
  return results
    .filter((r) => r.score >= best * MIN_SHARE)
    .map((r) => {
      const sharedFactors = r.factors.filter((f) => chosen.has(f)).map((f) => ({ factor: f, name: index.factorLabels.get(f) ?? f }));
      const shared = new Set(sharedFactors.map((f) => `factor: ${f.name}`));
      const matched: string[] = [];
      const lower = new Set<string>();
      for (const h of r.highlights) {
        const k = h.toLowerCase();
        if (lower.has(k) || matched.length >= MAX_TERMS_SHOWN) continue;
        lower.add(k);
        matched.push(h);
      }
      return {
        id: r.id,
        title: r.title,
        severity: r.severity,
        started_at: r.started_at,
        score: r.score,
        sharedFactors,
        matchedTerms: matched,
        reasons: r.why.filter((w) => !shared.has(w)),
      };
    });
}
