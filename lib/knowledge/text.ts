// Sparse term vectors for the similarity measures of factor suggestions and taxonomy care (the words themselves come from
// the one analyzer, lib/text/analyze.ts).

/** Sparse vectors over terms. */
export type SparseVector = Map<string, number>;

export function norm(v: SparseVector): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}

/** Scales a vector to unit length (in place) and returns it. */
export function normalize(v: SparseVector): SparseVector {
  const n = norm(v);
  if (n > 0) for (const [k, x] of v) v.set(k, x / n);
  return v;
}

export function dot(a: SparseVector, b: SparseVector): number {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, x] of small) {
    const y = big.get(k);
    if (y !== undefined) s += x * y;
  }
  return s;
}

/** Unigrams plus adjacent-pair bigrams ("connect pool"), so phrases weigh more than their words apart. */
export function terms(tokens: string[]): string[] {
  const out = [...tokens];
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens[i - 1]} ${tokens[i]}`);
  return out;
}

/** Term counts. */
export function termFrequencies(list: string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of list) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}
