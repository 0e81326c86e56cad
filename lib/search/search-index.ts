// The search index. flexsearch holds the inverted index: one `Index` whose ids are document slots, fed each document's
// distinct normalized terms (lib/search/analyze.ts does tokenizing and stemming, so identifiers stay findable whole
// and by parts), with a custom score that files every (term, document) posting under the document's BM25F weight for
// that term (its "impact", see ranking.ts). A term's flexsearch result is then its postings grouped by weight, best
// first, and a query is scored straight from them. Beside it Kaizen keeps compact per-slot tables flexsearch does not
// have: facet values, start times, token sequences (phrases, proximity) and the text snippets are cut from.
//
// Updates never ask flexsearch to remove (its removal scans the whole map): a changed document gets a new slot, the old
// slot is tombstoned and skipped by queries, and compact() rebuilds flexsearch from the token sequences (no text
// analysis) once enough has changed.
import { analyze } from "../text/analyze";
import { ByteList, Decoder, FloatList, IntList, grownStamps } from "./columns";
import { dateWords, type SearchDoc } from "./document";
import { FacetDict } from "./facet-dict";
import { FACET, FACETS, FIELD, NF, SEQ_BREAK, type Facet } from "./fields";
import { ImpactFlex } from "./impact-flex";
import { IndexView, MAX_VIEWS } from "./index-view";
import { appendPairFilter, mayHavePairs, pairHash, phrasePairs } from "./pair-filter";
import { FALLBACK_AVG_LEN, FIELD_B, FIELD_WEIGHT, impactSlot } from "./ranking";
import { insertSorted, reverseString } from "./sorted-strings";

export { FIELDS, FACETS, NF, SEQ_BREAK, type Field, type Facet } from "./fields";
export { IndexView } from "./index-view";

const FIELD_TITLE = FIELD.title;

/** Below this many documents an update rebuilds the flexsearch part outright (milliseconds), so results always equal a fresh build. */
const SMALL_INDEX = 500;

/** Per-document data kept as JS objects: what results show. */
export interface DocMeta {
  id: string;
  blob: string;
  title: string;
  severity: string | null;
  status: string;
  kind: string;
  startedAt: string | null;
  services: string[];
  teams: string[];
  tags: string[];
  factors: string[];
  /** Readable only by some viewers: kept out of the collection statistics every viewer shares (see IndexView). */
  restricted: boolean;
}

export interface IndexStats {
  docs: number;
  terms: number;
  postings: number;
}

/** Names that resolve to a canonical factor id (id, name, aliases), captured from the taxonomy at build time. */
export type FactorNames = Map<string, string>;

export class SearchIndex {
  // --- documents, by slot (null = removed) ---
  meta: (DocMeta | null)[] = [];
  readonly slotOf = new Map<string, number>();
  live = 0;
  dead = 0;
  startedMs = new FloatList(1024);
  /** Facet value codes of each slot: facetVals[facetOff[s] .. facetOff[s + 1]). */
  facetOff = IntList.from(Int32Array.of(0));
  facetVals = new IntList(4096);
  /** Token sequence of each slot (varint-coded, see ByteList): term ids, field breaks, whole markers after compounds. */
  seqOff = IntList.from(Int32Array.of(0));
  seq = new ByteList(1 << 16);
  /**
   * The joined wholes of compounds (`useast1` beside `us east 1`) of each slot, as varints of id·NF + field: they count
   * for term frequencies but have no position, so phrases and proximity never see them.
   */
  wholeOff = IntList.from(Int32Array.of(0));
  wholes = new ByteList(1 << 12);
  /** Adjacent-pair filter of each slot's sequence (pair-filter.ts): pairs[pairOff[s] .. pairOff[s + 1]). */
  pairOff = IntList.from(Int32Array.of(0));
  pairs = new ByteList(1 << 14);
  fieldLen = new IntList(1024);
  /**
   * The title's tokens of each slot as the analyzer gave them, (term id, start, end) triples in
   * titleToks[titleOff[s] .. titleOff[s + 1]): results highlight titles from them without analyzing the title again.
   */
  titleOff = IntList.from(Int32Array.of(0));
  titleToks = new IntList(4096);
  /**
   * Field lengths summed over the live documents every viewer may read (restricted ones left out): the averages the
   * impacts are computed with must not depend on documents a viewer cannot see, or scores would tell how many there are
   * and how long.
   */
  readonly sumLen = new Float64Array(NF);
  /** Average field lengths the impacts were computed with (frozen between compactions). */
  readonly avgLen = new Float64Array(NF);
  /** Live restricted slots: the only documents a signed-in viewer can be denied (see IndexView). */
  readonly restrictedSlots = new Set<number>();
  /** Bumped by every change, so cached views know when they are stale. */
  generation = 0;
  private views = new Map<string, IndexView>();
  summaries: string[] = [];
  bodies: string[] = [];

