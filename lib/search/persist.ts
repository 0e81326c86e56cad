// Saving and loading the search index: one binary file (the typed arrays as they are in memory, the texts, the
// postings of the candidate stage as varints, a JSON trailer naming the sections), stamped with the content revision it
// was built from, written atomically. The file is produced as a sequence of small pieces, so the server writes it
// between requests (saveIndexInSteps: a few milliseconds of work at a time, the writes themselves off the thread)
// instead of stopping for the whole serialization; tools and tests take the same pieces at once (saveIndex).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Snapshot } from "../content/store";
import { dataDir } from "../env";
import { IMPACT_LEVELS } from "./ranking";
import { NF } from "./fields";
import { SearchIndex } from "./search-index";

// 05: frontmatter text indexed without its inline Markdown markers (an older index is rebuilt).
// 06: the title tokens results highlight from.
// 07: written in pieces: sections first, a JSON trailer naming them; postings as varints instead of flexsearch's JSON.
// 08 and 09 (two branches at once): the adjacent-pair filters phrases are checked with first (pairOff, pairs), their
// bits placed by multiply-shift of a MurmurHash3-mixed hash; the stemmer joins -ation/-ization nouns with their verbs
// (configured = configuration); the factor field holds the incident's notes only.
// 10: both of those together (an 08 or 09 file of either kind would be misread).
const MAGIC = "KZSRCH10";
const FILE = "index.bin";

/** Where the index is kept: <dataDir>/search-index. */
export function indexDir(): string {
  return path.join(dataDir(), "search-index");
}

/** The content revision an index corresponds to: HEAD, a hash of every incident's blob id, and a hash of the taxonomy. */
export function contentRevision(snapshot: Pick<Snapshot, "head" | "incidents" | "taxonomy">): string {
  const h = createHash("sha1");
  for (const d of [...snapshot.incidents].sort((a, b) => a.id.localeCompare(b.id))) h.update(`${d.id}:${d.blob}\n`);
  return `${snapshot.head ?? "no-head"}:${h.digest("hex")}:${taxonomyHash(snapshot.taxonomy)}`;
}

/** Hash of the taxonomy: factor names feed the index, so a different taxonomy means a rebuild. */
export function taxonomyHash(taxonomy: Snapshot["taxonomy"]): string {
  return createHash("sha1").update(JSON.stringify([taxonomy.factors, taxonomy.categories])).digest("hex").slice(0, 16);
}

const metaSchema = z.object({
  id: z.string(),
  blob: z.string(),
  title: z.string(),
  severity: z.string().nullable(),
  status: z.string(),
  kind: z.string(),
  startedAt: z.string().nullable(),
  services: z.array(z.string()),
  teams: z.array(z.string()),
  tags: z.array(z.string()),
  factors: z.array(z.string()),
  restricted: z.boolean(),
});

const sectionSchema = z.object({ name: z.string(), offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });

const trailerSchema = z.object({
  revision: z.string(),
  nf: z.literal(NF),
  levels: z.literal(IMPACT_LEVELS),
  slots: z.number().int().nonnegative(),
  facetValues: z.array(z.tuple([z.number().int().nonnegative(), z.string()])),
  factorNames: z.array(z.tuple([z.string(), z.string()])),
  factorLabels: z.array(z.tuple([z.string(), z.string()])),
  sections: z.array(sectionSchema),
});

/** Slots, terms or vocabulary words per piece: each piece is well under a millisecond of work at 10k incidents. */
const SLOTS_PER_PIECE = 256;
const TERMS_PER_PIECE = 1024;
const POSTINGS_PER_PIECE = 1 << 15;
/** Separates terms and vocabulary words in their sections (the analyzer never puts it in a word). */
const SEP = "\u0000";

