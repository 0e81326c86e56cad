// The search index: an inverted index in flat typed arrays (CSR layout) plus a small delta segment for incremental
// updates, merged back by compact(). Flat arrays keep memory near the size of the text and make scoring loops cheap;
// every posting carries the field and term frequency so the ranking stage can do BM25F without a second structure.
import { analyze } from "./analyze";
import { dateWords, type SearchDoc } from "./document";

export const FIELDS = ["title", "summary", "body", "factors", "countermeasures", "services", "teams", "tags", "company", "dates"] as const;
export type Field = (typeof FIELDS)[number];
export const NF = FIELDS.length;
export const FACETS = ["severity", "status", "kind", "service", "team", "factor", "tag"] as const;
export type Facet = (typeof FACETS)[number];

const TF_BITS = 12;
const TF_MAX = (1 << TF_BITS) - 1;
/** Separates fields in a document's token sequence so phrases never span two fields. */
export const SEQ_BREAK = -1;

/** Per-document data kept in JS objects: what results and facets show. */
export interface DocMeta {
  id: string;
  blob: string;
  title: string;
  severity: string | null;
  status: string;
  kind: string;
  startedAt: string | null;
  startedMs: number;
  services: string[];
  teams: string[];
  tags: string[];
  factors: string[];
  /** Facet value codes, parallel to FACETS (single-valued facets hold one code). */
  codes: number[][];
  /** The same codes flattened as (facet << 24 | code), for counting facets in one tight loop. */
  packed: Int32Array;
}

/** Flattens per-facet codes into (facet << 24 | code) entries. */
export function packCodes(codes: readonly (readonly number[])[]): Int32Array {
  const out: number[] = [];
  codes.forEach((cs, f) => {
    for (const c of cs) out.push((f << 24) | c);
  });
  return Int32Array.from(out);
}

/** A growable Int32Array. */
export class IntList {
  data: Int32Array<ArrayBufferLike>;
  length = 0;
  constructor(capacity = 8) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Interned facet values: code ↔ display value, looked up case-insensitively. */
export class FacetDict {
  readonly values: string[] = [];
  private readonly byKey = new Map<string, number>();
  code(value: string): number {
    const key = value.toLowerCase();
    let c = this.byKey.get(key);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(value);
      this.byKey.set(key, c);
    }
    return c;
  }
  find(value: string): number | undefined {
    return this.byKey.get(value.toLowerCase());
  }
}

export interface IndexStats {
  docs: number;
  terms: number;
  postings: number;
}

/** Names that resolve to a canonical factor id (id, name, aliases), captured from the taxonomy at build time. */
export type FactorNames = Map<string, string>;

export class SearchIndex {
  // --- documents (by slot) ---
  meta: (DocMeta | null)[] = [];
  readonly slotOf = new Map<string, number>();
  fieldLen = new IntList(1024);
  readonly sumLen = new Float64Array(NF);
  live = 0;
  readonly facets: Record<Facet, FacetDict> = {
    severity: new FacetDict(),
    status: new FacetDict(),
    kind: new FacetDict(),
    service: new FacetDict(),
    team: new FacetDict(),
    factor: new FacetDict(),
    tag: new FacetDict(),
  };
  factorNames: FactorNames = new Map();

  // --- vocabulary ---
  readonly termId = new Map<string, number>();
  readonly terms: string[] = [];
  /** Lowercased words as written → term id: the vocabulary for prefixes, typo tolerance and "did you mean". */
  readonly surfaces = new Map<string, number>();
  private sorted: string[] | null = null;
  private sortedRev: string[] | null = null;

  // --- main segment (compacted) ---
  mainSlots = 0;
  postOff: Int32Array<ArrayBufferLike> = new Int32Array(1);
  postDoc: Int32Array<ArrayBufferLike> = new Int32Array(0);
  postCode: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
  seqOff: Int32Array<ArrayBufferLike> = new Int32Array(1);
  seq: Int32Array<ArrayBufferLike> = new Int32Array(0);
  textBuf: Buffer = Buffer.alloc(0);
  textOff: Int32Array<ArrayBufferLike> = new Int32Array(1);

  // --- delta segment (documents added since the last compaction) ---
  readonly deltaPost = new Map<number, IntList>();
  readonly deltaSeq = new Map<number, Int32Array>();
  readonly deltaText = new Map<number, string>();
  dead = 0;

