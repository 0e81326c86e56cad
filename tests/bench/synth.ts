// Synthetic incident corpora built from the real corpus's vocabulary: a bigram chain over its words (so phrases occur
// as they do in real text, with Zipf-like frequencies), document lengths drawn from the real ones, and identifiers
// (regions, CVEs, status codes, hostnames, ticket ids) injected the way post-mortems mention them.
import type { SearchDoc } from "../../lib/search/document";

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Model {
  words: string[];
  /** Cumulative unigram counts, for sampling by frequency. */
  cum: Float64Array;
  next: Map<string, string[]>;
  bodyLengths: number[];
  summaryLengths: number[];
  tags: string[];
  companies: string[];
}

const WORD = /[A-Za-z][A-Za-z0-9'’-]*|\d+(?:\.\d+)*/g;

/** Learns the vocabulary, bigrams and lengths of real documents. */
export function learn(docs: readonly SearchDoc[]): Model {
  const counts = new Map<string, number>();
  const next = new Map<string, string[]>();
  const bodyLengths: number[] = [];
  const summaryLengths: number[] = [];
  for (const d of docs) {
    for (const [text, lengths] of [
      [d.text, bodyLengths],
      [d.summary, summaryLengths],
    ] as const) {
      const ws = text.match(WORD) ?? [];
      lengths.push(ws.length);
      for (let i = 0; i < ws.length; i++) {
        const w = ws[i] ?? "";
        counts.set(w, (counts.get(w) ?? 0) + 1);
        const nx = ws[i + 1];
        if (nx) {
          let l = next.get(w);
          if (!l) next.set(w, (l = []));
          l.push(nx);
        }
      }
    }
  }
  const words = [...counts.keys()];
  const cum = new Float64Array(words.length);
  let s = 0;
  words.forEach((w, i) => (cum[i] = s += counts.get(w) ?? 0));
  return {
    words,
    cum,
    next,
    bodyLengths,
    summaryLengths,
    tags: [...new Set(docs.flatMap((d) => d.tags))],
    companies: [...new Set(docs.map((d) => d.company).filter(Boolean))],
  };
}

function pickWord(m: Model, r: () => number): string {
  const x = r() * (m.cum[m.cum.length - 1] ?? 1);
  let lo = 0;
  let hi = m.cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((m.cum[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return m.words[lo] ?? "the";
}

const pick = <T>(a: readonly T[], r: () => number): T => a[Math.floor(r() * a.length)] as T;

function identifier(r: () => number): string {
  switch (Math.floor(r() * 8)) {
    case 0:
      return pick(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "eu-central-1"], r);
    case 1:
      return `CVE-${2014 + Math.floor(r() * 12)}-${1000 + Math.floor(r() * 9000)}`;
    case 2:
      return pick(["5xx", "4xx", "HTTP/2", "HTTP/3", "http3", "502", "503", "OOMKilled", "CrashLoopBackOff", "SIGKILL"], r);
    case 3:
      return `db-${Math.floor(r() * 400)}.prod.internal`;
    case 4:
      return `INC-${10000 + Math.floor(r() * 90000)}`;
    case 5:
      return `${pick(["api", "edge", "ledger", "search", "auth", "billing"], r)}-${pick(["gateway", "worker", "db", "cache", "queue"], r)}`;
    case 6:
      return `v${1 + Math.floor(r() * 9)}.${Math.floor(r() * 30)}.${Math.floor(r() * 10)}`;
    default:
      return `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`;
  }
}

function sentence(m: Model, r: () => number, length: number): string {
  const out: string[] = [];
  let w = pickWord(m, r);
  for (let i = 0; i < length; i++) {
    out.push(r() < 0.01 ? identifier(r) : w);
    const nx = m.next.get(w);
    w = nx && r() < 0.8 ? pick(nx, r) : pickWord(m, r);
  }
  return out.join(" ");
}

const SERVICES = Array.from({ length: 200 }, (_, i) => `svc-${i}`);
const TEAMS = Array.from({ length: 40 }, (_, i) => `team-${i}`);
const SEVERITIES = ["SEV1", "SEV2", "SEV2", "SEV3", "SEV3", "SEV4"];

/** `n` synthetic incidents. */
export function synthesize(m: Model, n: number, seed = 42): SearchDoc[] {
  const r = rng(seed);
  const docs: SearchDoc[] = [];
  const start = Date.UTC(2015, 0, 1);
  for (let i = 0; i < n; i++) {
    const id = `syn-${i.toString(36)}-${Math.floor(r() * 1e9).toString(36)}`;
    docs.push({
      id,
      blob: id,
      title: sentence(m, r, 5 + Math.floor(r() * 8)),
      summary: sentence(m, r, Math.max(10, pick(m.summaryLengths, r))),
      text: sentence(m, r, Math.max(30, pick(m.bodyLengths, r))),
      restricted: false,
      factorIds: [],
      factorText: "",
      countermeasures: r() < 0.5 ? sentence(m, r, 8) : "",
      services: [pick(SERVICES, r), ...(r() < 0.3 ? [pick(SERVICES, r)] : [])],
      teams: [pick(TEAMS, r)],
      tags: Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(m.tags, r)),
      company: pick(m.companies, r),
      severity: pick(SEVERITIES, r),
      status: "published",
      kind: r() < 0.9 ? "incident" : "near-miss",
      startedAt: new Date(start + Math.floor(r() * 10 * 365 * 86400_000)).toISOString().replace(".000Z", "Z"),
    });
  }
  return docs;
}