  // --- facets ---
  readonly facets: Record<Facet, FacetDict> = {
    severity: new FacetDict(),
    status: new FacetDict(),
    kind: new FacetDict(),
    service: new FacetDict(),
    team: new FacetDict(),
    factor: new FacetDict(),
    tag: new FacetDict(),
  };
  /** Facet index (into FACETS) and display value of each global facet code. */
  facetOf: number[] = [];
  valueOf: string[] = [];
  /** The first code of each code's value case-insensitively: the entry facet listings merge spellings under. */
  facetGroup: number[] = [];
  /** Live documents having each facet code. */
  facetDfs = new IntList(256);
  factorNames: FactorNames = new Map();
  /** Canonical factor id → its name in the taxonomy, for the reasons results give ("factor: Missing monitoring"). */
  factorLabels = new Map<string, string>();

  // --- vocabulary ---
  readonly termId = new Map<string, number>();
  readonly terms: string[] = [];
  /** Live documents containing each term. */
  dfs = new IntList(4096);
  /** Lowercased words as written → surface id: the vocabulary for prefixes, typo tolerance and "did you mean". */
  readonly surfaceIds = new Map<string, number>();
  /** Term id of each surface. */
  surfaceTerm = new IntList(4096);
  /** Live documents containing each surface (a word stays in the map after its last document went, with 0 here). */
  surfaceDfs = new IntList(4096);
  /** Distinct surface ids of each slot (varints): surfs[surfOff[s] .. surfOff[s + 1]). */
  surfOff = IntList.from(Int32Array.of(0));
  surfs = new ByteList(1 << 14);
  private sorted: string[] | null = null;
  private sortedRev: string[] | null = null;

  /** The candidate stage. */
  flex = new ImpactFlex();
  private readonly decoder = new Decoder();
  /** Slots added since the last (re)build of `flex`, not yet in it (bulk loading defers them). */
  private pending: number[] = [];

  /** Number of searchable documents. */
  get size(): number {
    return this.live;
  }

  stats(): IndexStats {
    let postings = 0;
    for (let t = 0; t < this.dfs.length; t++) postings += this.dfs.data[t] ?? 0;
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

  /** Document frequency of a term among live documents. */
  df(term: number): number {
    return this.dfs.data[term] ?? 0;
  }

  intern(term: string): number {
    let id = this.termId.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(term);
      this.termId.set(term, id);
      this.dfs.push(0);
    }
    return id;
  }

  private internSurface(surface: string, term: number): number {
    let sid = this.surfaceIds.get(surface);
    if (sid !== undefined) return sid;
    sid = this.surfaceTerm.length;
    this.surfaceIds.set(surface, sid);
    this.surfaceTerm.push(term);
    this.surfaceDfs.push(0);
    if (this.sorted) insertSorted(this.sorted, surface);
    if (this.sortedRev) insertSorted(this.sortedRev, reverseString(surface));
    if (this.affixBits) addAffixes(this.affixBits, surface);
    return sid;
  }

  /** Term id of a vocabulary word. */
  termOfSurface(surface: string): number | undefined {
    const sid = this.surfaceIds.get(surface);
    return sid === undefined ? undefined : this.surfaceTerm.data[sid];
  }

  private facetCode(facet: number, value: string): number {
    const dict = this.facets[FACETS[facet] ?? "tag"];
    let c = dict.byValue.get(value);
    if (c === undefined) {
      c = this.valueOf.length;
      this.valueOf.push(value);
      this.facetOf.push(facet);
      this.facetDfs.push(0);
      dict.byValue.set(value, c);
      const key = value.toLowerCase();
      const spellings = dict.byKey.get(key);
      if (spellings) spellings.push(c);
      else dict.byKey.set(key, [c]);
      this.facetGroup.push(spellings?.[0] ?? c);
    }
    return c;
  }

  /** Adds or replaces one document (a replaced one is tombstoned; its postings are skipped until compaction). */
  add(doc: SearchDoc): void {
    this.addDeferred(doc);
    this.flushPending();
  }

