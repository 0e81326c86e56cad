// Factor-suggestion eval: `npm run eval:factors [-- --corpus DIR] [--threshold X] [--content DIR] [--json]`.
// Suggests taxonomy factors for each report of the postmortems-app corpus from its title, summary and body (its own
// categories hidden), maps the factors to the corpus categories through the taxonomy's `maps_to`, and scores the
// result against the corpus categories: precision, recall and F1 per category and micro-averaged.
import fs from "node:fs";
import path from "node:path";
import { parseTaxonomy } from "../../lib/content/store";
import { factorCategoryMap } from "../../lib/knowledge/category-map";
import { suggestFactors } from "../../lib/knowledge/suggest";
import type { Taxonomy } from "../../lib/knowledge/taxonomy";
import { flagNumber, flagString, parseArgs } from "../../scripts/cli-args";
import { loadCorpus } from "./corpus";

const CATEGORIES = ["config-change", "cloud", "automation", "security", "cascading-failure", "hardware", "time"] as const;

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

/** Categories predicted for each report, with the best confidence behind each, computed once for all thresholds. */
function predict(reports: Report[], taxonomy: Taxonomy): Map<string, Map<string, number>> {
  const toCategories = factorCategoryMap(taxonomy);
  const out = new Map<string, Map<string, number>>();
  for (const r of reports) {
    const suggestions = suggestFactors({ title: r.title, summary: r.summary, body: r.body }, taxonomy, undefined, { minConfidence: 0, limit: Infinity });
    const cats = new Map<string, number>();
    for (const s of suggestions) {
      for (const c of toCategories.get(s.factor) ?? []) cats.set(c, Math.max(cats.get(c) ?? 0, s.confidence));
    }
    out.set(r.uuid, cats);
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

function pct(x: number): string {
  return x.toFixed(2);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const root = path.resolve(import.meta.dirname, "../..");
  const corpus = path.resolve(root, flagString(args, "corpus") ?? "../shared/corpus/postmortems-app");
  const content = path.resolve(root, flagString(args, "content") ?? "content");
  const threshold = flagNumber(args, "threshold", 0.4);
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

  const sweep = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((t) => ({ t, ...prf(score(reports, predicted, t).micro) }));
  const { per, micro } = score(reports, predicted, threshold);
  const rows = CATEGORIES.map((c) => {
    const counts = per.get(c) ?? { tp: 0, fp: 0, fn: 0 };
    return { category: c, support: counts.tp + counts.fn, ...counts, ...prf(counts) };
  });
  const overall = { ...micro, ...prf(micro) };
  if (args.flags.json === true) {
    console.log(JSON.stringify({ corpus, reports: reports.length, unlabeled: all.length - reports.length, threshold, perCategory: rows, micro: overall, sweep }, null, 2));
    return 0;
  }
  console.log(`corpus ${corpus}: ${reports.length} labelled reports scored (${all.length - reports.length} without categories)`);
  console.log(`suggestions for all reports in ${ms.toFixed(0)} ms (${(ms / Math.max(1, reports.length)).toFixed(2)} ms per report)\n`);
  console.log(`threshold sweep (micro):\n  conf   P     R     F1`);
  for (const s of sweep) console.log(`  ${s.t.toFixed(2)}  ${pct(s.precision)}  ${pct(s.recall)}  ${pct(s.f1)}`);
  console.log(`\nat confidence >= ${threshold}:`);
  console.log(`  ${"category".padEnd(18)} support   tp   fp   fn     P     R    F1`);
  for (const r of rows) {
    console.log(
      `  ${r.category.padEnd(18)} ${String(r.support).padStart(7)} ${String(r.tp).padStart(4)} ${String(r.fp).padStart(4)} ${String(r.fn).padStart(4)}  ${pct(r.precision)}  ${pct(r.recall)}  ${pct(r.f1)}`,
    );
  }
  console.log(
    `  ${"micro".padEnd(18)} ${String(overall.tp + overall.fn).padStart(7)} ${String(overall.tp).padStart(4)} ${String(overall.fp).padStart(4)} ${String(overall.fn).padStart(4)}  ${pct(overall.precision)}  ${pct(overall.recall)}  ${pct(overall.f1)}`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
