// Saving and loading the search index: one binary file (a JSON header, the typed arrays as they are in memory, the
// texts, and flexsearch's own export chunks), stamped with the content revision it was built from, written atomically.
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
const MAGIC = "KZSRCH06";
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

const headerSchema = z.object({
  revision: z.string(),
  nf: z.literal(NF),
  levels: z.literal(IMPACT_LEVELS),
  meta: z.array(metaSchema.nullable()),
  terms: z.array(z.string()),
  surfaces: z.array(z.string()),
  facetValues: z.array(z.tuple([z.number().int().nonnegative(), z.string()])),
  factorNames: z.array(z.tuple([z.string(), z.string()])),
  factorLabels: z.array(z.tuple([z.string(), z.string()])).default([]),
  flexKeys: z.array(z.string()),
  sections: z.array(sectionSchema),
});

/** Serializes an index with its revision: a JSON header, Kaizen's tables as typed arrays, flexsearch's own export. */
export function serializeIndex(index: SearchIndex, revision: string): Buffer {
  // Surface ids are handed out in insertion order, so the map's key order is the id order.
  const surfaces = [...index.surfaceIds.keys()];
  const texts: Buffer[] = [];
  const textOff = new Int32Array(index.meta.length * 2 + 1);
  let pos = 0;
  for (let s = 0; s < index.meta.length; s++) {
    const { summary, body } = index.textOf(s);
    for (const [k, t] of [summary, body].entries()) {
      const b = Buffer.from(t, "utf8");
      texts.push(b);
      pos += b.length;
      textOff[s * 2 + k + 1] = pos;
    }
  }
  const flexKeys: string[] = [];
  const flexData: Buffer[] = [];
  index.flex.export((key, data) => {
    if (data === undefined || data === null) return;
    flexKeys.push(key);
    flexData.push(Buffer.from(data, "utf8"));
  });
  const arrays: [string, ArrayBufferView][] = [
    ["facetOff", index.facetOff.data.subarray(0, index.facetOff.length)],
    ["facetVals", index.facetVals.data.subarray(0, index.facetVals.length)],
    ["seqOff", index.seqOff.data.subarray(0, index.seqOff.length)],
    ["seq", index.seq.data.subarray(0, index.seq.length)],
    ["wholeOff", index.wholeOff.data.subarray(0, index.wholeOff.length)],
    ["wholes", index.wholes.data.subarray(0, index.wholes.length)],
    ["surfOff", index.surfOff.data.subarray(0, index.surfOff.length)],
    ["surfs", index.surfs.data.subarray(0, index.surfs.length)],
    ["fieldLen", index.fieldLen.data.subarray(0, index.fieldLen.length)],
    ["titleOff", index.titleOff.data.subarray(0, index.titleOff.length)],
    ["titleToks", index.titleToks.data.subarray(0, index.titleToks.length)],
    ["avgLen", index.avgLen],
    ["dfs", index.dfs.data.subarray(0, index.dfs.length)],
    ["surfaceTerms", index.surfaceTerm.data.subarray(0, index.surfaceTerm.length)],
    ["surfaceDfs", index.surfaceDfs.data.subarray(0, index.surfaceDfs.length)],
    ["textOff", textOff],
    ["text", Buffer.concat(texts, pos)],
    ...flexData.map((d, i): [string, ArrayBufferView] => [`flex${i}`, d]),
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
    levels: IMPACT_LEVELS,
    meta: index.meta,
    terms: index.terms,
    surfaces,
    facetValues: index.valueOf.map((v, c): [number, string] => [index.facetOf[c] ?? 0, v]),
    factorNames: [...index.factorNames],
    factorLabels: [...index.factorLabels],
    flexKeys,
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
  const f64 = (name: string) => {
    const b = section(name);
    const out = new Float64Array(b.length / 8);
    Buffer.from(out.buffer).set(b);
    return out;
  };
  const textOff = i32("textOff");
  const text = section("text");
  const summaries: string[] = [];
  const bodies: string[] = [];
  for (let s = 0; s < h.meta.length; s++) {
    summaries.push(text.toString("utf8", textOff[s * 2] ?? 0, textOff[s * 2 + 1] ?? 0));
    bodies.push(text.toString("utf8", textOff[s * 2 + 1] ?? 0, textOff[s * 2 + 2] ?? 0));
  }
  const index = SearchIndex.restore({
    meta: h.meta,
    facetOff: i32("facetOff"),
    facetVals: i32("facetVals"),
    seqOff: i32("seqOff"),
    seq: Uint8Array.from(section("seq")),
    wholeOff: i32("wholeOff"),
    wholes: Uint8Array.from(section("wholes")),
    surfOff: i32("surfOff"),
    surfs: Uint8Array.from(section("surfs")),
    fieldLen: i32("fieldLen"),
    titleOff: i32("titleOff"),
    titleToks: i32("titleToks"),
    avgLen: f64("avgLen"),
    summaries,
    bodies,
    terms: h.terms,
    dfs: i32("dfs"),
    surfaces: h.surfaces,
    surfaceTerms: i32("surfaceTerms"),
    surfaceDfs: i32("surfaceDfs"),
    facetValues: h.facetValues,
    factorNames: h.factorNames,
    factorLabels: h.factorLabels,
    flexParts: h.flexKeys.map((key, i): [string, string] => [key, section(`flex${i}`).toString("utf8")]),
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