  /** Adds many documents at once: analyzed first, then indexed with the field averages of the whole set. */
  addAll(docs: Iterable<SearchDoc>): void {
    for (const d of docs) this.addDeferred(d);
    if (this.mainIsEmpty()) {
      this.freezeAverages();
      this.changedSinceFreeze = false;
    }
    const bulk = this.pending.length > 256;
    this.flushPending();
    if (bulk) this.trim();
  }

  /** Drops the spare capacity of the growable tables and of flexsearch's arrays (after bulk loads). */
  private trim(): void {
    this.seq = ByteList.from(this.seq.data.subarray(0, this.seq.length));
    this.wholes = ByteList.from(this.wholes.data.subarray(0, this.wholes.length));
    this.pairs = ByteList.from(this.pairs.data.subarray(0, this.pairs.length));
    this.surfs = ByteList.from(this.surfs.data.subarray(0, this.surfs.length));
    this.titleToks = IntList.from(this.titleToks.toArray());
    this.flex.trim();
  }

  private mainIsEmpty(): boolean {
    return this.pending.length === this.live + this.dead;
  }

  private addDeferred(doc: SearchDoc): void {
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
    const seq = this.seq;
    const stamp = ++this.stamp;
    const restricted = doc.restricted === true;
    this.changedSinceFreeze = true;
    this.generation++;
    const titleToks = this.titleToks;
    let nPairs = 0;
    let tokens = 0;
    for (let f = 0; f < NF; f++) {
      let len = 0;
      // The previous token of this field: each two that follow each other go into the slot's pair filter.
      let prev = -1;
      analyze(fieldTexts[f] ?? "", (term, surface, start, end, isSeq) => {
        const id = this.intern(term);
        if (f === FIELD_TITLE) {
          titleToks.push(id);
          titleToks.push(start);
          titleToks.push(end);
        }
        const sid = this.internSurface(surface, id);
        if (this.seen.length <= id) this.growSeen(id);
        if (this.seen[id] !== stamp) {
          this.seen[id] = stamp;
          this.dfs.data[id] = (this.dfs.data[id] ?? 0) + 1;
        }
        if (this.seenSurface.length <= sid) this.seenSurface = grownStamps(this.seenSurface, sid);
        if (this.seenSurface[sid] !== stamp) {
          this.seenSurface[sid] = stamp;
          this.surfaceDfs.data[sid] = (this.surfaceDfs.data[sid] ?? 0) + 1;
          this.surfs.pushVarint(sid);
        }
        if (isSeq) {
          seq.pushToken(id);
          len++;
          if (prev >= 0) {
            if (nPairs === this.pairHashes.length) this.pairHashes = grownHashes(this.pairHashes);
            this.pairHashes[nPairs++] = pairHash(prev, id);
          }
          prev = id;
        } else this.wholes.pushVarint(id * NF + f);
      });
      seq.pushToken(SEQ_BREAK);
      tokens += len + 1;
      this.fieldLen.push(len);
      if (!restricted) this.sumLen[f] = (this.sumLen[f] ?? 0) + len;
    }
    this.seqOff.push(seq.length);
    appendPairFilter(this.pairHashes, nPairs, tokens, this.pairs);
    this.pairOff.push(this.pairs.length);
    this.titleOff.push(titleToks.length);
    this.wholeOff.push(this.wholes.length);
    this.surfOff.push(this.surfs.length);
    const vals = this.facetVals;
    if (doc.severity) vals.push(this.facetCode(FACET.severity, doc.severity));
    vals.push(this.facetCode(FACET.status, doc.status));
    vals.push(this.facetCode(FACET.kind, doc.kind));
    const multi: [number, string[]][] = [
      [FACET.service, doc.services],
      [FACET.team, doc.teams],
      [FACET.factor, doc.factorIds],
      [FACET.tag, doc.tags],
    ];
    for (const [f, values] of multi) {
      // One spelling per value and document, so a document counts once under its value in a listing.
      const keys = new Set<string>();
      for (const v of values) {
        const key = v.toLowerCase();
        if (keys.has(key)) continue;
        keys.add(key);
        vals.push(this.facetCode(f, v));
      }
    }
    for (let k = this.facetOff.data[slot] ?? 0; k < vals.length; k++) {
      const c = vals.data[k] as number;
      this.facetDfs.data[c] = (this.facetDfs.data[c] ?? 0) + 1;
    }
    this.facetOff.push(vals.length);
    const startedMs = doc.startedAt ? Date.parse(doc.startedAt) : NaN;
    this.startedMs.push(startedMs);
    this.meta.push({
      id: doc.id,
      blob: doc.blob,
      title: doc.title,
      severity: doc.severity,
      status: doc.status,
      kind: doc.kind,
      startedAt: doc.startedAt,
      services: doc.services,
      teams: doc.teams,
      tags: doc.tags,
      factors: doc.factorIds,
      restricted,
    });
    if (restricted) this.restrictedSlots.add(slot);
    this.summaries.push(doc.summary);
    this.bodies.push(doc.text);
    this.slotOf.set(doc.id, slot);
    this.live++;
    this.pending.push(slot);
  }

