// The benchmark's documents and queries, shared by the benchmark (search-bench.ts) and the answer dump
// (search-answers-dump.ts, which checks that a speed change leaves every answer byte-identical).
import type { SearchDoc } from "../../lib/search/document";
import { stripMdx } from "../../lib/search/text";
import { STOPWORDS } from "../../lib/text/analyze";
import { severityFromText } from "../../lib/import/postmortems-app";
import { loadCorpus } from "../eval/corpus";
import type { PeerQuery } from "./peers";
import { learn, rng, synthesize } from "./synth";

export const CLASSES = ["single-term", "three-term", "prefix", "filtered", "phrase", "not-found"] as const;
export type QClass = (typeof CLASSES)[number];
export interface BenchQuery {
  kaizen: string;
  peer: PeerQuery & { prefix?: boolean };
  rg: string[] | null;
}

/** The corpus's reports as search records. */
export async function realDocs(corpusDir: string): Promise<SearchDoc[]> {
  const reports = await loadCorpus(corpusDir);
  return reports.map((r) => ({
    id: r.uuid.toLowerCase(),
    blob: r.uuid,
    title: r.title || [r.company, r.product].filter(Boolean).join(" ") || r.uuid,
    summary: r.summary,
    text: stripMdx(r.body),
    factorIds: [],
    factorText: "",
    countermeasures: "",
    services: r.product ? [r.product] : [],
    teams: [],
    tags: r.keywords,
    company: r.company,
    severity: severityFromText(`${r.title} ${r.summary} ${r.body}`),
    status: "published",
    kind: "incident",
    startedAt: Number.isNaN(Date.parse(r.start_time)) ? null : new Date(Date.parse(r.start_time)).toISOString(),
    restricted: false,
  }));
}

/** The documents of one benchmark size: the real ones, then synthetic ones learned from them. */
export function docsOfSize(real: SearchDoc[], size: number, model = learn(real)): SearchDoc[] {
  return size <= real.length ? real.slice(0, size) : [...real, ...synthesize(model, size - real.length, size)];
}

export function makeQueries(docs: readonly SearchDoc[], perClass: number, seed: number): Record<QClass, BenchQuery[]> {
  const r = rng(seed);
  const pickDoc = () => docs[Math.floor(r() * docs.length)] as SearchDoc;
  const contentWords = (d: SearchDoc) => (d.text.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((w) => !STOPWORDS.has(w));
  const word = (min = 4): string => {
    for (;;) {
      const ws = contentWords(pickDoc()).filter((w) => w.length >= min);
      if (ws.length) return ws[Math.floor(r() * ws.length)] as string;
    }
  };
  const out = {} as Record<QClass, BenchQuery[]>;
  for (const c of CLASSES) out[c] = [];
  for (let i = 0; i < perClass; i++) {
    const w = word();
    out["single-term"].push({ kaizen: w, peer: { text: w }, rg: ["-F", "-e", w] });
    let three: string[] = [];
    while (three.length < 3) {
      const ws = [...new Set(contentWords(pickDoc()))];
      if (ws.length < 3) continue;
      three = [0, 1, 2].map(() => ws[Math.floor(r() * ws.length)] as string);
      if (new Set(three).size < 3) three = [];
    }
    out["three-term"].push({ kaizen: three.join(" "), peer: { text: three.join(" ") }, rg: ["-F", ...three.flatMap((t) => ["-e", t])] });
    const long = word(7);
    const pre = long.slice(0, 4 + Math.floor(r() * 2));
    out.prefix.push({ kaizen: `${pre}*`, peer: { text: pre, prefix: true }, rg: ["-e", `\\b${pre}`] });
    const f = word();
    out.filtered.push({ kaizen: `severity:SEV1 ${f}`, peer: { text: f, severity: "SEV1" }, rg: null });
    let phrase = "";
    while (!phrase) {
      const ws = pickDoc().text.toLowerCase().match(/[a-z]{3,}/g) ?? [];
      const k = Math.floor(r() * Math.max(1, ws.length - 1));
      const a = ws[k];
      const b = ws[k + 1];
      if (a && b && !STOPWORDS.has(a) && !STOPWORDS.has(b)) phrase = `${a} ${b}`;
    }
    out.phrase.push({ kaizen: `"${phrase}"`, peer: { text: "", phrase }, rg: ["-F", "-e", phrase] });
    const nonsense = Array.from({ length: 9 }, () => "bcdfghjklmnpqrstvwxz"[Math.floor(r() * 20)]).join("");
    out["not-found"].push({ kaizen: nonsense, peer: { text: nonsense }, rg: ["-F", "-e", nonsense] });
  }
  return out;
}

