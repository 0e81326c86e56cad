import type { Severity } from "../schema/incident";
import { incidentFactors, memoByList, type KnowledgeIncident } from "./incident-view";
import { startedAt } from "./facts";
import type { Taxonomy } from "../schema/taxonomy";
import { stemsWithSurface } from "../text/analyze";
import { normalize, termFrequencies, terms, type SparseVector } from "./text";

/**
 * TF-IDF vectors of every incident's title, summary and body, with an inverted index for fast cosine queries. The
 * vectors and postings are typed arrays over term and incident numbers rather than maps and objects: at 10,000
 * incidents that is ~2 million weights, which as Map entries and {id, w} objects cost well over 100 MB per visible list.
 */
export interface TextIndex {
  size: number;
  idf: Map<string, number>;
  /** Incident ids by number. */
  ids: string[];
  /** Incident number by id. */
  byId: Map<string, number>;
  /** The terms kept in some vector, by number, and their numbers. */
  termNames: string[];
  termIds: Map<string, number>;
  /** Per incident number: its kept terms (term numbers) and their weights (a unit vector). */
  docTerms: Int32Array[];
  docWeights: Float64Array[];
  /** Per term number: the incidents (numbers, ascending) that keep it, and its weight in each. */
  postDocs: Int32Array[];
  postWeights: Float64Array[];
  /** A readable word for each stem. */
  surface: Map<string, string>;
}

/** One incident's vector as a sparse map (empty when it is not in the index). */
export function vectorOf(index: TextIndex, id: string): SparseVector {
  const n = index.byId.get(id);
  const v: SparseVector = new Map();
  if (n === undefined) return v;
  const ts = index.docTerms[n];
  const ws = index.docWeights[n];
  if (!ts || !ws) return v;
  for (let i = 0; i < ts.length; i++) v.set(index.termNames[ts[i] ?? 0] ?? "", ws[i] ?? 0);
  return v;
}

// Long documents keep their strongest terms only: enough for similarity, and postings stay short at scale.
const MAX_TERMS_PER_DOC = 200;
const MAX_BODY_CHARS = 20_000;

function incidentText(inc: KnowledgeIncident): string {
  const fm = inc.frontmatter;
  // The title is repeated: it is the densest statement of what happened.
  return `${fm.title}. ${fm.title}. ${fm.summary}. ${(inc.body ?? "").slice(0, MAX_BODY_CHARS)}`;
}

function weigh(tf: Map<string, number>, idf: Map<string, number>, fallbackIdf: number): SparseVector {
  const v: SparseVector = new Map();
  for (const [t, c] of tf) {
    const w = (1 + Math.log(c)) * (idf.get(t) ?? fallbackIdf);
    if (w > 0) v.set(t, w);
  }
  return v;
}

function prune(v: SparseVector): SparseVector {
  if (v.size <= MAX_TERMS_PER_DOC) return normalize(v);
  return normalize(new Map([...v].sort((a, b) => b[1] - a[1]).slice(0, MAX_TERMS_PER_DOC)));
}

const textIndexCache = new WeakMap<readonly KnowledgeIncident[], TextIndex>();
/** Builds under way, so a request that needs an index mid-build finishes that build instead of starting another. */
const textIndexBuilds = new WeakMap<readonly KnowledgeIncident[], Generator<void, TextIndex>>();

/** Incidents tokenized between two pauses of a background build (about 10 ms of work on a loaded machine). */
const BUILD_STEP = 50;

/** The index build as steps: it pauses (yields) every BUILD_STEP incidents and returns the finished index. */
function* textIndexSteps(incidents: readonly KnowledgeIncident[]): Generator<void, TextIndex> {
  const surface = new Map<string, string>();
  const tfs = new Map<string, Map<string, number>>();
  const df = new Map<string, number>();
  let n = 0;
  for (const inc of incidents) {
    const tf = termFrequencies(terms(stemsWithSurface(incidentText(inc), surface)));
    tfs.set(inc.id, tf);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    if (++n % BUILD_STEP === 0) yield;
  }
  const idf = new Map<string, number>();
  for (const [t, d] of df) idf.set(t, Math.log((incidents.length + 1) / d));
  const ids: string[] = [];
  const termIds = new Map<string, number>();
  const termNames: string[] = [];
  const docTerms: Int32Array[] = [];
  const docWeights: Float64Array[] = [];
  const postDocs: number[][] = [];
  const postW: number[][] = [];
  n = 0;
  for (const [id, tf] of tfs) {
    const v = prune(weigh(tf, idf, 0));
    // The raw frequencies are only needed until the vector is made: dropping them as we go keeps the peak low.
    tfs.delete(id);
    const doc = ids.length;
    ids.push(id);
    const ts = new Int32Array(v.size);
    const ws = new Float64Array(v.size);
    let i = 0;
    for (const [t, w] of v) {
      let tid = termIds.get(t);
      if (tid === undefined) {
        tid = termNames.length;
        termIds.set(t, tid);
        termNames.push(t);
        postDocs.push([]);
        postW.push([]);
      }
      ts[i] = tid;
      ws[i] = w;
      i++;
      postDocs[tid]?.push(doc);
      postW[tid]?.push(w);
    }
    docTerms.push(ts);
    docWeights.push(ws);
    if (++n % (4 * BUILD_STEP) === 0) yield;
  }
  return {
    size: incidents.length,
    idf,
    ids,
    byId: new Map(ids.map((id, i) => [id, i])),
    termNames,
    termIds,
    docTerms,
    docWeights,
    postDocs: postDocs.map((d) => Int32Array.from(d)),
    postWeights: postW.map((w) => Float64Array.from(w)),
    surface,
  };
}