  // Scratch for analysis and impacts: a stamp per term id marks "seen in the current document" without clearing.
  private stamp = 0;
  private pairHashes: Uint32Array<ArrayBufferLike> = new Uint32Array(1024);
  private seen = new Int32Array(0);
  private seenSurface: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private local = new Int32Array(0);
  private localIds = new Int32Array(256);
  private localTf = new Float64Array(256 * NF);
  private growSeen(min: number): void {
    this.seen = grownStamps(this.seen, min);
    const local = new Int32Array(this.seen.length);
    local.set(this.local);
    this.local = local;
  }

  /** Puts deferred slots into flexsearch. */
  private flushPending(): void {
    if (this.pending.length === 0) return;
    if (!this.avgLen.some((v) => v > 0)) this.freezeAverages();
    for (const slot of this.pending) if (this.meta[slot]) this.indexSlot(slot);
    this.pending = [];
  }

  private freezeAverages(): void {
    for (let f = 0; f < NF; f++) this.avgLen[f] = this.currentAverage(f);
  }

  /** Average length of field `f` over the documents every viewer may read; a typical length when there are none. */
  private currentAverage(f: number): number {
    const n = this.live - this.restrictedSlots.size;
    return n > 0 ? Math.max(1, (this.sumLen[f] ?? 0) / n) : (FALLBACK_AVG_LEN[f] ?? 1);
  }

  /** Computes a slot's impacts from its token sequence and adds its distinct terms to flexsearch. */
  private indexSlot(slot: number): void {
    if (this.seen.length < this.terms.length) this.growSeen(this.terms.length);
    const stamp = ++this.stamp;
    let n = 0;
    const count = (v: number, f: number): void => {
      let k: number;
      if (this.seen[v] !== stamp) {
        this.seen[v] = stamp;
        k = n++;
        this.local[v] = k;
        if (k >= this.localIds.length) {
          const ids = new Int32Array(this.localIds.length * 2);
          ids.set(this.localIds);
          this.localIds = ids;
          const tf = new Float64Array(this.localTf.length * 2);
          tf.set(this.localTf);
          this.localTf = tf;
        }
        this.localIds[k] = v;
        this.localTf.fill(0, k * NF, k * NF + NF);
      } else k = this.local[v] as number;
      this.localTf[k * NF + f] = (this.localTf[k * NF + f] as number) + 1;
    };
    const seq = this.sequenceOf(slot);
    for (let i = 0, f = 0; i < seq.length; i++) {
      const v = seq[i] as number;
      if (v === SEQ_BREAK) f++;
      else count(v, f);
    }
    const wholes = this.wholesOf(slot);
    for (let i = 0; i < wholes.length; i++) {
      const c = wholes[i] as number;
      count((c / NF) | 0, c % NF);
    }
    const inv = new Float64Array(NF);
    for (let g = 0; g < NF; g++) {
      const b = FIELD_B[g] ?? 0.5;
      inv[g] = (FIELD_WEIGHT[g] ?? 1) / (1 - b + (b * (this.fieldLen.data[slot * NF + g] ?? 0)) / (this.avgLen[g] || 1));
    }
    const slots = new Int32Array(n);
    const words: string[] = new Array<string>(n);
    const tf = this.localTf;
    for (let k = 0; k < n; k++) {
      let x = 0;
      for (let g = 0; g < NF; g++) {
        const c = tf[k * NF + g] as number;
        if (c > 0) x += c * (inv[g] as number);
      }
      slots[k] = impactSlot(x);
      words[k] = this.terms[this.localIds[k] as number] ?? "";
    }
    this.flex.add(slot, words, slots);
  }

