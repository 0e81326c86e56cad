// Search benchmark: Kaizen beside minisearch, lunr, SQLite FTS5, plain flexsearch and ripgrep over files, on the real
// corpus and on synthetic corpora generated from its vocabulary. Prints each figure with its ratio to the best peer.
//   npm run bench [-- --corpus DIR --sizes 242,1000,10000,50000 --quick --engines=kaizen,flexsearch --engine=bundle|source]
// Kaizen's engine is timed as the production server compiles it (see tests/bench/engine.ts); --engine=source times it
// under tsx's own transform instead.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SearchDoc } from "../../lib/search/document";
import type { SearchIndex } from "../../lib/search/search-index";
import { flagString, parseArgs, toolOptions } from "../../scripts/cli-args";
import { loadEngine, type Engine } from "./engine";
import { CLASSES, docsOfSize, makeQueries, realDocs, type BenchQuery, type QClass } from "./bench-data";
import { Fts5Peer, FlexsearchPeer, LunrPeer, MiniSearchPeer, type Peer, type PeerDoc } from "./peers";
import { learn, rng } from "./synth";

const gc = (globalThis as { gc?: () => void }).gc;
function heap(): number {
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

function toPeerDoc(d: SearchDoc): PeerDoc {
  return { id: d.id, title: d.title, summary: d.summary, body: d.text, tags: d.tags.join(" "), company: [d.company, ...d.services].join(" "), severity: d.severity ?? "" };
}

interface EngineResult {
  build?: number;
  boot?: number;
  heap?: number;
  size?: number;
  update?: number;
  /** Persisting the index as the server does (in steps): the longest the event loop waited meanwhile. */
  persistStall?: number;
  latency: Partial<Record<QClass, { p50: number; p95: number; p99: number }>>;
}

function measureLatency(run: (q: BenchQuery) => void, queries: Record<QClass, BenchQuery[]>, passes: number, skip: (c: QClass, q: BenchQuery) => boolean = () => false): EngineResult["latency"] {
  const out: EngineResult["latency"] = {};
  for (const c of CLASSES) {
    const qs = queries[c].filter((q) => !skip(c, q));
    if (qs.length === 0) continue;
    // Warm-up, the same for every engine: at least one pass and 250 ms of this class, so each is timed as a long-running
    // server runs it (its code compiled by the JIT), not partly in the interpreter.
    const warmUntil = performance.now() + 250;
    do for (const q of qs) run(q);
    while (performance.now() < warmUntil);
    const samples: number[] = [];
    for (let p = 0; p < passes; p++) for (const q of qs) samples.push(time(() => run(q)).ms);
    out[c] = { p50: pct(samples, 50), p95: pct(samples, 95), p99: pct(samples, 99) };
  }
  return out;
}

/** A copy of a record whose strings share no memory with the original (as toSearchDoc's output owns its strings). */
function owned(d: SearchDoc): SearchDoc {
  const copy = (s: string) => Buffer.from(s, "utf8").toString("utf8");
  return { ...d, title: copy(d.title), summary: copy(d.summary), text: copy(d.text) };
}

/** The longest gap between two turns of the event loop while `work` runs (what a request arriving then would wait). */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  let running = true;
  const turn = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  try {
    await work();
  } finally {
    running = false;
  }
  return Math.max(worst, performance.now() - last);
}

async function benchKaizen(engine: Engine, docs: SearchDoc[], queries: Record<QClass, BenchQuery[]>, tmp: string, passes: number): Promise<EngineResult> {
  const { buildSearchIndex, loadIndex, saveIndex, saveIndexInSteps, search } = engine;
  // The index keeps the summary and body text it cuts snippets from: build it from private copies, so the heap figure
  // counts that text, as it is counted in the server (the bench's own `docs` would otherwise hold it for free).
  const before = heap();
  let copies: SearchDoc[] | null = docs.map(owned);
  const built = time(() => buildSearchIndex(copies!));
  copies = null;
  let index: SearchIndex | null = built.value;
  const h = heap() - before;
  const dir = path.join(tmp, "kaizen");
  const size = saveIndex(index, "bench", dir);
  const stepped = index;
  const persistStall = await longestStall(() => saveIndexInSteps(stepped, "bench", dir));
  const latency = measureLatency((q) => void search(index!, q.kaizen, { limit: 10 }), queries, passes);
  const r = rng(7);
  const updates: number[] = [];
  for (let i = 0; i < 20; i++) {
    const d = docs[Math.floor(r() * docs.length)] as SearchDoc;
    const changed = { ...d, blob: `${d.blob}-u${i}`, text: `${d.text} Follow-up note ${i}: the runbook was updated.` };
    updates.push(time(() => index!.add(changed)).ms);
  }
  index = null;
  const boot = time(() => loadIndex(dir));
  if (!boot.value) throw new Error("persisted index did not load");
  return { build: built.ms, boot: boot.ms, heap: h, size, update: pct(updates, 50), persistStall, latency };
}