  /** Number of searchable documents. */
  get size(): number {
    return this.live;
  }

  stats(): IndexStats {
    let postings = this.postDoc.length;
    for (const l of this.deltaPost.values()) postings += l.length / 2;
    return { docs: this.live, terms: this.terms.length, postings };
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  blobOf(id: string): string | undefined {
    const s = this.slotOf.get(id);
    return s === undefined ? undefined : this.meta[s]?.blob;
  }

  /** Ids and blobs of every indexed document. */
  blobs(): Map<string, string> {
    const out = new Map<string, string>();
    for (const m of this.meta) if (m) out.set(m.id, m.blob);
    return out;
  }

  intern(term: string): number {
    let id = this.termId.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(term);
      this.termId.set(term, id);
    }
    return id;
  }

  private addSurface(surface: string, id: number): void {
    if (this.surfaces.has(surface)) return;
    this.surfaces.set(surface, id);
    if (this.sorted) insertSorted(this.sorted, surface);
    if (this.sortedRev) insertSorted(this.sortedRev, reverse(surface));
  }

  /** Adds or replaces one document (replacing = remove + add; the old postings are skipped until compaction). */
  add(doc: SearchDoc): void {
    if (this.slotOf.has(doc.id)) this.remove(doc.id);
    const slot = this.meta.length;
    const fieldTexts: string[] = [
      doc.title,
      doc.summary,
      doc.text,
      doc.factorText,
      doc.countermeasures,
      doc.services.join(" ; "),
      doc.teams.join(" ; "),
      doc.tags.join(" ; "),
      doc.company,
      dateWords(doc.startedAt),
    ];
    const seq: number[] = [];
    const tf = new Map<number, number>();
    for (let f = 0; f < NF; f++) {
      tf.clear();
      let len = 0;
      analyze(fieldTexts[f] ?? "", (term, surface, _s, _e, isSeq) => {
        const id = this.intern(term);
        this.addSurface(surface, id);
        tf.set(id, (tf.get(id) ?? 0) + 1);
        if (isSeq) {
          seq.push(id);
          len++;
        }
      });
      seq.push(SEQ_BREAK);
      this.fieldLen.push(len);
      this.sumLen[f] = (this.sumLen[f] ?? 0) + len;
      for (const [id, n] of tf) {
        let list = this.deltaPost.get(id);
        if (!list) {
          list = new IntList(4);
          this.deltaPost.set(id, list);
        }
        list.push(slot);
        list.push((f << TF_BITS) | Math.min(n, TF_MAX));
      }
    }
    const startedMs = doc.startedAt ? Date.parse(doc.startedAt) : NaN;
    const codes: number[][] = [
      doc.severity ? [this.facets.severity.code(doc.severity)] : [],
      [this.facets.status.code(doc.status)],
      [this.facets.kind.code(doc.kind)],
      doc.services.map((v) => this.facets.service.code(v)),
      doc.teams.map((v) => this.facets.team.code(v)),
      doc.factorIds.map((v) => this.facets.factor.code(v)),
      doc.tags.map((v) => this.facets.tag.code(v)),
    ];
    this.meta.push({
      id: doc.id,
      blob: doc.blob,
      title: doc.title,
      severity: doc.severity,
      status: doc.status,
      kind: doc.kind,
      startedAt: doc.startedAt,
      startedMs,
      services: doc.services,
      teams: doc.teams,
      tags: doc.tags,
      factors: doc.factorIds,
      codes,
      packed: packCodes(codes),
    });
    this.slotOf.set(doc.id, slot);
    this.deltaSeq.set(slot, Int32Array.from(seq));
    this.deltaText.set(slot, `${doc.summary}\u0001${doc.text}`);
    this.live++;
  }

  /** Removes a document; returns false when it was not indexed. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.meta[slot] = null;
    for (let f = 0; f < NF; f++) this.sumLen[f] = (this.sumLen[f] ?? 0) - (this.fieldLen.data[slot * NF + f] ?? 0);
    this.deltaSeq.delete(slot);
    this.deltaText.delete(slot);
    this.live--;
    this.dead++;
    return true;
  }

  /** Whether enough has changed since the last compaction that merging the delta pays off. */
  needsCompaction(): boolean {
    const deltaDocs = this.meta.length - this.mainSlots;
    return this.dead > Math.max(64, this.live * 0.2) || deltaDocs > Math.max(256, this.live * 0.1);
  }

