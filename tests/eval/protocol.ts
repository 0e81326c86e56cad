// The evaluation protocol of the search eval: per-query metrics, folds by query, and the held-out figure of a
// parameter choice (tuned on the training folds only), so that a reported number is one no query of it was tuned on.

export interface Metrics {
  mrr: number;
  recall: number;
  ndcg: number;
}

export const METRIC_KEYS = ["mrr", "recall", "ndcg"] as const;

/** MRR@10, recall@10 and nDCG@10 (binary relevance) of one ranked list. */
export function metricsOf(ranked: readonly string[], relevant: readonly string[]): Metrics {
  const rel = new Set(relevant.map((r) => r.toLowerCase()));
  const top = ranked.slice(0, 10).map((r) => r.toLowerCase());
  const first = top.findIndex((id) => rel.has(id));
  const hits = top.filter((id) => rel.has(id)).length;
  let dcg = 0;
  top.forEach((id, i) => {
    if (rel.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let idcg = 0;
  for (let i = 0; i < Math.min(10, rel.size); i++) idcg += 1 / Math.log2(i + 2);
  return { mrr: first < 0 ? 0 : 1 / (first + 1), recall: hits / rel.size, ndcg: idcg ? dcg / idcg : 0 };
}

export function meanOf(ms: readonly Metrics[]): Metrics {
  const n = ms.length || 1;
  return {
    mrr: ms.reduce((s, m) => s + m.mrr, 0) / n,
    recall: ms.reduce((s, m) => s + m.recall, 0) / n,
    ndcg: ms.reduce((s, m) => s + m.ndcg, 0) / n,
  };
}

/** FNV-1a of a query id: the fold assignment depends on the id alone, not on the file's order or on results. */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Fold of each query (0..k-1), stratified by kind so every fold holds every kind: queries of a kind are ordered by
 * the hash of their id and dealt round-robin, continuing where the previous kind stopped.
 */
export function foldsOf(queries: readonly { id: string; kind?: string }[], k: number): number[] {
  const folds = new Array<number>(queries.length).fill(0);
  const byKind = new Map<string, number[]>();
  queries.forEach((q, i) => {
    const kind = q.kind ?? "";
    byKind.set(kind, [...(byKind.get(kind) ?? []), i]);
  });
  let next = 0;
  for (const kind of [...byKind.keys()].sort()) {
    const members = (byKind.get(kind) ?? []).sort((a, b) => hashId(queries[a]?.id ?? "") - hashId(queries[b]?.id ?? ""));
    for (const i of members) folds[i] = next++ % k;
  }
  return folds;
}

/**
 * Held-out evaluation of a choice among configurations: `table[c][q]` holds configuration c's metrics on query q.
 * For each fold, the configuration with the best mean objective on the other folds (ties: the lower index, so the
 * first configuration, the shipped one, wins when nothing is better) is scored on that fold only.
 * Returns every query's held-out metrics and the configuration chosen per fold.
 */
export function heldOut(
  table: readonly (readonly Metrics[])[],
  folds: readonly number[],
  k: number,
  objective: (m: Metrics) => number = (m) => m.ndcg + 0.5 * m.mrr + 0.5 * m.recall,
): { perQuery: Metrics[]; chosen: number[] } {
  const perQuery = new Array<Metrics>(folds.length);
  const chosen: number[] = [];
  for (let f = 0; f < k; f++) {
    let best = 0;
    let bestScore = -Infinity;
    table.forEach((row, c) => {
      let s = 0;
      row.forEach((m, q) => {
        if (folds[q] !== f) s += objective(m);
      });
      if (s > bestScore + 1e-12) {
        bestScore = s;
        best = c;
      }
    });
    chosen.push(best);
    const row = table[best] ?? [];
    folds.forEach((fq, q) => {
      if (fq === f) perQuery[q] = row[q] ?? { mrr: 0, recall: 0, ndcg: 0 };
    });
  }
  return { perQuery, chosen };
}
