// Growable typed columns: the per-slot tables of the search index (facet codes, start times, token sequences) are
// appended to document by document and read by offset, so they live in typed arrays that double when full.
import { SEQ_BREAK } from "./fields";

type Typed = Int32Array<ArrayBufferLike> | Float64Array<ArrayBufferLike> | Uint8Array<ArrayBufferLike>;

/** A copy of `data` with room for at least `min` entries (at least double, so appends stay amortized O(1)). */
function grownCopy<T extends Typed>(data: T, used: number, min: number, floor: number): T {
  const Ctor = data.constructor as new (n: number) => T;
  const next = new Ctor(Math.max(min, data.length * 2, floor));
  next.set(data.subarray(0, used) as never);
  return next;
}

/** A growable Int32Array. */
export class IntList {
  data: Int32Array<ArrayBufferLike>;
  length = 0;
  constructor(capacity = 8) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  grow(min: number): void {
    this.data = grownCopy(this.data, this.length, min, 8);
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
  static from(a: Int32Array): IntList {
    const l = new IntList(Math.max(8, a.length));
    l.data.set(a);
    l.length = a.length;
    return l;
  }
}

/** A growable Float64Array. */
export class FloatList {
  data: Float64Array<ArrayBufferLike>;
  length = 0;
  constructor(capacity = 8) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.data = grownCopy(this.data, this.length, this.length + 1, 8);
    this.data[this.length++] = v;
  }
}

/**
 * A growable byte buffer of varints. Token sequences are stored as codes 0 = field break, id + 1 = a term; term ids are
 * handed out in first-seen order, so frequent words have small ids and most tokens take one or two bytes, not four.
 */
export class ByteList {
  data: Uint8Array<ArrayBufferLike>;
  length = 0;
  constructor(capacity = 64) {
    this.data = new Uint8Array(capacity);
  }
  /** Appends one sequence value (SEQ_BREAK or a term id). */
  pushToken(v: number): void {
    this.pushVarint(v === SEQ_BREAK ? 0 : v + 1);
  }
  pushVarint(code: number): void {
    let c = code;
    // A varint of a 32-bit value takes at most 5 bytes.
    this.reserve(5);
    while (c >= 0x80) {
      this.data[this.length++] = (c & 0x7f) | 0x80;
      c >>>= 7;
    }
    this.data[this.length++] = c;
  }
  /** Appends `n` zero bytes; returns where they start. */
  extend(n: number): number {
    this.reserve(n);
    const at = this.length;
    this.data.fill(0, at, at + n);
    this.length += n;
    return at;
  }
  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.data.set(bytes, this.length);
    this.length += bytes.length;
  }
  private reserve(extra: number): void {
    if (this.length + extra > this.data.length) this.data = grownCopy(this.data, this.length, this.length + extra, 64);
  }
  static from(a: Uint8Array): ByteList {
    const l = new ByteList(Math.max(64, a.length));
    l.data.set(a);
    l.length = a.length;
    return l;
  }
}

/** A copy of a stamp array with room for index `min` (and 1024 more), for scratch arrays indexed by term or surface. */
export function grownStamps(a: Int32Array<ArrayBufferLike>, min: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(min + 1024, a.length * 2));
  next.set(a);
  return next;
}

/**
 * Decodes the varints in bytes[from, to); `seq` maps codes to sequence values. Returns a view of a buffer owned by the
 * caller's `Decoder`, valid until its next decode.
 */
export class Decoder {
  private buf = new Int32Array(4096);
  decode(bytes: Uint8Array, from: number, to: number, seq: boolean): Int32Array {
    if (this.buf.length < to - from) this.buf = new Int32Array(Math.max(to - from, this.buf.length * 2));
    const out = this.buf;
    let n = 0;
    for (let i = from; i < to; ) {
      let b = bytes[i++] as number;
      let c = b & 0x7f;
      for (let shift = 7; b >= 0x80; shift += 7) {
        b = bytes[i++] as number;
        c |= (b & 0x7f) << shift;
      }
      out[n++] = seq ? c - 1 : c;
    }
    return out.subarray(0, n);
  }
}