  /** Merges the delta into the main segment and drops removed documents (slots are renumbered). */
  compact(): void {
    const oldMeta = this.meta;
    const remap = new Int32Array(oldMeta.length).fill(-1);
    let n = 0;
    for (let s = 0; s < oldMeta.length; s++) if (oldMeta[s]) remap[s] = n++;

    const T = this.terms.length;
    const counts = new Int32Array(T + 1);
    for (let t = 0; t < T; t++) {
      let c = 0;
      const a = this.postOff[t];
      const b = t + 1 < this.postOff.length ? this.postOff[t + 1] : a;
      if (a !== undefined && b !== undefined) for (let i = a; i < b; i++) if ((remap[this.postDoc[i] ?? 0] ?? -1) >= 0) c++;
      const d = this.deltaPost.get(t);
      if (d) for (let i = 0; i < d.length; i += 2) if ((remap[d.data[i] ?? 0] ?? -1) >= 0) c++;
      counts[t + 1] = c;
    }
    const off = new Int32Array(T + 1);
    for (let t = 0; t < T; t++) off[t + 1] = (off[t] ?? 0) + (counts[t + 1] ?? 0);
    const total = off[T] ?? 0;
    const docs = new Int32Array(total);
    const codes = new Uint16Array(total);
    for (let t = 0; t < T; t++) {
      let w = off[t] ?? 0;
      const a = this.postOff[t];
      const b = t + 1 < this.postOff.length ? this.postOff[t + 1] : a;
      if (a !== undefined && b !== undefined) {
        for (let i = a; i < b; i++) {
          const ns = remap[this.postDoc[i] ?? 0] ?? -1;
          if (ns >= 0) {
            docs[w] = ns;
            codes[w++] = this.postCode[i] ?? 0;
          }
        }
      }
      const d = this.deltaPost.get(t);
      if (d) {
        for (let i = 0; i < d.length; i += 2) {
          const ns = remap[d.data[i] ?? 0] ?? -1;
          if (ns >= 0) {
            docs[w] = ns;
            codes[w++] = d.data[i + 1] ?? 0;
          }
        }
      }
    }

    const seqParts: Int32Array[] = [];
    const texts: Buffer[] = [];
    const seqOff = new Int32Array(n + 1);
    const textOff = new Int32Array(n + 1);
    const meta: DocMeta[] = [];
    const fieldLen = new IntList(Math.max(8, n * NF));
    let seqTotal = 0;
    let textTotal = 0;
    for (let s = 0; s < oldMeta.length; s++) {
      const m = oldMeta[s];
      const ns = remap[s] ?? -1;
      if (!m || ns < 0) continue;
      const sq = this.sequenceOf(s);
      const tx = Buffer.from(this.rawText(s), "utf8");
      seqParts.push(sq);
      texts.push(tx);
      seqTotal += sq.length;
      textTotal += tx.length;
      seqOff[ns + 1] = seqTotal;
      textOff[ns + 1] = textTotal;
      for (let f = 0; f < NF; f++) fieldLen.push(this.fieldLen.data[s * NF + f] ?? 0);
      meta.push(m);
    }
    const seq = new Int32Array(seqTotal);
    let p = 0;
    for (const sq of seqParts) {
      seq.set(sq, p);
      p += sq.length;
    }
    this.textBuf = Buffer.concat(texts, textTotal);
    this.textOff = textOff;
    this.seq = seq;
    this.seqOff = seqOff;
    this.postOff = off;
    this.postDoc = docs;
    this.postCode = codes;
    this.meta = meta;
    this.fieldLen = fieldLen;
    this.mainSlots = n;
    this.dead = 0;
    this.deltaPost.clear();
    this.deltaSeq.clear();
    this.deltaText.clear();
    this.slotOf.clear();
    meta.forEach((m, i) => this.slotOf.set(m.id, i));
  }