  /** Removes a document; returns false when it was not indexed. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    const restricted = this.meta[slot]?.restricted === true;
    this.meta[slot] = null;
    this.restrictedSlots.delete(slot);
    this.generation++;
    if (!restricted) for (let f = 0; f < NF; f++) this.sumLen[f] = (this.sumLen[f] ?? 0) - (this.fieldLen.data[slot * NF + f] ?? 0);
    const seen = new Set<number>();
    const seq = this.sequenceOf(slot);
    for (let i = 0; i < seq.length; i++) if ((seq[i] as number) >= 0) seen.add(seq[i] as number);
    const wholes = this.wholesOf(slot);
    for (let i = 0; i < wholes.length; i++) seen.add(((wholes[i] as number) / NF) | 0);
    for (const v of seen) this.dfs.data[v] = (this.dfs.data[v] ?? 0) - 1;
    const surfs = this.surfacesOf(slot);
    for (let i = 0; i < surfs.length; i++) {
      const sid = surfs[i] as number;
      this.surfaceDfs.data[sid] = (this.surfaceDfs.data[sid] ?? 0) - 1;
    }
    for (let k = this.facetOff.data[slot] ?? 0, to = this.facetOff.data[slot + 1] ?? 0; k < to; k++) {
      const c = this.facetVals.data[k] as number;
      this.facetDfs.data[c] = (this.facetDfs.data[c] ?? 0) - 1;
    }
    this.summaries[slot] = "";
    this.bodies[slot] = "";
    this.live--;
    this.dead++;
    this.changedSinceFreeze = true;
    return true;
  }

  /**
   * Whether enough has changed since the last compaction that rebuilding flexsearch pays off: many removed slots, field
   * lengths drifted from the averages the impacts were computed with, or an index so small it costs nothing.
   */
  needsCompaction(): boolean {
    if (this.changedSinceFreeze && this.meta.length <= SMALL_INDEX) return true;
    if (this.dead > Math.max(64, this.live * 0.2)) return true;
    for (let f = 0; f < NF; f++) {
      const avg = this.currentAverage(f);
      const frozen = this.avgLen[f] ?? 0;
      if (frozen >= 1 && Math.abs(avg - frozen) > 0.1 * frozen) return true;
    }
    return false;
  }

  /** Whether documents changed since the field averages were frozen (small indexes then rebuild flexsearch). */
  changedSinceFreeze = false;

  /** Drops removed slots (slots are renumbered) and rebuilds flexsearch with fresh field averages. */
  compact(): void {
    const oldMeta = this.meta;
    const meta: DocMeta[] = [];
    const startedMs = new FloatList(Math.max(8, this.live));
    const facetOff = IntList.from(Int32Array.of(0));
    const facetVals = new IntList(Math.max(8, this.facetVals.length));
    const seqOff = IntList.from(Int32Array.of(0));
    const seq = new ByteList(Math.max(64, this.seq.length));
    const wholeOff = IntList.from(Int32Array.of(0));
    const wholes = new ByteList(Math.max(64, this.wholes.length));
    const pairOff = IntList.from(Int32Array.of(0));
    const pairs = new ByteList(Math.max(64, this.pairs.length));
    const surfOff = IntList.from(Int32Array.of(0));
    const surfs = new ByteList(Math.max(64, this.surfs.length));
    const fieldLen = new IntList(Math.max(8, this.live * NF));
    const titleOff = IntList.from(Int32Array.of(0));
    const titleToks = new IntList(Math.max(8, this.titleToks.length));
    const summaries: string[] = [];
    const bodies: string[] = [];
    this.sumLen.fill(0);
    this.restrictedSlots.clear();
    for (let s = 0; s < oldMeta.length; s++) {
      const m = oldMeta[s];
      if (!m) continue;
      meta.push(m);
      startedMs.push(this.startedMs.data[s] ?? NaN);
      for (let i = this.facetOff.data[s] ?? 0, to = this.facetOff.data[s + 1] ?? 0; i < to; i++) facetVals.push(this.facetVals.data[i] ?? 0);
      facetOff.push(facetVals.length);
      seq.append(this.seq.data.subarray(this.seqOff.data[s] ?? 0, this.seqOff.data[s + 1] ?? 0));
      seqOff.push(seq.length);
      wholes.append(this.wholes.data.subarray(this.wholeOff.data[s] ?? 0, this.wholeOff.data[s + 1] ?? 0));
      wholeOff.push(wholes.length);
      pairs.append(this.pairs.data.subarray(this.pairOff.data[s] ?? 0, this.pairOff.data[s + 1] ?? 0));
      pairOff.push(pairs.length);
      surfs.append(this.surfs.data.subarray(this.surfOff.data[s] ?? 0, this.surfOff.data[s + 1] ?? 0));
      surfOff.push(surfs.length);
      for (let i = this.titleOff.data[s] ?? 0, to = this.titleOff.data[s + 1] ?? 0; i < to; i++) titleToks.push(this.titleToks.data[i] ?? 0);
      titleOff.push(titleToks.length);
      if (m.restricted) this.restrictedSlots.add(meta.length - 1);
      for (let f = 0; f < NF; f++) {
        const len = this.fieldLen.data[s * NF + f] ?? 0;
        fieldLen.push(len);
        if (!m.restricted) this.sumLen[f] = (this.sumLen[f] ?? 0) + len;
      }
      summaries.push(this.summaries[s] ?? "");
      bodies.push(this.bodies[s] ?? "");
    }
    this.meta = meta;
    this.startedMs = startedMs;
    this.facetOff = facetOff;
    this.facetVals = facetVals;
    this.seqOff = seqOff;
    this.seq = seq;
    this.wholeOff = wholeOff;
    this.wholes = wholes;
    this.pairOff = pairOff;
    this.pairs = pairs;
    this.surfOff = surfOff;
    this.surfs = surfs;
    this.fieldLen = fieldLen;
    this.titleOff = titleOff;
    this.titleToks = titleToks;
    this.summaries = summaries;
    this.bodies = bodies;
    this.slotOf.clear();
    meta.forEach((m, i) => this.slotOf.set(m.id, i));
    this.dead = 0;
    this.live = meta.length;
    this.changedSinceFreeze = false;
    this.generation++;
    this.flex = new ImpactFlex();
    this.freezeAverages();
    this.pending = meta.map((_, i) => i);
    this.flushPending();
    this.trim();
  }

