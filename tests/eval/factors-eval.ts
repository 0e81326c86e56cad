// Factor-suggestion eval: `npm run eval:factors [-- --corpus DIR] [--threshold X] [--content DIR] [--json]`.
// Suggests taxonomy factors for each report of the postmortems-app corpus from its title, summary and body (its own
// categories hidden), maps the factors to the corpus categories through the taxonomy's `maps_to`, and scores the
// result against the corpus categories: precision, recall and F1 per category and micro-averaged.
// Decision rule: a category is predicted when its confidence (noisy-or of the confidences of the suggested factors
// that map to it, see categoryConfidences) reaches one threshold shared by all categories. Without --threshold the
// threshold is the one with the best micro-F1 on this corpus; a 5-fold cross-validated figure (threshold chosen on four
// folds, scored on the fifth) shows how much of the score that choice owes to tuning on the same data.
import fs from "node:fs";
import path from "node:path";
import { parseTaxonomy } from "../../lib/content/store";
import { categoryConfidences, factorCategoryMap } from "../../lib/knowledge/category-map";
import { suggestFactors } from "../../lib/knowledge/suggest";
import type { Taxonomy } from "../../lib/schema/taxonomy";
import { flagNumber, flagString, parseArgs, toolOptions } from "../../scripts/cli-args";
import { loadCorpus } from "./corpus";

const CATEGORIES = ["config-change", "cloud", "automation", "security", "cascading-failure", "hardware", "time"] as const;
/** Thresholds tried when choosing one on the data. */
const SWEEP = Array.from({ length: 14 }, (_, i) => Math.round((0.3 + i * 0.05) * 100) / 100);
const FOLDS = 5;

interface Report {
  uuid: string;
  title: string;
  summary: string;
  body: string;
  categories: Set<string>;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

function prf(c: Counts) {
  const p = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const r = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  return { precision: p, recall: r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
}

/** Category confidences for each report, computed once for all thresholds. */
function predict(reports: Report[], taxonomy: Taxonomy): Map<string, Map<string, number>> {
  const toCategories = factorCategoryMap(taxonomy);
  const out = new Map<string, Map<string, number>>();
  for (const r of reports) {
    const suggestions = suggestFactors({ title: r.title, summary: r.summary, body: r.body }, taxonomy, undefined, { minConfidence: 0, limit: Infinity });
    out.set(r.uuid, categoryConfidences(suggestions, toCategories));
  }
  return out;
}

function score(reports: Report[], predicted: Map<string, Map<string, number>>, threshold: number) {
  const per = new Map<string, Counts>(CATEGORIES.map((c) => [c, { tp: 0, fp: 0, fn: 0 }]));
  for (const r of reports) {
    const cats = predicted.get(r.uuid) ?? new Map<string, number>();
    for (const c of CATEGORIES) {
      const counts = per.get(c);
      if (!counts) continue;
      const yes = (cats.get(c) ?? 0) >= threshold;
      const truth = r.categories.has(c);
      if (yes && truth) counts.tp++;
      else if (yes) counts.fp++;
      else if (truth) counts.fn++;
    }
  }
  const micro = [...per.values()].reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  return { per, micro };
}

/** The sweep threshold with the best micro-F1 on these reports (the higher one on ties: fewer, surer predictions). */
function bestThreshold(reports: Report[], predicted: Map<string, Map<string, number>>): number {
  let best = { t: SWEEP[0] ?? 0.5, f1: -1 };
  for (const t of SWEEP) {
    const { f1 } = prf(score(reports, predicted, t).micro);
    if (f1 >= best.f1) best = { t, f1 };
  }
  return best.t;
}

/** Micro counts when each fold is scored at the threshold chosen on the other folds (pooled over folds). */
function crossValidated(reports: Report[], predicted: Map<string, Map<string, number>>): Counts & { thresholds: number[] } {
  const total = { tp: 0, fp: 0, fn: 0, thresholds: [] as number[] };
  for (let k = 0; k < FOLDS; k++) {
    const t = bestThreshold(reports.filter((_, i) => i % FOLDS !== k), predicted);
    const { micro } = score(reports.filter((_, i) => i % FOLDS === k), predicted, t);
    total.tp += micro.tp;
    total.fp += micro.fp;
    total.fn += micro.fn;
    total.thresholds.push(t);
  }
  return total;
}

/** Reference point, not a method: predict for every report each category that more than half the reports carry. */
function majorityBaseline(reports: Report[]): Counts {
  const common = CATEGORIES.filter((c) => reports.filter((r) => r.categories.has(c)).length * 2 > reports.length);
  const out = { tp: 0, fp: 0, fn: 0 };
  for (const r of reports) {
    for (const c of CATEGORIES) {
      const yes = common.includes(c);
      if (yes && r.categories.has(c)) out.tp++;
      else if (yes) out.fp++;
      else if (r.categories.has(c)) out.fn++;
    }
  }
  return out;
}

function pct(x: number): string {
  return x.toFixed(2);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), toolOptions(["corpus", "content", "threshold"], ["json"]));
  const root = path.resolve(import.meta.dirname, "../..");
  const corpus = path.resolve(root, flagString(args, "corpus") ?? "../shared/corpus/postmortems-app");
  const content = path.resolve(root, flagString(args, "content") ?? "content");
  const fixed = flagString(args, "threshold") === undefined ? undefined : flagNumber(args, "threshold", 0.5);
  if (!fs.existsSync(corpus)) {
    console.error(`corpus not found at ${corpus}; pass --corpus DIR`);
    return 2;
  }
  const { taxonomy, problems } = parseTaxonomy(fs.readFileSync(path.join(content, "factors.yml"), "utf8"));
  if (problems.some((p) => p.severity === "error")) {
    for (const p of problems) console.error(`${p.file}:${p.line}:${p.col}  ${p.field}  ${p.message}`);
    return 1;
  }
  const all: Report[] = (await loadCorpus(corpus)).map((r) => ({ ...r, categories: new Set(r.categories) }));
  // Reports without categories cannot be scored: every prediction would count as a false positive against "no label".
  const reports = all.filter((r) => r.categories.size > 0);
  const started = performance.now();
  const predicted = predict(reports, taxonomy);
  const ms = performance.now() - started;