  /** Token sequence (term ids, SEQ_BREAK between fields) of a slot. */
  sequenceOf(slot: number): Int32Array {
    const d = this.deltaSeq.get(slot);
    if (d) return d;
    if (slot >= this.mainSlots) return new Int32Array(0);
    return this.seq.subarray(this.seqOff[slot] ?? 0, this.seqOff[slot + 1] ?? 0);
  }

  private rawText(slot: number): string {
    const d = this.deltaText.get(slot);
    if (d !== undefined) return d;
    if (slot >= this.mainSlots) return "\u0001";
    return this.textBuf.toString("utf8", this.textOff[slot] ?? 0, this.textOff[slot + 1] ?? 0);
  }

  /** Summary and plain body text of a slot, for snippets and phrase checks. */
  textOf(slot: number): { summary: string; body: string } {
    const raw = this.rawText(slot);
    const cut = raw.indexOf("\u0001");
    return cut < 0 ? { summary: "", body: raw } : { summary: raw.slice(0, cut), body: raw.slice(cut + 1) };
  }

  /** Approximate document frequency (counts postings, removed documents included until compaction). */
  df(term: number): number {
    let n = 0;
    if (term + 1 < this.postOff.length) n += (this.postOff[term + 1] ?? 0) - (this.postOff[term] ?? 0);
    const d = this.deltaPost.get(term);
    if (d) n += d.length / 2;
    return n;
  }

  /** Surfaces in sorted order (built on first use, kept sorted on insert). */
  sortedSurfaces(): string[] {
    this.sorted ??= [...this.surfaces.keys()].sort();
    return this.sorted;
  }

  /** Reversed surfaces in sorted order, for suffix lookups. */
  sortedReversed(): string[] {
    this.sortedRev ??= [...this.surfaces.keys()].map(reverse).sort();
    return this.sortedRev;
  }

  /** Restores a persisted index (see persist.ts). */
  static restore(parts: RestoreParts): SearchIndex {
    const ix = new SearchIndex();
    ix.meta = parts.meta;
    parts.meta.forEach((m, i) => ix.slotOf.set(m.id, i));
    ix.live = parts.meta.length;
    ix.mainSlots = parts.meta.length;
    ix.fieldLen = new IntList(Math.max(8, parts.fieldLen.length));
    ix.fieldLen.data.set(parts.fieldLen);
    ix.fieldLen.length = parts.fieldLen.length;
    for (let s = 0; s < parts.meta.length; s++) for (let f = 0; f < NF; f++) ix.sumLen[f] = (ix.sumLen[f] ?? 0) + (parts.fieldLen[s * NF + f] ?? 0);
    for (const [i, t] of parts.terms.entries()) {
      ix.terms.push(t);
      ix.termId.set(t, i);
    }
    for (let i = 0; i < parts.surfaces.length; i++) ix.surfaces.set(parts.surfaces[i] ?? "", parts.surfaceTerms[i] ?? 0);
    for (const f of FACETS) for (const v of parts.facets[f] ?? []) ix.facets[f].code(v);
    ix.factorNames = new Map(parts.factorNames);
    ix.postOff = parts.postOff;
    ix.postDoc = parts.postDoc;
    ix.postCode = parts.postCode;
    ix.seqOff = parts.seqOff;
    ix.seq = parts.seq;
    ix.textOff = parts.textOff;
    ix.textBuf = parts.textBuf;
    return ix;
  }
}

export interface RestoreParts {
  meta: DocMeta[];
  fieldLen: Int32Array;
  terms: string[];
  surfaces: string[];
  surfaceTerms: Int32Array;
  facets: Partial<Record<Facet, string[]>>;
  factorNames: [string, string][];
  postOff: Int32Array;
  postDoc: Int32Array;
  postCode: Uint16Array;
  seqOff: Int32Array;
  seq: Int32Array;
  textOff: Int32Array;
  textBuf: Buffer;
}

/** Field and term frequency packed in a posting's code. */
export function decodeField(code: number): number {
  return code >>> TF_BITS;
}
export function decodeTf(code: number): number {
  return code & TF_MAX;
}

function reverse(s: string): string {
  return Array.from(s).reverse().join("");
}

/** Index of the first element ≥ key. */
export function lowerBound(arr: readonly string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] ?? "") < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(arr: string[], s: string): void {
  arr.splice(lowerBound(arr, s), 0, s);
}

export { reverse as reverseString };