function buildStep(incidents: readonly KnowledgeIncident[]): IteratorResult<void, TextIndex> {
  let build = textIndexBuilds.get(incidents);
  if (!build) textIndexBuilds.set(incidents, (build = textIndexSteps(incidents)));
  const step = build.next();
  if (step.done) {
    textIndexCache.set(incidents, step.value);
    textIndexBuilds.delete(incidents);
  }
  return step;
}

/** Builds (once per incident list, memoized on its identity) the TF-IDF index of the incidents' text. */
export function buildTextIndex(incidents: readonly KnowledgeIncident[]): TextIndex {
  for (;;) {
    const hit = textIndexCache.get(incidents);
    if (hit) return hit;
    const step = buildStep(incidents);
    if (step.done) return step.value;
  }
}

/**
 * The same index built off the request path: a step at a time with the event loop free in between, so pages are
 * served while it builds (the server's warm-up calls it after a start or a new snapshot). A request that needs the
 * index meanwhile finishes this build synchronously rather than starting over.
 */
export async function buildTextIndexInBackground(incidents: readonly KnowledgeIncident[]): Promise<TextIndex> {
  for (;;) {
    const hit = textIndexCache.get(incidents);
    if (hit) return hit;
    const step = buildStep(incidents);
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The TF-IDF vector of free text against an index (unknown words weigh as the rarest known ones). */
export function textVector(index: TextIndex, text: string): SparseVector {
  const tf = termFrequencies(terms(stemsWithSurface(text, new Map())));
  return prune(weigh(tf, index.idf, Math.log(index.size + 1)));
}

/** Cosine similarity of a vector with every indexed incident sharing a term; highest first. */
export function similarByText(index: TextIndex, v: SparseVector, exclude?: string): Map<string, number> {
  const scores = new Map<string, number>();
  // Terms in a fifth of all incidents or more add little to a cosine and cost the most to walk, so large knowledge
  // bases skip them (the figure then slightly underestimates similarity; the ranking barely moves).
  const maxPostings = Math.max(200, index.size / 5);
  const skip = exclude === undefined ? -1 : (index.byId.get(exclude) ?? -1);
  for (const [t, w] of v) {
    const tid = index.termIds.get(t);
    if (tid === undefined) continue;
    const docs = index.postDocs[tid];
    const ws = index.postWeights[tid];
    if (!docs || !ws || docs.length > maxPostings) continue;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i] ?? -1;
      if (d === skip) continue;
      const id = index.ids[d] ?? "";
      scores.set(id, (scores.get(id) ?? 0) + w * (ws[i] ?? 0));
    }
  }
  return scores;
}

/** The terms that contribute most to the similarity of two vectors, as readable words ("connection pool"). */
export function sharedTerms(index: TextIndex, a: SparseVector, b: SparseVector, limit = 3): string[] {
  const contrib: { t: string; c: number }[] = [];
  for (const [t, w] of a) {
    const y = b.get(t);
    if (y !== undefined) contrib.push({ t, c: w * y });
  }
  contrib.sort((x, y) => y.c - x.c || x.t.localeCompare(y.t));
  const out: string[] = [];
  const covered = new Set<string>();
  for (const { t } of contrib) {
    const parts = t.split(" ");
    if (parts.every((p) => covered.has(p))) continue;
    parts.forEach((p) => covered.add(p));
    out.push(parts.map((p) => index.surface.get(p) ?? p).join(" "));
    if (out.length >= limit) break;
  }
  return out;
}

export interface RelatedIncident {
  id: string;
  title: string;
  started_at: string | null;
  severity: Severity | null;
  /** 0..1: 0.6 × factor similarity + 0.4 × text similarity. */
  score: number;
  factorScore: number;
  textScore: number;
  sharedFactors: { factor: string; name: string }[];
  sharedTerms: string[];
  /** e.g. "shares 2 factors: retry-storm, missing-monitoring", "similar text: connection pool, timeout". */
  reasons: string[];
}

export interface RelatedOptions {
  limit?: number;
  /** Results scoring below this are dropped (default 0.05). */
  minScore?: number;
}

const FACTOR_WEIGHT = 0.6;
const TEXT_WEIGHT = 0.4;

