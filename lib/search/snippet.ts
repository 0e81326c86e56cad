// Snippets: a short window of the best-matching text with the matches marked. Returned as segments (the UI renders
// them as text) and as HTML in which everything is escaped and only the hits are wrapped in <mark>.
import { analyze, stem } from "../text/analyze";

export interface Segment {
  text: string;
  hit: boolean;
}

const WINDOW = 220;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/** Segments as HTML: text escaped, hits wrapped in <mark>. */
export function segmentsToHtml(segments: readonly Segment[]): string {
  return segments.map((s) => (s.hit ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text))).join("");
}

/** Segments as plain text. */
export function segmentsToText(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join("");
}

interface Span {
  start: number;
  end: number;
  weight: number;
}

/** Spans of `text` whose term is in `hits` (term → weight). Compound wholes cover their parts. */
export function hitSpans(text: string, hits: ReadonlyMap<string, number>): Span[] {
  const spans: Span[] = [];
  analyze(text, (term, _surface, start, end) => {
    const w = hits.get(term);
    if (w !== undefined) addHit(spans, start, end, w);
  });
  return mergeSpans(spans);
}

/**
 * hitSpans from a text's tokens as analyze gave them, stored by the index: (term id, start, end) triples in
 * toks[from, to), `terms` naming the ids (-1: a term no query can hit).
 */
export function hitSpansOfTokens(toks: ArrayLike<number>, from: number, to: number, terms: readonly string[], hits: ReadonlyMap<string, number>): Span[] {
  const spans: Span[] = [];
  for (let i = from; i + 2 < to; i += 3) {
    const id = toks[i] as number;
    if (id < 0) continue;
    const w = hits.get(terms[id] ?? "");
    if (w !== undefined) addHit(spans, toks[i + 1] as number, toks[i + 2] as number, w);
  }
  return mergeSpans(spans);
}

function addHit(spans: Span[], start: number, end: number, w: number): void {
  const last = spans[spans.length - 1];
  if (last && start < last.end) {
    // A compound's whole arrives after its parts: merge into one highlighted span.
    last.start = Math.min(last.start, start);
    last.end = Math.max(last.end, end);
    last.weight = Math.max(last.weight, w);
    return;
  }
  spans.push({ start, end, weight: w });
}

function mergeSpans(spans: Span[]): Span[] {
  // The whole of a compound ends after parts already pushed: fold overlapping spans together.
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      last.weight = Math.max(last.weight, s.weight);
    } else merged.push({ ...s });
  }
  return merged;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 39 || (c >= 0xc0 && c !== 0x2019 && c < 0x3000);
}

interface Matcher {
  /** Every ASCII hit term as an alternative, longest first, matched case-insensitively in the original text. */
  re: RegExp | null;
  ascii: [string, number][];
  /** Other terms (accented words, CJK bigrams) are looked up in a lowercased copy. */
  other: [string, number][];
}

const matchers = new WeakMap<ReadonlyMap<string, number>, Matcher>();

function matcherFor(hits: ReadonlyMap<string, number>): Matcher {
  let m = matchers.get(hits);
  if (m) return m;
  const ascii: [string, number][] = [];
  const other: [string, number][] = [];
  for (const [term, w] of hits) {
    if (!term) continue;
    (/^[a-z0-9]+$/.test(term) ? ascii : other).push([term, w]);
  }
  ascii.sort((x, y) => y[0].length - x[0].length);
  const re = ascii.length > 0 ? new RegExp(ascii.map(([t]) => t).join("|"), "gi") : null;
  m = { re, ascii, other };
  matchers.set(hits, m);
  return m;
}

/**
 * Hit spans found by pattern search instead of full analysis (much cheaper on long bodies): an index term is the start
 * of the words it comes from, so each match at a word start is checked by stemming just that word. One case-insensitive
 * regex covers the ASCII terms; other terms are searched in a lowercased copy, CJK bigrams anywhere. At most `max`
 * spans are collected (a snippet needs one window, not every occurrence in a long body).
 */
