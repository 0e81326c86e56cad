/** One line of a line diff: unchanged, only in the old text, or only in the new one. */
export interface DiffLine {
  op: "same" | "del" | "add";
  text: string;
}

const MAX_CELLS = 4_000_000;

/**
 * Line diff of two texts (longest common subsequence after trimming the common head and tail). Pure, for the
 * editor's conflict view. Very large differing middles fall back to "all removed, all added" to bound the work.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: "same", text }));
  if (am.length * bm.length > MAX_CELLS) {
    out.push(...am.map((text) => ({ op: "del" as const, text })), ...bm.map((text) => ({ op: "add" as const, text })));
  } else {
    // lcs[i][j] = length of the LCS of am[i..] and bm[j..], in one flat array.
    const w = bm.length + 1;
    const lcs = new Uint32Array((am.length + 1) * w);
    for (let i = am.length - 1; i >= 0; i--) {
      for (let j = bm.length - 1; j >= 0; j--) {
        lcs[i * w + j] = am[i] === bm[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < am.length && j < bm.length) {
      if (am[i] === bm[j]) {
        out.push({ op: "same", text: am[i] ?? "" });
        i++;
        j++;
      } else if ((lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0)) out.push({ op: "del", text: am[i++] ?? "" });
      else out.push({ op: "add", text: bm[j++] ?? "" });
    }
    while (i < am.length) out.push({ op: "del", text: am[i++] ?? "" });
    while (j < bm.length) out.push({ op: "add", text: bm[j++] ?? "" });
  }
  out.push(...a.slice(a.length - tail).map((text) => ({ op: "same" as const, text })));
  return out;
}
