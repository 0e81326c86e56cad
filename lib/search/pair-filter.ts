// Adjacent-pair filters: for each document a small Bloom filter of the pairs of term ids that follow each other within
// a field of its token sequence. A phrase can only occur in a document whose filter has every adjacent pair of the
// phrase, so the exact check (a byte search of the whole coded sequence, SearchIndex.containsPattern) runs only on the
// few documents that pass: most documents having a phrase's words never have them side by side.
import type { ByteList } from "./columns";
import { SEQ_BREAK } from "./fields";

/** Filter bytes for a sequence of `tokens` codes: about five bits per token, two bits set per pair (≤ 11% false hits). */
export function filterBytes(tokens: number): number {
  return Math.max(8, Math.ceil((tokens * 5) / 8));
}

/** The hash of a pair of term ids (the first bit a pair sets; the second is derived from it, see bitsOf). */
export function pairHash(a: number, b: number): number {
  let h = Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

function secondBit(h: number): number {
  let x = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  x ^= x >>> 15;
  return x >>> 0;
}

/** Appends the filter of a decoded token sequence (term ids, SEQ_BREAK between fields) to `out`. */
export function appendPairFilter(seq: Int32Array, out: ByteList): void {
  const n = filterBytes(seq.length);
  const at = out.extend(n);
  const data = out.data;
  const bits = n * 8;
  let prev = SEQ_BREAK;
  for (let i = 0; i < seq.length; i++) {
    const t = seq[i] as number;
    if (t !== SEQ_BREAK && prev !== SEQ_BREAK) {
      const h = pairHash(prev, t);
      const b1 = h % bits;
      const b2 = secondBit(h) % bits;
      data[at + (b1 >>> 3)] = (data[at + (b1 >>> 3)] as number) | (1 << (b1 & 7));
      data[at + (b2 >>> 3)] = (data[at + (b2 >>> 3)] as number) | (1 << (b2 & 7));
    }
    prev = t;
  }
}

/** The pair hashes of a phrase's term ids, in order. */
export function phrasePairs(ids: readonly number[]): Uint32Array {
  const out = new Uint32Array(Math.max(0, ids.length - 1));
  for (let i = 1; i < ids.length; i++) out[i - 1] = pairHash(ids[i - 1] as number, ids[i] as number);
  return out;
}

/** Whether the filter in data[from .. to) may hold every pair (false: the phrase is certainly not in the document). */
export function mayHavePairs(data: Uint8Array, from: number, to: number, pairs: Uint32Array): boolean {
  const bits = (to - from) * 8;
  if (bits === 0) return pairs.length === 0;
  for (let i = 0; i < pairs.length; i++) {
    const h = pairs[i] as number;
    const b1 = h % bits;
    if (((data[from + (b1 >>> 3)] as number) & (1 << (b1 & 7))) === 0) return false;
    const b2 = secondBit(h) % bits;
    if (((data[from + (b2 >>> 3)] as number) & (1 << (b2 & 7))) === 0) return false;
  }
  return true;
}