/** One piece of the file: bytes of the named section (a section is the concatenation of its pieces, in order). */
interface Piece {
  section: string;
  data: Uint8Array;
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Varints of the postings of the terms from `from` on, until about POSTINGS_PER_PIECE ids are written: per term its
 * non-empty impact slots, each with its ids. Returns the bytes and the next term to write.
 */
function postingsPiece(index: SearchIndex, from: number): { bytes: Uint8Array; next: number } {
  const out = new ByteWriter();
  let written = 0;
  let t = from;
  for (; t < index.terms.length && written < POSTINGS_PER_PIECE; t++) {
    const buckets = index.flex.postings(index.terms[t] ?? "");
    if (!buckets) {
      out.varint(0);
      continue;
    }
    let levels = 0;
    for (const ids of buckets) if (ids && ids.length > 0) levels++;
    out.varint(levels);
    for (let b = 0; b < buckets.length; b++) {
      const ids = buckets[b];
      if (!ids || ids.length === 0) continue;
      out.varint(b);
      out.varint(ids.length);
      for (let i = 0; i < ids.length; i++) out.varint(ids[i] as number);
      written += ids.length;
    }
  }
  return { bytes: out.bytes(), next: t };
}

/**
 * The file's pieces, in order; the last one is the trailer. A generator, so a caller can stop between pieces (to let
 * requests run) and see whether the index changed meanwhile. Every piece reads the index as it is when it is made.
 */
function* pieces(index: SearchIndex, revision: string): Generator<Piece> {
  const n = index.meta.length;
  const enc = new TextEncoder();
  const columns: [string, ArrayBufferView][] = [
    ["facetOff", index.facetOff.data.subarray(0, index.facetOff.length)],
    ["facetVals", index.facetVals.data.subarray(0, index.facetVals.length)],
    ["seqOff", index.seqOff.data.subarray(0, index.seqOff.length)],
    ["seq", index.seq.data.subarray(0, index.seq.length)],
    ["wholeOff", index.wholeOff.data.subarray(0, index.wholeOff.length)],
    ["wholes", index.wholes.data.subarray(0, index.wholes.length)],
    ["pairOff", index.pairOff.data.subarray(0, index.pairOff.length)],
    ["pairs", index.pairs.data.subarray(0, index.pairs.length)],
    ["surfOff", index.surfOff.data.subarray(0, index.surfOff.length)],
    ["surfs", index.surfs.data.subarray(0, index.surfs.length)],
    ["fieldLen", index.fieldLen.data.subarray(0, index.fieldLen.length)],
    ["titleOff", index.titleOff.data.subarray(0, index.titleOff.length)],
    ["titleToks", index.titleToks.data.subarray(0, index.titleToks.length)],
    ["avgLen", index.avgLen],
    ["dfs", index.dfs.data.subarray(0, index.dfs.length)],
    ["surfaceTerms", index.surfaceTerm.data.subarray(0, index.surfaceTerm.length)],
    ["surfaceDfs", index.surfaceDfs.data.subarray(0, index.surfaceDfs.length)],
  ];
  // Views, not copies: a change to the index while the file is written bumps its generation, and stillCurrent (see
  // saveIndexInSteps) then drops the file.
  for (const [name, a] of columns) yield { section: name, data: bytesOf(a) };
  // A section's pieces follow each other: lengths first, then the texts, then the documents' metadata.
  for (let s = 0; s < n; s += SLOTS_PER_PIECE) {
    const to = Math.min(n, s + SLOTS_PER_PIECE);
    const lens = new Int32Array((to - s) * 2);
    for (let i = s; i < to; i++) {
      const { summary, body } = index.textOf(i);
      lens[(i - s) * 2] = Buffer.byteLength(summary, "utf8");
      lens[(i - s) * 2 + 1] = Buffer.byteLength(body, "utf8");
    }
    yield { section: "textLen", data: bytesOf(lens) };
  }
  for (let s = 0; s < n; s += SLOTS_PER_PIECE) {
    const to = Math.min(n, s + SLOTS_PER_PIECE);
    // Each text encoded on its own, as its length was counted (a lone surrogate at the end of one must not pair up
    // with the start of the next).
    const texts: Buffer[] = [];
    for (let i = s; i < to; i++) {
      const { summary, body } = index.textOf(i);
      texts.push(Buffer.from(summary, "utf8"), Buffer.from(body, "utf8"));
    }
    yield { section: "text", data: Buffer.concat(texts) };
  }
  for (let s = 0; s < n; s += SLOTS_PER_PIECE) {
    const to = Math.min(n, s + SLOTS_PER_PIECE);
    yield { section: "meta", data: enc.encode(index.meta.slice(s, to).map((m) => `${JSON.stringify(m)}\n`).join("")) };
  }
  const terms = index.terms.length;
  for (let t = 0; t < terms; t += TERMS_PER_PIECE) yield { section: "terms", data: enc.encode(index.terms.slice(t, Math.min(terms, t + TERMS_PER_PIECE)).map((x) => x + SEP).join("")) };
  // By postings, not terms: the first terms are the commonest (ids are handed out in first-seen order).
  for (let t = 0; t < terms; ) {
    const piece = postingsPiece(index, t);
    yield { section: "postings", data: piece.bytes };
    t = piece.next;
  }
  // Surface ids are handed out in insertion order, so the map's key order is the id order.
  let batch: string[] = [];
  for (const surface of index.surfaceIds.keys()) {
    batch.push(surface + SEP);
    if (batch.length === TERMS_PER_PIECE) {
      yield { section: "surfaces", data: enc.encode(batch.join("")) };
      batch = [];
    }
  }
  if (batch.length > 0) yield { section: "surfaces", data: enc.encode(batch.join("")) };
  const reg = new Uint8Array(n);
  for (let s = 0; s < n; s++) reg[s] = index.flex.registered(s) ? 1 : 0;
  yield { section: "registered", data: reg };
  yield {
    section: "",
    data: enc.encode(
      JSON.stringify({
        revision,
        nf: NF,
        levels: IMPACT_LEVELS,
        slots: n,
        facetValues: index.valueOf.map((v, c): [number, string] => [index.facetOf[c] ?? 0, v]),
        factorNames: [...index.factorNames],
        factorLabels: [...index.factorLabels],
        sections: [],
      }),
    ),
  };
}

/** Lays pieces out as the file: MAGIC, sections (each 8-aligned), the JSON trailer, its length and MAGIC again. */
class Layout {
  private offset = 16;
  private readonly sections = new Map<string, { offset: number; length: number }>();
  private current = "";

