// Saving and loading the search index: one binary file (a JSON header plus the typed arrays as they are in memory),
// stamped with the content revision it was built from, written atomically.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Snapshot } from "../content/store";
import { dataDir } from "../env";
import { FACETS, NF, SearchIndex, packCodes, type DocMeta } from "./search-index";

const MAGIC = "KZSRCH02";
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
  codes: z.array(z.array(z.number())),
});

const sectionSchema = z.object({ name: z.string(), offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });

const headerSchema = z.object({
  revision: z.string(),
  nf: z.literal(NF),
  meta: z.array(metaSchema),
  terms: z.array(z.string()),
  surfaces: z.array(z.string()),
  facets: z.record(z.string(), z.array(z.string())),
  factorNames: z.array(z.tuple([z.string(), z.string()])),
  sections: z.array(sectionSchema),
});

/** Serializes a (compacted) index with its revision. */
export function serializeIndex(index: SearchIndex, revision: string): Buffer {
  if (index.meta.length !== index.mainSlots || index.deltaPost.size > 0 || index.dead > 0) index.compact();
  const surfaces = [...index.surfaces.keys()];
  const surfaceTerms = Int32Array.from(surfaces, (s) => index.surfaces.get(s) ?? 0);
  const arrays: [string, ArrayBufferView][] = [
    ["fieldLen", index.fieldLen.data.subarray(0, index.fieldLen.length)],
    ["surfaceTerms", surfaceTerms],
    ["postOff", index.postOff],
    ["postDoc", index.postDoc],
    ["postCode", index.postCode],
    ["seqOff", index.seqOff],
    ["seq", index.seq],
    ["textOff", index.textOff],
    ["textBuf", index.textBuf],
  ];
  const sections: z.infer<typeof sectionSchema>[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    sections.push({ name, offset, length: a.byteLength });
    offset += align8(a.byteLength);
  }
  const header = {
    revision,
    nf: NF,
    meta: index.meta.map((m) => (m ? { ...m, startedMs: undefined, packed: undefined } : null)).filter((m) => m !== null),
    terms: index.terms,
    surfaces,
    facets: Object.fromEntries(FACETS.map((f) => [f, index.facets[f].values])),
    factorNames: [...index.factorNames],
    sections,
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const headLen = align8(16 + json.length);
  const out = Buffer.alloc(headLen + offset);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 16);
  for (const [i, [, a]] of arrays.entries()) {
    const s = sections[i];
    if (s) Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, headLen + s.offset);
  }
  return out;
}

/** Reads an index written by serializeIndex; null when the data is not a valid index of this format. */
export function deserializeIndex(buf: Buffer): { index: SearchIndex; revision: string } | null {
  if (buf.length < 16 || buf.toString("latin1", 0, 8) !== MAGIC) return null;
  const jsonLen = buf.readUInt32LE(8);
  const parsed = headerSchema.safeParse(JSON.parse(buf.toString("utf8", 16, 16 + jsonLen)));
  if (!parsed.success) return null;
  const h = parsed.data;
  const base = align8(16 + jsonLen);
  const section = (name: string): Buffer => {
    const s = h.sections.find((x) => x.name === name);
    if (!s) throw new Error(`search index file lacks section ${name}`);
    return buf.subarray(base + s.offset, base + s.offset + s.length);
  };
  // Copies into fresh, aligned typed arrays (the file buffer's offsets need not be aligned).
  const i32 = (name: string) => {
    const b = section(name);
    const out = new Int32Array(b.length / 4);
    Buffer.from(out.buffer).set(b);
    return out;
  };
  const u16 = (name: string) => {
    const b = section(name);
    const out = new Uint16Array(b.length / 2);
    Buffer.from(out.buffer).set(b);
    return out;
  };
  const meta: DocMeta[] = h.meta.map((m) => ({ ...m, startedMs: m.startedAt ? Date.parse(m.startedAt) : NaN, packed: packCodes(m.codes) }));
  const index = SearchIndex.restore({
    meta,
    fieldLen: i32("fieldLen"),
    terms: h.terms,
    surfaces: h.surfaces,
    surfaceTerms: i32("surfaceTerms"),
    facets: h.facets,
    factorNames: h.factorNames,
    postOff: i32("postOff"),
    postDoc: i32("postDoc"),
    postCode: u16("postCode"),
    seqOff: i32("seqOff"),
    seq: i32("seq"),
    textOff: i32("textOff"),
    textBuf: Buffer.from(section("textBuf")),
  });
  return { index, revision: h.revision };
}

/** Writes the index under `dir` (atomically: a reader never sees half a file); returns the file size. */
export function saveIndex(index: SearchIndex, revision: string, dir: string = indexDir()): number {
  fs.mkdirSync(dir, { recursive: true });
  const data = serializeIndex(index, revision);
  const file = path.join(dir, FILE);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
  return data.length;
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

function align8(n: number): number {
  return (n + 7) & ~7;
}