function benchPeer(make: () => Peer, docs: SearchDoc[], queries: Record<QClass, BenchQuery[]>, tmp: string, passes: number): EngineResult {
  const pdocs = docs.map(toPeerDoc);
  const before = heap();
  let peer: Peer | null = make();
  const built = time(() => peer!.build(pdocs));
  const h = heap() - before;
  const dir = path.join(tmp, peer.name);
  fs.mkdirSync(dir, { recursive: true });
  const size = peer.save(dir);
  const noPrefix = peer.name === "flexsearch";
  const latency = measureLatency((q) => void peer!.search(q.peer, 10), queries, passes, (c) => c === "prefix" && noPrefix);
  const r = rng(7);
  const updates: number[] = [];
  const rounds = peer.name === "lunr" ? (docs.length > 2000 ? 0 : 3) : 20;
  for (let i = 0; i < rounds; i++) {
    const d = pdocs[Math.floor(r() * pdocs.length)] as PeerDoc;
    updates.push(time(() => peer!.update({ ...d, body: `${d.body} Follow-up note ${i}: the runbook was updated.` }, pdocs)).ms);
  }
  const name = peer.name;
  peer = null;
  const fresh = make();
  const boot = time(() => fresh.load(dir, pdocs));
  void name;
  return { build: built.ms, boot: boot.ms, heap: h, size, update: updates.length ? pct(updates, 50) : built.ms, latency };
}

function benchRg(docs: SearchDoc[], queries: Record<QClass, BenchQuery[]>, tmp: string): EngineResult {
  const dir = path.join(tmp, "files");
  fs.mkdirSync(dir, { recursive: true });
  for (const d of docs) fs.writeFileSync(path.join(dir, `${d.id}.md`), `# ${d.title}\n\n${d.summary}\n\n${d.text}\n`);
  const sub: Record<QClass, BenchQuery[]> = Object.fromEntries(CLASSES.map((c) => [c, queries[c].slice(0, 15)])) as Record<QClass, BenchQuery[]>;
  const latency = measureLatency((q) => void spawnSync("/usr/bin/rg", ["-l", "-i", "--no-messages", ...(q.rg ?? []), dir], { encoding: "utf8", maxBuffer: 64 << 20 }), sub, 1, (_c, q) => q.rg === null);
  return { latency };
}

function fmtMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return "–";
  return ms < 1 ? `${(ms * 1000).toFixed(0)}µs` : ms < 1000 ? `${ms.toFixed(ms < 10 ? 2 : 0)}ms` : `${(ms / 1000).toFixed(2)}s`;
}
function fmtBytes(b: number | undefined): string {
  if (b === undefined) return "–";
  return b > 1 << 20 ? `${(b / (1 << 20)).toFixed(1)}MB` : `${(b / 1024).toFixed(0)}KB`;
}

