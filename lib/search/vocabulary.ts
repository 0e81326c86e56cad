// Lookups over the index vocabulary (the words as written): prefixes, typo-tolerant matches, "did you mean".
import { editDistance } from "../schema/fuzzy";
import type { IndexView } from "./index-view";
import { lowerBound, reverseString } from "./sorted-strings";

const MAX_SCAN = 4000;

// Every lookup goes through the viewer's view: a word counts only when a document the viewer may read has it, and the
// scan limits count only such words, so which words come back never depends on documents the viewer cannot see.

/** The term id of a vocabulary word a readable document has. */
function visibleTerm(view: IndexView, surface: string): number | undefined {
  const sid = view.index.surfaceIds.get(surface);
  return sid !== undefined && view.hasSurface(sid) ? view.index.surfaceTerm.data[sid] : undefined;
}

/** Words of the vocabulary starting with `prefix` (at most `max`, most frequent first). */
export function prefixSurfaces(view: IndexView, prefix: string, max: number): string[] {
  const sorted = view.index.sortedSurfaces();
  // The best `max` kept in order as the range is read (a short prefix has thousands of completions; sorting them all,
  // ties by localeCompare, was most of a prefix query).
  const best: { s: string; df: number }[] = [];
  const before = (a: { s: string; df: number }, b: { s: string; df: number }) => b.df - a.df || a.s.localeCompare(b.s);
  for (let i = lowerBound(sorted, prefix), n = 0; i < sorted.length && n < MAX_SCAN; i++) {
    const s = sorted[i] ?? "";
    if (!s.startsWith(prefix)) break;
    const t = visibleTerm(view, s);
    if (t === undefined) continue;
    n++;
    if (s === prefix || max <= 0) continue;
    const x = { s, df: view.df(t) };
    const last = best[best.length - 1];
    if (best.length === max && last && (x.df < last.df || before(x, last) >= 0)) continue;
    let at = best.length;
    while (at > 0 && before(x, best[at - 1] as { s: string; df: number }) < 0) at--;
    best.splice(at, 0, x);
    if (best.length > max) best.pop();
  }
  return best.map((x) => x.s);
}

/** Allowed edits for a word of this length: none below 4 letters, one up to 7, two beyond. */
export function maxEdits(word: string): number {
  return word.length < 4 ? 0 : word.length < 8 ? 1 : 2;
}

/**
 * Vocabulary words within `maxEdits(word)` edits of `word`. A word one edit away shares its first or its second half
 * with the typed word, so only the sorted ranges holding those halves are checked (no full vocabulary scan). A word two
 * edits away may have one edit in each half ("kubrnetis" → kubernetes); it still shares its first or its last third
 * unless both edits sit at the two ends, so for two edits the ranges of the first and the last third are read too.
 */
export function typoSurfaces(view: IndexView, word: string, limit = 8): { surface: string; distance: number; df: number }[] {
  const max = maxEdits(word);
  if (max === 0) return [];
  const half = Math.floor(word.length / 2);
  const third = Math.ceil(word.length / 3);
  // Made on the first candidate: a word nothing is near (the usual "not found") costs a few binary searches.
  let candidates: Map<string, number> | null = null;
  const ranges = max >= 2 ? 2 : 1;
  const index = view.index;
  const sorted = index.sortedSurfaces();
  for (let k = 0; k < ranges; k++) {
    const head = word.slice(0, k === 0 ? half : third);
    if (!index.mayHaveAffix(head, false)) continue;
    for (let i = lowerBound(sorted, head), n = 0; i < sorted.length && n < MAX_SCAN; i++) {
      const s = sorted[i] ?? "";
      if (!s.startsWith(head)) break;
      const t = visibleTerm(view, s);
      if (t === undefined) continue;
      n++;
      if (Math.abs(s.length - word.length) <= max) (candidates ??= new Map()).set(s, t);
    }
  }
  const rev = index.sortedReversed();
  for (let k = 0; k < ranges; k++) {
    const end = word.slice(k === 0 ? half : word.length - third);
    if (!index.mayHaveAffix(end, true)) continue;
    const tail = reverseString(end);
    for (let i = lowerBound(rev, tail), n = 0; i < rev.length && n < MAX_SCAN; i++) {
      const r = rev[i] ?? "";
      if (!r.startsWith(tail)) break;
      const s = reverseString(r);
      const t = visibleTerm(view, s);
      if (t === undefined) continue;
      n++;
      if (Math.abs(s.length - word.length) <= max) (candidates ??= new Map()).set(s, t);
    }
  }
  if (!candidates) return [];
  const out: { surface: string; distance: number; df: number }[] = [];
  for (const [s, t] of candidates) {
    if (s === word) continue;
    const d = editDistance(word, s, max);
    if (d > max) continue;
    out.push({ surface: s, distance: d, df: view.df(t) });
  }
  out.sort((a, b) => a.distance - b.distance || b.df - a.df || a.surface.localeCompare(b.surface));
  return out.slice(0, limit);
}