  /** Token sequence of a slot (term ids, SEQ_BREAK between fields); valid until the next decode. */
  sequenceOf(slot: number): Int32Array {
    return this.decoder.decode(this.seq.data, this.seqOff.data[slot] ?? 0, this.seqOff.data[slot + 1] ?? 0, true);
  }

  /** Compound wholes of a slot as id·NF + field; valid until the next decode. */
  wholesOf(slot: number): Int32Array {
    return this.decoder.decode(this.wholes.data, this.wholeOff.data[slot] ?? 0, this.wholeOff.data[slot + 1] ?? 0, false);
  }

  /** Distinct surface ids of a slot; valid until the next decode. */
  surfacesOf(slot: number): Int32Array {
    return this.decoder.decode(this.surfs.data, this.surfOff.data[slot] ?? 0, this.surfOff.data[slot + 1] ?? 0, false);
  }

  /**
   * What a viewer's search may use: the statistics of the index as if the `hidden` slots (sorted) were not in it.
   * Cached per hidden set until the index changes; viewers fall into few access levels.
   */
  view(hidden: readonly number[] = []): IndexView {
    if (this.viewGeneration !== this.generation) {
      this.views.clear();
      this.viewGeneration = this.generation;
    }
    const key = hidden.join(",");
    let v = this.views.get(key);
    if (!v) {
      if (this.views.size >= MAX_VIEWS) this.views.clear();
      v = new IndexView(this, hidden);
      this.views.set(key, v);
    }
    return v;
  }
  private viewGeneration = -1;

  private seqBuf: Buffer | null = null;

  /**
   * Whether a slot's sequence holds `pattern` (a phrase's varint bytes, see phrasePattern): a byte search (memmem) on
   * the coded sequence, accepted only where the match starts a varint; documents whose pair filter lacks one of the
   * phrase's adjacent pairs are answered without it.
   */
  containsPattern(slot: number, phrase: PhrasePattern): boolean {
    if (!this.mayContain(slot, phrase)) return false;
    const pattern = phrase.bytes;
    if (!this.seqBuf || this.seqBuf.buffer !== this.seq.data.buffer) this.seqBuf = Buffer.from(this.seq.data.buffer, this.seq.data.byteOffset, this.seq.data.byteLength);
    const from = this.seqOff.data[slot] ?? 0;
    const to = this.seqOff.data[slot + 1] ?? 0;
    // A view bounded to the slot: indexOf on the whole buffer would scan every later document when there is no match.
    const buf = this.seqBuf.subarray(from, to);
    for (let j = buf.indexOf(pattern); j >= 0; j = buf.indexOf(pattern, j + 1)) {
      if (j === 0 || (buf[j - 1] as number) < 0x80) return true;
    }
    return false;
  }