const factorIdf = memoByList((incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy) => {
  const df = new Map<string, number>();
  const byIncident = new Map<string, string[]>();
  for (const inc of incidents) {
    const ids = incidentFactors(inc, taxonomy).map((f) => f.factor);
    byIncident.set(inc.id, ids);
    for (const f of ids) df.set(f, (df.get(f) ?? 0) + 1);
  }
  const idf = new Map<string, number>();
  // A factor everyone has says little about two incidents being alike; a rare shared one says a lot.
  for (const [f, d] of df) idf.set(f, Math.log(1 + incidents.length / d));
  const postings = new Map<string, string[]>();
  for (const [id, ids] of byIncident) {
    for (const f of ids) {
      let p = postings.get(f);
      if (!p) postings.set(f, (p = []));
      p.push(id);
    }
  }
  return { idf, byIncident, postings, byId: new Map(incidents.map((i) => [i.id, i])) };
});

/**
 * Incidents related to `id` in the given list, from shared factors (weighted by rarity, IDF cosine) and text similarity
 * (TF-IDF cosine over title, summary and body), each with its reasons. Empty when `id` is not in the list.
 */
export function relatedIncidents(incidents: readonly KnowledgeIncident[], taxonomy: Taxonomy, id: string, opts: RelatedOptions = {}): RelatedIncident[] {
  const limit = opts.limit ?? 5;
  const minScore = opts.minScore ?? 0.05;
  const { idf, byIncident, postings, byId } = factorIdf(incidents, taxonomy);
  if (!byId.has(id)) return [];
  const mine = byIncident.get(id) ?? [];
  const idfOf = (f: string) => idf.get(f) ?? 0;
  const normOf = (ids: string[]) => Math.sqrt(ids.reduce((s, f) => s + idfOf(f) ** 2, 0));
  const myNorm = normOf(mine);

  const factorScores = new Map<string, number>();
  for (const f of mine) {
    for (const other of postings.get(f) ?? []) {
      if (other !== id) factorScores.set(other, (factorScores.get(other) ?? 0) + idfOf(f) ** 2);
    }
  }
  const index = buildTextIndex(incidents);
  const myVec = vectorOf(index, id);
  const textScores = similarByText(index, myVec, id);

  // Score every candidate cheaply, then explain only the ones returned.
  const scored: { id: string; fs: number; ts: number; score: number }[] = [];
  for (const cand of new Set([...factorScores.keys(), ...textScores.keys()])) {
    const denom = myNorm * normOf(byIncident.get(cand) ?? []);
    const fs = denom > 0 ? (factorScores.get(cand) ?? 0) / denom : 0;
    const ts = textScores.get(cand) ?? 0;
    const score = FACTOR_WEIGHT * fs + TEXT_WEIGHT * ts;
    if (score >= minScore) scored.push({ id: cand, fs, ts, score });
  }
  const r = (x: number) => Math.round(x * 1000) / 1000;
  scored.sort((a, b) => r(b.score) - r(a.score) || a.id.localeCompare(b.id));
  return scored.slice(0, limit).flatMap(({ id: cand, fs, ts, score }) => {
    const inc = byId.get(cand);
    if (!inc) return [];
    const theirs = byIncident.get(cand) ?? [];
    const shared = mine.filter((f) => theirs.includes(f)).sort((a, b) => idfOf(b) - idfOf(a) || a.localeCompare(b));
    const words = ts > 0 ? sharedTerms(index, myVec, vectorOf(index, cand)) : [];
    const reasons: string[] = [];
    if (shared.length) reasons.push(`shares ${shared.length === 1 ? "1 factor" : `${shared.length} factors`}: ${shared.join(", ")}`);
    if (words.length && ts >= 0.05) reasons.push(`similar text: ${words.join(", ")}`);
    return [
      {
        id: cand,
        title: inc.frontmatter.title,
        started_at: startedAt(inc),
        severity: inc.frontmatter.severity ?? null,
        score: r(score),
        factorScore: r(fs),
        textScore: r(ts),
        sharedFactors: shared.map((f) => ({ factor: f, name: taxonomy.get(f)?.name ?? f })),
        sharedTerms: words,
        reasons,
      },
    ];
  });
}

/** Past incidents whose text is most like a draft's (for the editor), with the words they share. */
export function similarIncidentsForText(
  incidents: readonly KnowledgeIncident[],
  text: string,
  limit = 5,
): { id: string; title: string; score: number; sharedTerms: string[] }[] {
  const index = buildTextIndex(incidents);
  const v = textVector(index, text);
  const byId = new Map(incidents.map((i) => [i.id, i]));
  return [...similarByText(index, v)]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .flatMap(([id, score]) => {
      const inc = byId.get(id);
      return inc ? [{ id, title: inc.frontmatter.title, score: Math.round(score * 1000) / 1000, sharedTerms: sharedTerms(index, v, vectorOf(index, id)) }] : [];
    });
}