export function findHitSpans(text: string, hits: ReadonlyMap<string, number>, max = 200): Span[] {
  const { re, ascii, other } = matcherFor(hits);
  const spans: Span[] = [];
  if (re) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null && spans.length < max; m = re.exec(text)) {
      const i = m.index;
      if (i > 0 && isWordChar(text.charCodeAt(i - 1))) {
        re.lastIndex = i + 1;
        continue;
      }
      let e = i + m[0].length;
      while (e < text.length && isWordChar(text.charCodeAt(e))) e++;
      re.lastIndex = e;
      let word = text.slice(i, e).toLowerCase();
      if (word.includes("'")) word = word.replace(/'/g, "");
      for (const [term, weight] of ascii) {
        if (word.startsWith(term) && (word === term || stem(word) === term)) {
          spans.push({ start: i, end: e, weight });
          break;
        }
      }
    }
  }
  if (other.length > 0) {
    const lower = text.toLowerCase();
    for (const [term, weight] of other) {
      const cjk = term.charCodeAt(0) >= 0x3000;
      for (let from = 0; spans.length < max; ) {
        const i = lower.indexOf(term, from);
        if (i < 0) break;
        from = i + term.length;
        if (cjk) {
          spans.push({ start: i, end: i + term.length, weight });
          continue;
        }
        if (i > 0 && isWordChar(lower.charCodeAt(i - 1))) continue;
        let e = i + term.length;
        while (e < lower.length && isWordChar(lower.charCodeAt(e))) e++;
        const word = lower.slice(i, e).replace(/'/g, "");
        if (word !== term && stem(word) !== term) continue;
        spans.push({ start: i, end: e, weight });
      }
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const sp of spans) {
    const last = merged[merged.length - 1];
    if (last && sp.start <= last.end) {
      last.end = Math.max(last.end, sp.end);
      last.weight = Math.max(last.weight, sp.weight);
    } else merged.push({ ...sp });
  }
  return merged;
}

/** Whole text split into segments at the hit spans. */
export function markAll(text: string, spans: readonly Span[]): Segment[] {
  return cut(text, spans, 0, text.length);
}

/** Best window of `text` (most distinct, heaviest hits), as segments with `…` where the text was cut. */
export function bestWindow(text: string, spans: readonly Span[], size = WINDOW): { segments: Segment[]; score: number } {
  if (text.length <= size) return { segments: cut(text, spans, 0, text.length), score: spans.reduce((a, s) => a + s.weight, 0) };
  let best = 0;
  let bestScore = -1;
  const words = spans.map((sp) => text.slice(sp.start, sp.end).toLowerCase());
  for (let i = 0; i < spans.length; i++) {
    const si = spans[i];
    if (!si) break;
    const seen = new Set<string>();
    let sum = 0;
    // Repeats of the same word count less than different words.
    for (let j = i; j < spans.length && (spans[j]?.end ?? 0) <= si.start + size; j++) {
      const w = words[j] ?? "";
      sum += seen.has(w) ? (spans[j]?.weight ?? 0) * 0.25 : (spans[j]?.weight ?? 0);
      seen.add(w);
    }
    if (sum > bestScore) {
      bestScore = sum;
      best = i;
    }
  }
  if (spans.length === 0) return { segments: cut(text, [], 0, wordEnd(text, size)), score: 0 };
  const first = spans[best];
  const from = first ? wordStart(text, Math.max(0, first.start - 50)) : 0;
  const to = wordEnd(text, Math.min(text.length, from + size));
  return { segments: cut(text, spans, from, to), score: Math.max(0, bestScore) };
}

function wordStart(text: string, i: number): number {
  if (i <= 0) return 0;
  const sp = text.indexOf(" ", i);
  return sp < 0 || sp - i > 20 ? i : sp + 1;
}

function wordEnd(text: string, i: number): number {
  if (i >= text.length) return text.length;
  const sp = text.lastIndexOf(" ", i);
  return sp < 0 || i - sp > 20 ? i : sp;
}

function cut(text: string, spans: readonly Span[], from: number, to: number): Segment[] {
  const out: Segment[] = [];
  const push = (t: string, hit: boolean) => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && last.hit === hit) last.text += t;
    else out.push({ text: t, hit });
  };
  if (from > 0) push("… ", false);
  let pos = from;
  for (const s of spans) {
    if (s.end <= from || s.start >= to) continue;
    const a = Math.max(s.start, from);
    const b = Math.min(s.end, to);
    push(text.slice(pos, a), false);
    push(text.slice(a, b), true);
    pos = b;
  }
  push(text.slice(pos, to), false);
  if (to < text.length) push(" …", false);
  return out;
}
