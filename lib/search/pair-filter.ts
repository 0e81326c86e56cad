// Adjacent-pair filters: for each document a small Bloom filter of the pairs of term ids that follow each other within
// a field of its token sequence. A phrase can only occur in a document whose filter has every adjacent pair of the
// phrase, so the exact check (a byte search of the whole coded sequence, SearchIndex.containsPattern) runs only on the
// few documents that pass: most documents having a phrase's words never have them side by side.
import type { ByteList } from "./columns";

/** Filter bytes for a sequence of `tokens` codes: about five bits per token, two bits set per pair (≤ 11% false hits). */
export function filterBytes(tokens: number): number {
  return Math.max(8, Math.ceil((tokens * 5) / 8));
}

/** The hash of a pair of term ids (the first bit a pair sets; the second is derived from it, see bitsOf). */
export function pairHash(a: number, b: number): number {
  return fmix((Math.imul(a + 1, 0x9e3779b1) + b) | 0);
}

/** MurmurHash3's finalizer: every input bit reaches every output bit. */
function fmix(v: number): number {
  let h = v;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The bit a hash selects in a filter of `bits` bits (multiply-shift: no integer division on the hot path). */
function bitOf(h: number, bits: number): number {
  return Math.floor((h * bits) / 4294967296);
}

/** The hash of a pair's second bit, derived from its first. */
function secondHash(h: number): number {
  return fmix(h ^ 0x5bd1e995);
}

/**
 * Appends the filter of one document to `out`: `tokens` is the length of its token sequence (field breaks included),
 * hashes[0 .. count) the pairHash of each two tokens that follow each other within a field.
 */
export function appendPairFilter(hashes: Uint32Array, count: number, tokens: number, out: ByteList): void {
  const n = filterBytes(tokens);
  const at = out.extend(n);
  const data = out.data;
  const bits = n * 8;
  for (let i = 0; i < count; i++) {
    const h = hashes[i] as number;
    const b1 = bitOf(h, bits);
    const b2 = bitOf(secondHash(h), bits);
    data[at + (b1 >>> 3)] = (data[at + (b1 >>> 3)] as number) | (1 << (b1 & 7));
    data[at + (b2 >>> 3)] = (data[at + (b2 >>> 3)] as number) | (1 << (b2 & 7));
  }
}

/**
 * The two bit hashes of each adjacent pair of a phrase's term ids, in order (pair i at [2i, 2i + 1]): computed once
 * per query, so checking a document's filter costs two multiplications and two loads per pair.
 */
export function phrasePairs(ids: readonly number[]): Uint32Array {
  const out = new Uint32Array(Math.max(0, 2 * (ids.length - 1)));
  for (let i = 1; i < ids.length; i++) {
    const h = pairHash(ids[i - 1] as number, ids[i] as number);
    out[2 * i - 2] = h;
    out[2 * i - 1] = secondHash(h);
  }
  return out;
}

/** Whether the filter in data[from .. to) may hold every pair of phrasePairs (false: the phrase is certainly not in the document). */
export function mayHavePairs(data: Uint8Array, from: number, to: number, pairs: Uint32Array): boolean {
  const bits = (to - from) * 8;
  if (bits === 0) return pairs.length === 0;
  for (let i = 0; i < pairs.length; i++) {
    const b = bitOf(pairs[i] as number, bits);
    if (((data[from + (b >>> 3)] as number) & (1 << (b & 7))) === 0) return false;
  }
  return true;
}
