// One ranked document as a response shows it: metadata, highlighted title and the best-matching snippet.
import { reasonsFor } from "./concepts";
import type { Plan } from "./plan";
import type { SearchIndex } from "./search-index";
import { bestWindow, findHitSpans, hitSpansOfTokens, markAll, type Segment } from "./snippet";

export interface SearchResult {
  id: string;
  title: string;
  score: number;
  /**
   * Best-matching window of the summary or body; render each segment as text, `hit` ones highlighted
   * (segmentsToHtml gives HTML with everything escaped; it is not sent, to keep answers small).
   */
  snippet: Segment[];
  titleSegments: Segment[];
  /** Distinct matched words as they appear in the text. */
  highlights: string[];
  severity: string | null;
  status: string;
  kind: string;
  started_at: string | null;
  services: string[];
  teams: string[];
  tags: string[];
  factors: string[];
  /** Why it matched beyond its words: the factors, services, teams or severity of the query it carries. */
  why: string[];
}

export function toResult(index: SearchIndex, d: number, score: number, plan: Plan): SearchResult {
  const m = index.meta[d];
  if (!m) throw new Error(`slot ${d} has no document`);
  const { summary, body } = index.textOf(d);
  const hits = plan.hitTerms;
  const titleSpans = hitSpansOfTokens(index.titleToks.data, index.titleOff.data[d] ?? 0, index.titleOff.data[d + 1] ?? 0, index.terms, hits);
  const titleSegments = markAll(m.title, titleSpans);
  let snippet: Segment[];
  const highlights = new Set<string>();
  for (const s of titleSpans) highlights.add(m.title.slice(s.start, s.end));
  const sumSpans = hits.size > 0 ? findHitSpans(summary, hits) : [];
  const sumWin = bestWindow(summary, sumSpans);
  if (hits.size === 0 || (sumWin.score > 0 && coversAll(summary, sumSpans, plan))) {
    snippet = summary ? sumWin.segments : bestWindow(body, []).segments;
  } else {
    const bodyWin = bestWindow(body, findHitSpans(body, hits));
    snippet = bodyWin.score > sumWin.score || !summary ? bodyWin.segments : sumWin.segments;
  }
  for (const s of snippet) if (s.hit) highlights.add(s.text);
  return {
    id: m.id,
    title: m.title,
    score: Math.round(score * 10_000) / 10_000,
    snippet,
    titleSegments,
    highlights: [...highlights],
    severity: m.severity,
    status: m.status,
    kind: m.kind,
    started_at: m.startedAt,
    services: m.services,
    teams: m.teams,
    tags: m.tags,
    factors: m.factors,
    why: reasonsFor(index, d, plan.concepts),
  };
}

// The summary is enough when it already shows as many distinct query terms as the query has groups.
export function coversAll(text: string, spans: readonly { start: number; end: number }[], plan: Plan): boolean {
  const distinct = new Set(spans.map((s) => text.slice(s.start, s.end).toLowerCase()));
  return distinct.size >= Math.min(plan.groups.length, 3);
}