  const sweep = SWEEP.map((t) => ({ t, ...prf(score(reports, predicted, t).micro) }));
  const threshold = fixed ?? bestThreshold(reports, predicted);
  const cv = crossValidated(reports, predicted);
  const cvScore = { ...prf(cv), thresholds: cv.thresholds };
  const baseline = prf(majorityBaseline(reports));
  const { per, micro } = score(reports, predicted, threshold);
  const rows = CATEGORIES.map((c) => {
    const counts = per.get(c) ?? { tp: 0, fp: 0, fn: 0 };
    return { category: c, support: counts.tp + counts.fn, ...counts, ...prf(counts) };
  });
  const overall = { ...micro, ...prf(micro) };
  if (args.flags.json === true) {
    console.log(
      JSON.stringify(
        { corpus, reports: reports.length, unlabeled: all.length - reports.length, threshold, thresholdChosenOnData: fixed === undefined, perCategory: rows, micro: overall, sweep, crossValidated: cvScore, majorityBaseline: baseline },
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(`corpus ${corpus}: ${reports.length} labelled reports scored (${all.length - reports.length} without categories)`);
  console.log(`suggestions for all reports in ${ms.toFixed(0)} ms (${(ms / Math.max(1, reports.length)).toFixed(2)} ms per report)\n`);
  console.log(`threshold sweep (micro):\n  conf   P     R     F1`);
  for (const s of sweep) console.log(`  ${s.t.toFixed(2)}  ${pct(s.precision)}  ${pct(s.recall)}  ${pct(s.f1)}`);
  console.log(`\nat category confidence >= ${threshold}${fixed === undefined ? " (best micro-F1 of the sweep, chosen on this corpus)" : ""}:`);
  console.log(`  ${"category".padEnd(18)} support   tp   fp   fn     P     R    F1`);
  for (const r of rows) {
    console.log(
      `  ${r.category.padEnd(18)} ${String(r.support).padStart(7)} ${String(r.tp).padStart(4)} ${String(r.fp).padStart(4)} ${String(r.fn).padStart(4)}  ${pct(r.precision)}  ${pct(r.recall)}  ${pct(r.f1)}`,
    );
  }
  console.log(
    `  ${"micro".padEnd(18)} ${String(overall.tp + overall.fn).padStart(7)} ${String(overall.tp).padStart(4)} ${String(overall.fp).padStart(4)} ${String(overall.fn).padStart(4)}  ${pct(overall.precision)}  ${pct(overall.recall)}  ${pct(overall.f1)}`,
  );
  console.log(
    `\n${FOLDS}-fold cross-validated threshold choice (thresholds ${cv.thresholds.join(", ")}): P ${pct(cvScore.precision)}  R ${pct(cvScore.recall)}  F1 ${pct(cvScore.f1)}`,
  );
  console.log(`reference, every category most reports carry: P ${pct(baseline.precision)}  R ${pct(baseline.recall)}  F1 ${pct(baseline.f1)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