function printTable(size: number, textBytes: number, results: Map<string, EngineResult>): void {
  const names = [...results.keys()];
  const peers = names.filter((n) => n !== "kaizen");
  const k = results.get("kaizen");
  const rows: { label: string; get: (e: EngineResult) => number | undefined; fmt: (v: number | undefined) => string }[] = [
    { label: "cold build", get: (e) => e.build, fmt: fmtMs },
    { label: "boot from persisted", get: (e) => e.boot, fmt: fmtMs },
    { label: "heap+buffers after GC", get: (e) => e.heap, fmt: fmtBytes },
    { label: "persisted size", get: (e) => e.size, fmt: fmtBytes },
    { label: "update one incident", get: (e) => e.update, fmt: fmtMs },
    { label: "persist: longest stall", get: (e) => e.persistStall, fmt: fmtMs },
  ];
  for (const c of CLASSES) {
    for (const p of ["p50", "p95", "p99"] as const) rows.push({ label: `${c} ${p}`, get: (e) => e.latency[c]?.[p], fmt: fmtMs });
  }
  const w = 12;
  console.log(`\n## ${size} incidents (corpus text ${fmtBytes(textBytes)})\n`);
  console.log(`${"metric".padEnd(24)}${names.map((n) => n.padStart(w)).join("")}${"kaizen/best".padStart(13)}`);
  for (const row of rows) {
    const vals = names.map((n) => {
      const e = results.get(n);
      return e ? row.get(e) : undefined;
    });
    const peerVals = peers.map((n) => {
      const e = results.get(n);
      return e ? row.get(e) : undefined;
    }).filter((v): v is number => v !== undefined && !Number.isNaN(v) && v > 0);
    const best = peerVals.length ? Math.min(...peerVals) : undefined;
    const kv = k ? row.get(k) : undefined;
    const ratio = kv !== undefined && best !== undefined ? `${(kv / best).toFixed(2)}×` : "–";
    console.log(`${row.label.padEnd(24)}${vals.map((v) => row.fmt(v).padStart(w)).join("")}${ratio.padStart(13)}`);
  }
  if (k?.heap !== undefined) console.log(`kaizen heap+buffers / corpus text: ${(k.heap / textBytes).toFixed(2)}×`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), toolOptions(["corpus", "engines", "sizes", "engine"], ["quick"]));
  const corpusDir = path.resolve(flagString(args, "corpus") ?? path.join(process.cwd(), "../shared/corpus/postmortems-app"));
  if (!fs.existsSync(corpusDir)) {
    console.log(`bench skipped: corpus not found at ${corpusDir}`);
    return 0;
  }
  const quick = args.flags.quick === true;
  const engines = new Set((flagString(args, "engines") ?? "kaizen,sqlite-fts5,minisearch,lunr,flexsearch,rg").split(",").map((s) => s.trim()));
  const sizes = (flagString(args, "sizes") ?? (quick ? "242,1000,10000" : "242,1000,10000,50000")).split(",").map((s) => Number(s.trim())).filter((n) => n > 0);
  if (!gc) console.log("note: run with --expose-gc (npm run bench does) for heap figures after GC");
  const engineMode = flagString(args, "engine") ?? "bundle";
  if (engineMode !== "bundle" && engineMode !== "source") throw new Error(`--engine expects bundle or source, got ${engineMode}`);
  const engine = engines.has("kaizen") ? await loadEngine(engineMode, process.cwd()) : null;
  const real = await realDocs(corpusDir);
  const model = learn(real);
  console.log(`Search benchmark on ${os.cpus().length} cores, node ${process.version}; sizes ${sizes.join(", ")}; latency includes snippets and facets for Kaizen (limit 10); Kaizen's engine ${engineMode === "bundle" ? "compiled as the server build compiles it (esbuild, no keepNames)" : "as tsx loads it (--engine=source)"}`);
  const summary: string[] = [];
  for (const size of sizes) {
    const docs = docsOfSize(real, size, model);
    const textBytes = docs.reduce((a, d) => a + Buffer.byteLength(d.title) + Buffer.byteLength(d.summary) + Buffer.byteLength(d.text) + d.tags.join(" ").length + d.company.length, 0);
    const queries = makeQueries(docs, size >= 50_000 ? 60 : 100, size);
    const passes = size >= 50_000 ? 2 : 3;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-bench-"));
    const results = new Map<string, EngineResult>();
    try {
      if (engine) results.set("kaizen", await benchKaizen(engine, docs, queries, tmp, passes));
      const peers: [string, () => Peer][] = [
        ["sqlite-fts5", () => new Fts5Peer(path.join(tmp, "fts5-live.sqlite"))],
        ["minisearch", () => new MiniSearchPeer()],
        ["lunr", () => new LunrPeer()],
        ["flexsearch", () => new FlexsearchPeer()],
      ];
      for (const [name, make] of peers) {
        if (!engines.has(name)) continue;
        if (name === "lunr" && size > 10_000) continue; // lunr takes minutes at this size
        results.set(name, benchPeer(make, docs, queries, tmp, passes));
      }
      if (engines.has("rg")) results.set("rg", benchRg(docs, queries, tmp));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    printTable(size, textBytes, results);
    const k = results.get("kaizen");
    if (k) {
      const fastestPeerP95 = (c: QClass) => Math.min(...[...results.entries()].filter(([n]) => n !== "kaizen").map(([, e]) => e.latency[c]?.p95 ?? Infinity));
      const worst = Math.max(...CLASSES.map((c) => k.latency[c]?.p95 ?? 0));
      const minSpeedup = Math.min(...CLASSES.map((c) => fastestPeerP95(c) / (k.latency[c]?.p95 ?? Infinity)));
      summary.push(`${String(size).padStart(6)}: worst-class p95 ${fmtMs(worst)}, single-term p95 ${fmtMs(k.latency["single-term"]?.p95)}, min speed-up vs fastest peer at p95 ${minSpeedup.toFixed(1)}×, build ${fmtMs(k.build)}, boot ${fmtMs(k.boot)}, persist stall ${fmtMs(k.persistStall)}, update ${fmtMs(k.update)}, heap/text ${k.heap !== undefined ? (k.heap / textBytes).toFixed(2) : "–"}×`);
    }
  }
  console.log(`\n## Kaizen summary\n${summary.join("\n")}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
