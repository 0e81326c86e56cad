// Sorted string arrays behind prefix and suffix lookups of the vocabulary.

export function reverseString(s: string): string {
  return Array.from(s).reverse().join("");
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
