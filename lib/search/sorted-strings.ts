// Sorted string arrays behind prefix and suffix lookups of the vocabulary.

/** `s` reversed by code points (a surrogate pair stays in order), without the arrays of Array.from. */
export function reverseString(s: string): string {
  let out = "";
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const hi = s.charCodeAt(i - 1);
      if (hi >= 0xd800 && hi <= 0xdbff) {
        out += s.slice(i - 1, i + 1);
        i--;
        continue;
      }
    }
    out += s[i] ?? "";
  }
  return out;
}

/** Index of the first element ≥ key. */
export function lowerBound(arr: readonly string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] ?? "") < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function insertSorted(arr: string[], s: string): void {
  arr.splice(lowerBound(arr, s), 0, s);
}
