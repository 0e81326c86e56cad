// Lookups over the index vocabulary (the words as written): prefixes, typo-tolerant matches, "did you mean".
import { editDistance } from "../schema/fuzzy";
import { lowerBound, reverseString, type SearchIndex } from "./search-index";

const MAX_SCAN = 4000;

/** Words of the vocabulary starting with `prefix` (at most `max`, most frequent first). */
export function prefixSurfaces(index: SearchIndex, prefix: string, max: number): string[] {
  const sorted = index.sortedSurfaces();
  const out: { s: string; df: number }[] = [];
  for (let i = lowerBound(sorted, prefix), n = 0; i < sorted.length && n < MAX_SCAN; i++, n++) {
    const s = sorted[i] ?? "";
    if (!s.startsWith(prefix)) break;
    if (s === prefix) continue;
    const t = index.surfaces.get(s);
    if (t !== undefined) out.push({ s, df: index.df(t) });
  }
  out.sort((a, b) => b.df - a.df || a.s.localeCompare(b.s));
  return out.slice(0, max).map((x) => x.s);
}

/** Allowed edits for a word of this length: none below 4 letters, one up to 7, two beyond. */
export function maxEdits(word: string): number {
  return word.length < 4 ? 0 : word.length < 8 ? 1 : 2;
}

/**
 * Vocabulary words within `maxEdits(word)` edits of `word`. A word one edit away shares its first or its second half
 * with the typed word, so only the two sorted ranges holding those halves are checked (no full vocabulary scan).
 */
export function typoSurfaces(index: SearchIndex, word: string, limit = 8): { surface: string; distance: number; df: number }[] {
  const max = maxEdits(word);
  if (max === 0) return [];
  const half = Math.floor(word.length / 2);
  const candidates = new Set<string>();
  const sorted = index.sortedSurfaces();
  const head = word.slice(0, half);
  for (let i = lowerBound(sorted, head), n = 0; i < sorted.length && n < MAX_SCAN; i++, n++) {
    const s = sorted[i] ?? "";
    if (!s.startsWith(head)) break;
    if (Math.abs(s.length - word.length) <= max) candidates.add(s);
  }
  const rev = index.sortedReversed();
  const tail = reverseString(word.slice(half));
  for (let i = lowerBound(rev, tail), n = 0; i < rev.length && n < MAX_SCAN; i++, n++) {
    const s = rev[i] ?? "";
    if (!s.startsWith(tail)) break;
    if (Math.abs(s.length - word.length) <= max) candidates.add(reverseString(s));
  }
  const out: { surface: string; distance: number; df: number }[] = [];
  for (const s of candidates) {
    if (s === word) continue;
    const d = editDistance(word, s, max);
    if (d > max) continue;
    const t = index.surfaces.get(s);
    if (t !== undefined) out.push({ surface: s, distance: d, df: index.df(t) });
  }
  out.sort((a, b) => a.distance - b.distance || b.df - a.df || a.surface.localeCompare(b.surface));
  return out.slice(0, limit);
}