  /** The bytes to write for a piece: padding when a new section starts, then the piece (the trailer: its final form). */
  place(p: Piece): Uint8Array[] {
    if (p.section === "") {
      const trailer = JSON.parse(new TextDecoder().decode(p.data)) as { sections: unknown[] };
      trailer.sections = [...this.sections].map(([name, s]) => ({ name, ...s }));
      const json = Buffer.from(JSON.stringify(trailer), "utf8");
      const tail = Buffer.alloc(16);
      tail.writeUInt32LE(json.length, 0);
      tail.write(MAGIC, 8, "latin1");
      return [this.pad(), json, tail];
    }
    const out: Uint8Array[] = [];
    if (p.section !== this.current) {
      if (this.sections.has(p.section)) throw new Error(`search index section ${p.section} written twice`);
      out.push(this.pad());
      this.sections.set(p.section, { offset: this.offset, length: 0 });
      this.current = p.section;
    }
    const s = this.sections.get(p.section);
    if (s) s.length += p.data.length;
    this.offset += p.data.length;
    out.push(p.data);
    return out;
  }

  head(): Uint8Array {
    const b = Buffer.alloc(16);
    b.write(MAGIC, 0, "latin1");
    return b;
  }

  private pad(): Uint8Array {
    const n = ((this.offset + 7) & ~7) - this.offset;
    this.offset += n;
    return new Uint8Array(n);
  }
}

/** Serializes an index with its revision, all at once. */
export function serializeIndex(index: SearchIndex, revision: string): Buffer {
  const layout = new Layout();
  const parts: Uint8Array[] = [layout.head()];
  for (const p of pieces(index, revision)) parts.push(...layout.place(p));
  return Buffer.concat(parts);
}

/** Reads an index written by serializeIndex; null when the data is not a valid index of this format. */
export function deserializeIndex(buf: Buffer): { index: SearchIndex; revision: string } | null {
  if (buf.length < 32 || buf.toString("latin1", 0, 8) !== MAGIC || buf.toString("latin1", buf.length - 8) !== MAGIC) return null;
  const jsonLen = buf.readUInt32LE(buf.length - 16);
  if (jsonLen > buf.length - 32) return null;
  const parsed = trailerSchema.safeParse(JSON.parse(buf.toString("utf8", buf.length - 16 - jsonLen, buf.length - 16)));
  if (!parsed.success) return null;
  const h = parsed.data;
  const section = (name: string): Buffer => {
    const s = h.sections.find((x) => x.name === name);
    if (!s) {
      // A section without pieces (no slots, no terms) was never started.
      if (["textLen", "text", "meta", "terms", "postings", "surfaces", "registered"].includes(name)) return Buffer.alloc(0);
      throw new Error(`search index file lacks section ${name}`);
    }
    if (s.offset + s.length > buf.length) throw new Error(`search index section ${name} is cut off`);
    return buf.subarray(s.offset, s.offset + s.length);
  };
  // Copies into fresh, aligned typed arrays (the file buffer's offsets need not be aligned).
  const i32 = (name: string) => {
    const b = section(name);
    const out = new Int32Array(b.length / 4);
    Buffer.from(out.buffer).set(b);
    return out;
  };
  const f64 = (name: string) => {
    const b = section(name);
    const out = new Float64Array(b.length / 8);
    Buffer.from(out.buffer).set(b);
    return out;
  };
  const list = (name: string): string[] => {
    const text = section(name).toString("utf8");
    const items = text.split(SEP);
    items.pop();
    return items;
  };
  const textLen = i32("textLen");
  const text = section("text");
  const summaries: string[] = [];
  const bodies: string[] = [];
  for (let s = 0, pos = 0; s < h.slots; s++) {
    const a = textLen[s * 2] ?? 0;
    const b = textLen[s * 2 + 1] ?? 0;
    summaries.push(text.toString("utf8", pos, pos + a));
    bodies.push(text.toString("utf8", pos + a, pos + a + b));
    pos += a + b;
  }
  const metaLines = section("meta").toString("utf8");
  const meta = z.array(metaSchema.nullable()).parse(JSON.parse(`[${metaLines.split("\n").filter((l) => l !== "").join(",")}]`));
  if (meta.length !== h.slots) return null;
  const terms = list("terms");
  const postings = readPostings(section("postings"), terms);
  const registered = section("registered");
  const reg: number[] = [];
  for (let s = 0; s < registered.length; s++) if (registered[s] === 1) reg.push(s);
  const index = SearchIndex.restore({
    meta,
    facetOff: i32("facetOff"),
    facetVals: i32("facetVals"),
    seqOff: i32("seqOff"),
    seq: Uint8Array.from(section("seq")),
    wholeOff: i32("wholeOff"),
    wholes: Uint8Array.from(section("wholes")),
    pairOff: i32("pairOff"),
    pairs: Uint8Array.from(section("pairs")),
    surfOff: i32("surfOff"),
    surfs: Uint8Array.from(section("surfs")),
    fieldLen: i32("fieldLen"),
    titleOff: i32("titleOff"),
    titleToks: i32("titleToks"),
    avgLen: f64("avgLen"),
    summaries,
    bodies,
    terms,
    dfs: i32("dfs"),
    surfaces: list("surfaces"),
    surfaceTerms: i32("surfaceTerms"),
    surfaceDfs: i32("surfaceDfs"),
    facetValues: h.facetValues,
    factorNames: h.factorNames,
    factorLabels: h.factorLabels,
    postings,
    registered: reg,
  });
  return { index, revision: h.revision };
}

/** The postings section back as [term, ids per impact slot] (see postingsPiece). */
function readPostings(b: Uint8Array, terms: readonly string[]): [string, (number[] | undefined)[]][] {
  const out: [string, (number[] | undefined)[]][] = [];
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (i >= b.length) throw new Error("search index postings are cut off");
      const x = b[i++] as number;
      v += (x & 0x7f) * 2 ** shift;
      if (x < 0x80) return v;
      shift += 7;
    }
  };
  for (const term of terms) {
    const levels = varint();
    if (levels === 0) continue;
    const buckets: (number[] | undefined)[] = [];
    for (let l = 0; l < levels; l++) {
      const level = varint();
      if (level >= IMPACT_LEVELS) throw new Error("search index postings name an impact slot out of range");
      const n = varint();
      const ids = new Array<number>(n);
      for (let k = 0; k < n; k++) ids[k] = varint();
      buckets[level] = ids;
    }
    out.push([term, buckets]);
  }
  return out;
}