  /** Whether a slot's pair filter has every adjacent pair of the phrase (false: the slot certainly lacks it). */
  mayContain(slot: number, phrase: PhrasePattern): boolean {
    return mayHavePairs(this.pairs.data, this.pairOff.data[slot] ?? 0, this.pairOff.data[slot + 1] ?? 0, phrase.pairs);
  }

  /** The coded bytes of a phrase's term ids and its adjacent pairs, for containsPattern. */
  static phrasePattern(ids: readonly number[]): PhrasePattern {
    const b = new ByteList(ids.length * 5);
    for (const id of ids) b.pushToken(id);
    return { ids: Int32Array.from(ids), bytes: Buffer.from(b.data.subarray(0, b.length)), pairs: phrasePairs(ids) };
  }

  /** Live slots having each facet code (built on first use per generation): the postings of a facet value. */
  facetPostings(code: number): Int32Array {
    if (this.facetPostingsGeneration !== this.generation || !this.facetPostingList) {
      const lists: number[][] = this.valueOf.map(() => []);
      for (let s = 0; s < this.meta.length; s++) {
        if (!this.meta[s]) continue;
        for (let k = this.facetOff.data[s] ?? 0, to = this.facetOff.data[s + 1] ?? 0; k < to; k++) lists[this.facetVals.data[k] as number]?.push(s);
      }
      this.facetPostingList = lists.map((l) => Int32Array.from(l));
      this.facetPostingsGeneration = this.generation;
    }
    return this.facetPostingList[code] ?? new Int32Array(0);
  }
  private facetPostingList: Int32Array[] | null = null;
  private facetPostingsGeneration = -1;

  /** Whether a slot has a facet code. */
  hasFacet(slot: number, code: number): boolean {
    for (let k = this.facetOff.data[slot] ?? 0, to = this.facetOff.data[slot + 1] ?? 0; k < to; k++) if (this.facetVals.data[k] === code) return true;
    return false;
  }

  /** Summary and plain body text of a slot, for snippets. */
  textOf(slot: number): { summary: string; body: string } {
    return { summary: this.summaries[slot] ?? "", body: this.bodies[slot] ?? "" };
  }

  /** Surfaces in sorted order (built on first use, kept sorted on insert). */
  sortedSurfaces(): string[] {
    this.sorted ??= [...this.surfaceIds.keys()].sort();
    return this.sorted;
  }

  /**
   * Whether some vocabulary word begins (`end` false) or ends (`end` true) with the first, respectively last, two or
   * three letters of `s` (a hashed bit set, built on first use, kept on insert; a false "yes" only costs the scan it
   * would have saved). A typo lookup reads a sorted range only when it can hold a word: a word nothing begins or ends
   * like, the usual "not found", costs no binary search.
   */
  mayHaveAffix(s: string, end: boolean): boolean {
    if (!this.affixBits) {
      const bits = new Uint8Array(AFFIX_BITS >>> 3);
      for (const surface of this.surfaceIds.keys()) addAffixes(bits, surface);
      this.affixBits = bits;
    }
    const n = Math.min(3, s.length);
    if (n < 2) return true;
    const b = affixBit(s, end ? s.length - n : 0, n, end);
    return ((this.affixBits[b >>> 3] as number) & (1 << (b & 7))) !== 0;
  }
  private affixBits: Uint8Array | null = null;

  /** Reversed surfaces in sorted order, for suffix lookups. */
  sortedReversed(): string[] {
    this.sortedRev ??= [...this.surfaceIds.keys()].map(reverseString).sort();
    return this.sortedRev;
  }

