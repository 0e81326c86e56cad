/** Levenshtein distance with an early exit once `max` is exceeded (returns max + 1 then). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // One edit allowed (typo lookups over whole vocabularies ask this most): a linear scan instead of the table.
  if (max === 1) return oneEditApart(a, b) ? 1 : 2;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/** Whether two different strings (lengths at most one apart) are one substitution, insertion or deletion apart. */
function oneEditApart(a: string, b: string): boolean {
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === l.charCodeAt(i)) i++;
  // The rest after the first difference: the same when one character of the longer (or of both) is skipped.
  const skipBoth = s.length === l.length;
  for (let j = i + (skipBoth ? 1 : 0), k = i + 1; j < s.length; j++, k++) if (s.charCodeAt(j) !== l.charCodeAt(k)) return false;
  return true;
}

export function normalizeName(s: string): string {
  return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
