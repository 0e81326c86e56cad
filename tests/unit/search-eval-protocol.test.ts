import { describe, expect, it } from "vitest";
import { foldsOf, heldOut, metricsOf, type Metrics } from "../eval/protocol";

const m = (ndcg: number): Metrics => ({ mrr: ndcg, recall: ndcg, ndcg });

describe("search eval protocol", () => {
  it("scores each fold with the configuration chosen on the other folds only", () => {
    // Configuration 1 is perfect on fold 0's query and useless elsewhere: a tuner that saw fold 0 would pick it
    // there; held out, fold 0 must be scored with configuration 0 (best on the training folds).
    const folds = [0, 1, 1, 2, 2];
    const table = [
      [m(0.2), m(0.6), m(0.6), m(0.6), m(0.6)],
      [m(1), m(0), m(0), m(0), m(0)],
    ];
    const { perQuery, chosen } = heldOut(table, folds, 3);
    expect(chosen[0]).toBe(0);
    expect(perQuery[0]?.ndcg).toBe(0.2);
  });

  it("keeps the shipped (first) configuration when nothing trains better", () => {
    const table = [
      [m(0.5), m(0.5)],
      [m(0.5), m(0.5)],
    ];
    expect(heldOut(table, [0, 1], 2).chosen).toEqual([0, 0]);
  });

  it("deals every kind across the folds, independent of file order", () => {
    const qs = Array.from({ length: 10 }, (_, i) => ({ id: `q${i}`, kind: i < 5 ? "a" : "b" }));
    const folds = foldsOf(qs, 5);
    expect(new Set(folds.slice(0, 5)).size).toBe(5);
    expect(new Set(folds.slice(5)).size).toBe(5);
    const reversed = foldsOf([...qs].reverse(), 5).reverse();
    expect(reversed).toEqual(folds);
  });

  it("computes binary nDCG, MRR and recall at 10", () => {
    const r = metricsOf(["x", "a", "y", "b"], ["a", "b"]);
    expect(r.mrr).toBe(0.5);
    expect(r.recall).toBe(1);
    expect(r.ndcg).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 10);
  });
});