  /** Restores a persisted index (see persist.ts). */
  static restore(parts: RestoreParts): SearchIndex {
    const ix = new SearchIndex();
    ix.meta = parts.meta;
    parts.meta.forEach((m, i) => {
      if (m) ix.slotOf.set(m.id, i);
    });
    ix.live = ix.slotOf.size;
    ix.dead = parts.meta.length - ix.live;
    ix.startedMs = new FloatList(Math.max(8, parts.meta.length));
    for (const m of parts.meta) ix.startedMs.push(m?.startedAt ? Date.parse(m.startedAt) : NaN);
    ix.facetOff = IntList.from(parts.facetOff);
    ix.facetVals = IntList.from(parts.facetVals);
    ix.seqOff = IntList.from(parts.seqOff);
    ix.seq = ByteList.from(parts.seq);
    ix.wholeOff = IntList.from(parts.wholeOff);
    ix.wholes = ByteList.from(parts.wholes);
    ix.pairOff = IntList.from(parts.pairOff);
    ix.pairs = ByteList.from(parts.pairs);
    ix.surfOff = IntList.from(parts.surfOff);
    ix.surfs = ByteList.from(parts.surfs);
    ix.fieldLen = IntList.from(parts.fieldLen);
    ix.titleOff = IntList.from(parts.titleOff);
    ix.titleToks = IntList.from(parts.titleToks);
    for (let s = 0; s < parts.meta.length; s++) {
      const m = parts.meta[s];
      if (!m) continue;
      if (m.restricted) {
        ix.restrictedSlots.add(s);
        continue;
      }
      for (let f = 0; f < NF; f++) ix.sumLen[f] = (ix.sumLen[f] ?? 0) + (parts.fieldLen[s * NF + f] ?? 0);
    }
    ix.avgLen.set(parts.avgLen);
    ix.summaries = parts.summaries;
    ix.bodies = parts.bodies;
    for (const [i, t] of parts.terms.entries()) {
      ix.terms.push(t);
      ix.termId.set(t, i);
    }
    ix.dfs = IntList.from(parts.dfs);
    parts.surfaces.forEach((s, i) => ix.surfaceIds.set(s, i));
    ix.surfaceTerm = IntList.from(parts.surfaceTerms);
    ix.surfaceDfs = IntList.from(parts.surfaceDfs);
    for (const [facet, value] of parts.facetValues) ix.facetCode(facet, value);
    for (let s = 0; s < parts.meta.length; s++) {
      if (!parts.meta[s]) continue;
      for (let k = parts.facetOff[s] ?? 0, to = parts.facetOff[s + 1] ?? 0; k < to; k++) {
        const c = parts.facetVals[k] as number;
        ix.facetDfs.data[c] = (ix.facetDfs.data[c] ?? 0) + 1;
      }
    }
    ix.factorNames = new Map(parts.factorNames);
    ix.factorLabels = new Map(parts.factorLabels);
    ix.flex.restore(parts.postings, parts.registered);
    return ix;
  }
}

/** A phrase as containsPattern checks it: its coded term ids and the hashes of its adjacent pairs (pair-filter.ts). */
export interface PhrasePattern {
  ids: Int32Array;
  bytes: Buffer;
  pairs: Uint32Array;
}

/** Bits of the affix set (32 KB): some ten thousand distinct beginnings and endings leave most bits clear. */
const AFFIX_BITS = 1 << 18;

/** The bit of the `n` letters of `s` from `at`, as a beginning or an ending. */
function affixBit(s: string, at: number, n: number, end: boolean): number {
  let h = end ? 0x9e3779b9 : 0x811c9dc5;
  h = Math.imul(h ^ n, 0x01000193);
  for (let i = at; i < at + n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) & (AFFIX_BITS - 1);
}

/** Records a word's first and last two and three letters in the affix set. */
function addAffixes(bits: Uint8Array, surface: string): void {
  for (let n = 2; n <= 3 && n <= surface.length; n++) {
    const a = affixBit(surface, 0, n, false);
    const b = affixBit(surface, surface.length - n, n, true);
    bits[a >>> 3] = (bits[a >>> 3] as number) | (1 << (a & 7));
    bits[b >>> 3] = (bits[b >>> 3] as number) | (1 << (b & 7));
  }
}

function grownHashes(a: Uint32Array<ArrayBufferLike>): Uint32Array<ArrayBufferLike> {
  const next = new Uint32Array(a.length * 2);
  next.set(a);
  return next;
}

export interface RestoreParts {
  meta: (DocMeta | null)[];
  facetOff: Int32Array;
  facetVals: Int32Array;
  seqOff: Int32Array;
  seq: Uint8Array;
  wholeOff: Int32Array;
  wholes: Uint8Array;
  pairOff: Int32Array;
  pairs: Uint8Array;
  surfOff: Int32Array;
  surfs: Uint8Array;
  fieldLen: Int32Array;
  titleOff: Int32Array;
  titleToks: Int32Array;
  avgLen: Float64Array;
  summaries: string[];
  bodies: string[];
  terms: string[];
  dfs: Int32Array;
  surfaces: string[];
  surfaceTerms: Int32Array;
  surfaceDfs: Int32Array;
  facetValues: [number, string][];
  factorNames: [string, string][];
  factorLabels: [string, string][];
  /** The candidate stage's postings per term and its registered slots (persist.ts). */
  postings: [string, (number[] | undefined)[]][];
  registered: number[];
}

