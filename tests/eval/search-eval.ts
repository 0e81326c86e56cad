// Search relevance eval: imports the postmortems.app corpus into a temporary content repository with the Kaizen
// importer, builds the Kaizen index, runs the dev queries and prints MRR, recall@10 and nDCG@10 beside SQLite FTS5,
// minisearch, lunr and plain flexsearch on the same text.
//   npm run eval:search [-- --queries FILE --corpus DIR --verbose]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { ContentStore } from "../../lib/content/store";
import { importPostmortemsApp } from "../../lib/import/postmortems-app";
import { buildFromSnapshot, search, stripMdx } from "../../lib/search";
import { parseArgs, toolOptions, flagString } from "../../scripts/cli-args";
import { allPeers, type Peer, type PeerDoc } from "../bench/peers";

const queriesSchema = z.object({
  queries: z.array(z.object({ id: z.string(), query: z.string(), kind: z.string().optional(), relevant: z.array(z.string()).min(1) })),
});

const MINIMAL_TAXONOMY = `categories:
  - { id: change, name: Change, maps_to: [config-change, automation] }
  - { id: platform, name: Platform, maps_to: [cloud, hardware, cascading-failure, time, security] }
factors:
  - { id: risky-change, name: Risky change, category: change, description: A change caused the incident. }
  - { id: platform-failure, name: Platform failure, category: platform, description: A platform or dependency failed. }
`;

interface Metrics {
  mrr: number;
  recall: number;
  ndcg: number;
}

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

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), toolOptions(["corpus", "queries"], ["verbose"]));
  const root = process.cwd();
  const corpus = path.resolve(flagString(args, "corpus") ?? path.join(root, "../shared/corpus/postmortems-app"));
  const queriesFile = path.resolve(flagString(args, "queries") ?? path.join(root, "../shared/eval/dev-queries.json"));
  if (!fs.existsSync(corpus) || !fs.existsSync(queriesFile)) {
    console.log(`search eval skipped: corpus (${corpus}) or queries (${queriesFile}) not found`);
    return 0;
  }
  const { queries } = queriesSchema.parse(JSON.parse(fs.readFileSync(queriesFile, "utf8")));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-eval-"));
  try {
    const git = (...a: string[]) => execFileSync("git", a, { cwd: tmp, stdio: "pipe" });
    git("init", "-q");
    const projectTaxonomy = path.join(root, "content", "factors.yml");
    fs.writeFileSync(path.join(tmp, "factors.yml"), fs.existsSync(projectTaxonomy) ? fs.readFileSync(projectTaxonomy, "utf8") : MINIMAL_TAXONOMY);
    fs.mkdirSync(path.join(tmp, "incidents"));
    git("add", "factors.yml");
    git("-c", "user.name=eval", "-c", "user.email=eval@localhost", "commit", "-q", "-m", "taxonomy");

    const store = new ContentStore(tmp);
    const t0 = performance.now();
    const report = await importPostmortemsApp(corpus, store);
    const importMs = performance.now() - t0;
    const snap = await store.forceRefresh();
    console.log(`imported ${report.imported.length} reports (${report.skipped.length} skipped) in ${importMs.toFixed(0)} ms; ${snap.incidents.length} valid incidents, ${snap.broken.length} broken`);
    for (const s of report.skipped) console.log(`  skipped ${s.file}: ${s.reason}`);

    const t1 = performance.now();
    const index = buildFromSnapshot(snap);
    const buildMs = performance.now() - t1;

    const docs: PeerDoc[] = snap.incidents.map((d) => ({
      id: d.id,
      title: d.frontmatter.title,
      summary: d.frontmatter.summary,
      body: stripMdx(d.body),
      tags: d.frontmatter.tags.join(" "),
      company: [d.frontmatter.source?.company ?? "", ...d.frontmatter.services].join(" "),
      severity: d.frontmatter.severity ?? "",
    }));
    const engines: { name: string; run: (q: string) => string[] }[] = [{ name: "kaizen", run: (q) => search(index, q, { limit: 10 }).results.map((r) => r.id) }];
    for (const peer of allPeers()) {
      const p: Peer = peer;
      p.build(docs);
      engines.push({ name: p.name, run: (q) => p.search({ text: q }, 10) });
    }

    const verbose = args.flags.verbose === true;
    const rows: { name: string; m: Metrics }[] = [];
    for (const e of engines) {
      const sum: Metrics = { mrr: 0, recall: 0, ndcg: 0 };
      for (const q of queries) {
        const ranked = e.run(q.query);
        const m = metricsOf(ranked, q.relevant);
        sum.mrr += m.mrr;
        sum.recall += m.recall;
        sum.ndcg += m.ndcg;
        if (verbose && e.name === "kaizen" && m.ndcg < 0.999) {
          const rel = new Set(q.relevant);
          console.log(`  ${q.id} ndcg=${m.ndcg.toFixed(2)} mrr=${m.mrr.toFixed(2)} ${q.query}`);
          console.log(`     ranks of relevant: ${q.relevant.map((r) => ranked.indexOf(r) + 1 || "-").join(",")}; top: ${ranked.slice(0, 5).map((r) => (rel.has(r) ? "*" : "") + r.slice(0, 8)).join(" ")}`);
        }
      }
      const n = queries.length;
      rows.push({ name: e.name, m: { mrr: sum.mrr / n, recall: sum.recall / n, ndcg: sum.ndcg / n } });
    }
    console.log(`\n${queries.length} queries, ${snap.incidents.length} incidents; Kaizen index built in ${buildMs.toFixed(0)} ms\n`);
    console.log(`${"engine".padEnd(14)}${"MRR@10".padStart(9)}${"recall@10".padStart(11)}${"nDCG@10".padStart(10)}`);
    for (const r of rows) console.log(`${r.name.padEnd(14)}${r.m.mrr.toFixed(3).padStart(9)}${r.m.recall.toFixed(3).padStart(11)}${r.m.ndcg.toFixed(3).padStart(10)}`);
    const k = rows[0];
    const peers = rows.slice(1);
    if (k) {
      const ahead = (key: keyof Metrics) => peers.every((p) => k.m[key] > p.m[key]);
      console.log(`\nkaizen ahead of every peer: MRR ${ahead("mrr") ? "yes" : "NO"}, recall@10 ${ahead("recall") ? "yes" : "NO"}, nDCG@10 ${ahead("ndcg") ? "yes" : "NO"}`);
    }
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
