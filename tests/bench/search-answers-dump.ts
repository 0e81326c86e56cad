// The answers of the benchmark's queries (ids, scores, snippets, facets, did-you-mean, totals), written as JSON lines
// so a speed change can be checked to leave every answer byte-identical: dump before and after, then `cmp` the files.
// The same answers are taken from the index as built and as loaded from its persisted file.
//   npx tsx tests/bench/search-answers-dump.ts [--corpus DIR] [--sizes 10000] [--out FILE]
//   npx tsx tests/bench/search-answers-dump.ts --profile phrase --repeat 200   (a driver for node --cpu-prof)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSearchIndex } from "../../lib/search/build";
import { loadIndex, saveIndex } from "../../lib/search/persist";
import { search } from "../../lib/search/search";
import type { SearchIndex } from "../../lib/search/search-index";
import { flagString, parseArgs, toolOptions } from "../../scripts/cli-args";
import { CLASSES, docsOfSize, makeQueries, realDocs, type QClass } from "./bench-data";

/** Queries beyond the benchmark's: typos, phrases with stopwords and repeated words, pages past the first, prefixes while typing. */
const EXTRA: { q: string; offset?: number; prefixLast?: boolean }[] = [
  { q: "kubrnetis" },
  { q: "databse timout" },
  { q: '"the database"' },
  { q: '"of the"' },
  { q: '"to the database"' },
  { q: '"disk disk"' },
  { q: '"root cause" -"database"' },
  { q: "outage", offset: 10 },
  { q: "connection pool", offset: 20 },
  { q: "certifi", prefixLast: true },
  { q: "zzzzqqqq xkcdwv" },
  { q: "deploy* severity:SEV2" },
];

function answers(index: SearchIndex, queries: Record<QClass, { kaizen: string }[]>): string[] {
  const lines: string[] = [];
  for (const c of CLASSES) for (const q of queries[c]) lines.push(JSON.stringify({ c, q: q.kaizen, r: search(index, q.kaizen, { limit: 10 }) }));
  for (const e of EXTRA) lines.push(JSON.stringify({ c: "extra", q: e, r: search(index, e.q, { limit: 10, offset: e.offset, prefixLast: e.prefixLast }) }));
  return lines;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), toolOptions(["corpus", "sizes", "out", "profile", "repeat"], []));
  const corpusDir = path.resolve(flagString(args, "corpus") ?? path.join(process.cwd(), "../shared/corpus/postmortems-app"));
  if (!fs.existsSync(corpusDir)) {
    console.log(`skipped: corpus not found at ${corpusDir}`);
    return 0;
  }
  const sizes = (flagString(args, "sizes") ?? "10000").split(",").map(Number).filter((n) => n > 0);
  const real = await realDocs(corpusDir);
  const profile = flagString(args, "profile") as QClass | undefined;
  const lines: string[] = [];
  for (const size of sizes) {
    const docs = docsOfSize(real, size);
    const queries = makeQueries(docs, size >= 50_000 ? 60 : 100, size);
    const t0 = performance.now();
    const built = buildSearchIndex(docs);
    console.log(`${size}: built in ${(performance.now() - t0).toFixed(0)} ms`);
    if (profile) {
      const qs = queries[profile];
      if (!qs) throw new Error(`unknown class ${profile}`);
      const repeat = Number(flagString(args, "repeat") ?? "100");
      const samples: number[] = [];
      for (let r = 0; r < repeat; r++) {
        for (const q of qs) {
          const t = process.hrtime.bigint();
          search(built, q.kaizen, { limit: 10 });
          samples.push(Number(process.hrtime.bigint() - t) / 1e3);
        }
      }
      samples.sort((a, b) => a - b);
      const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]?.toFixed(1);
      console.log(`${profile}: p50 ${at(0.5)} µs, p95 ${at(0.95)} µs over ${samples.length} runs`);
      continue;
    }
    const fresh = answers(built, queries);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-dump-"));
    try {
      saveIndex(built, "dump", dir);
      const loaded = loadIndex(dir);
      if (!loaded) throw new Error("persisted index did not load");
      const again = answers(loaded.index, queries);
      const differ = fresh.findIndex((l, i) => l !== again[i]);
      if (differ >= 0) console.log(`${size}: the loaded index answers differently, first at line ${differ + 1}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    for (const l of fresh) lines.push(`${size}\t${l}`);
  }
  if (!profile) {
    const out = flagString(args, "out") ?? "answers.jsonl";
    fs.writeFileSync(out, `${lines.join("\n")}\n`);
    console.log(`${lines.length} answers written to ${out}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