/** Appends varints to a growing byte buffer. */
class ByteWriter {
  private buf = new Uint8Array(1 << 12);
  private n = 0;
  varint(v: number): void {
    if (this.n + 10 > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf.subarray(0, this.n));
      this.buf = next;
    }
    let x = v;
    while (x >= 0x80) {
      this.buf[this.n++] = (x & 0x7f) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.n++] = x;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

let tmpCounter = 0;
const tmpName = (file: string): string => `${file}.${process.pid}.${Date.now()}.${++tmpCounter}.tmp`;

/** Writes the index under `dir` (atomically: a reader never sees half a file); returns the file size. */
export function saveIndex(index: SearchIndex, revision: string, dir: string = indexDir()): number {
  fs.mkdirSync(dir, { recursive: true });
  const data = serializeIndex(index, revision);
  const file = path.join(dir, FILE);
  const tmp = tmpName(file);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
  return data.length;
}

export interface StepOptions {
  /** Work done between two yields to the event loop, in milliseconds (default 4). */
  stepMs?: number;
  /** Checked between pieces: false stops the write (the index changed; a newer write will follow). */
  stillCurrent?: () => boolean;
}

/**
 * Writes the index like saveIndex, a piece at a time: after at most `stepMs` of serializing it yields to the event
 * loop, and the file writes run off the thread. Returns the file size, or null when `stillCurrent` said stop (then
 * nothing is replaced). The index must not change while this runs unless `stillCurrent` notices it.
 */
export async function saveIndexInSteps(index: SearchIndex, revision: string, dir: string = indexDir(), opts: StepOptions = {}): Promise<number | null> {
  const stepMs = opts.stepMs ?? 4;
  const current = opts.stillCurrent ?? (() => true);
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, FILE);
  const tmp = tmpName(file);
  const fh = await fs.promises.open(tmp, "w");
  let done = false;
  try {
    const layout = new Layout();
    let size = 0;
    let queue: Uint8Array[] = [layout.head()];
    let queued = 16;
    const flush = async () => {
      if (queue.length === 0) return;
      const batch = queue;
      queue = [];
      queued = 0;
      for (const b of batch) {
        await fh.write(b);
        size += b.length;
      }
    };
    let t0 = performance.now();
    for (const p of pieces(index, revision)) {
      for (const b of layout.place(p)) {
        queue.push(b);
        queued += b.length;
      }
      if (performance.now() - t0 >= stepMs || queued > 1 << 20) {
        // The write awaits libuv's thread pool: requests run meanwhile.
        await flush();
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (!current()) return null;
        t0 = performance.now();
      }
    }
    await flush();
    if (!current()) return null;
    await fh.close();
    await fs.promises.rename(tmp, file);
    done = true;
    return size;
  } finally {
    if (!done) {
      await fh.close().catch(() => undefined);
      await fs.promises.rm(tmp, { force: true });
    }
  }
}

/** Loads the index saved under `dir`; null when there is none or it cannot be read. */
export function loadIndex(dir: string = indexDir()): { index: SearchIndex; revision: string } | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path.join(dir, FILE));
  } catch {
    return null;
  }
  try {
    return deserializeIndex(buf);
  } catch {
    return null;
  }
}
