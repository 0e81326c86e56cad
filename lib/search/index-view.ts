// What one viewer's search may use of the index: its statistics as if the documents they may not read were absent.
import { NF } from "./fields";
import type { SearchIndex } from "./search-index";

/**
 * The index as one viewer may use it: document, word and facet-value frequencies and the document count as if the
 * hidden slots were not indexed. The hidden ones are few (restricted incidents outside the viewer's groups), so their
 * counts are gathered once and subtracted; every figure is an integer count, so a viewer's idf, vocabulary and facet
 * lookups come out exactly as on an index built without those documents.
 */
export class IndexView {
  /** Live documents the viewer may read. */
  readonly live: number;
  // Hidden documents per term, surface and facet code; null when nothing is hidden. Typed arrays, not maps: building a
  // view touches every token of the hidden documents, and word lookups read them for each vocabulary word scanned.
  private readonly termHidden: Int32Array | null = null;
  private readonly surfaceHidden: Int32Array | null = null;
  private readonly facetHidden: Int32Array | null = null;
  /** 1 at each hidden slot; null when nothing is hidden. */
  private readonly hiddenMask: Uint8Array | null = null;

  constructor(
    readonly index: SearchIndex,
    readonly hidden: readonly number[],
  ) {
    this.live = index.live - hidden.length;
    if (hidden.length === 0) return;
    const mask = new Uint8Array(index.meta.length);
    for (const slot of hidden) mask[slot] = 1;
    this.hiddenMask = mask;
    const terms = new Int32Array(index.terms.length);
    const surfaces = new Int32Array(index.surfaceTerm.length);
    const facets = new Int32Array(index.valueOf.length);
    // Last hidden slot (+1) that counted each term, so a term counts once per document.
    const mark = new Int32Array(index.terms.length);
    for (const slot of hidden) {
      const stamp = slot + 1;
      const count = (t: number) => {
        if (mark[t] === stamp) return;
        mark[t] = stamp;
        terms[t] = (terms[t] as number) + 1;
      };
      const seq = index.sequenceOf(slot);
      for (let i = 0; i < seq.length; i++) if ((seq[i] as number) >= 0) count(seq[i] as number);
      const wholes = index.wholesOf(slot);
      for (let i = 0; i < wholes.length; i++) count(((wholes[i] as number) / NF) | 0);
      const surfs = index.surfacesOf(slot);
      for (let i = 0; i < surfs.length; i++) surfaces[surfs[i] as number] = (surfaces[surfs[i] as number] as number) + 1;
      for (let k = index.facetOff.data[slot] ?? 0, to = index.facetOff.data[slot + 1] ?? 0; k < to; k++) {
        const c = index.facetVals.data[k] as number;
        facets[c] = (facets[c] as number) + 1;
      }
    }
    this.termHidden = terms;
    this.surfaceHidden = surfaces;
    this.facetHidden = facets;
  }

  /** Whether a slot is one of the hidden ones. */
  hides(slot: number): boolean {
    return this.hiddenMask !== null && this.hiddenMask[slot] === 1;
  }

  /** Readable documents containing a term. */
  df(term: number): number {
    return this.index.df(term) - (this.termHidden?.[term] ?? 0);
  }

  /** The id of an index term when a readable document has it. */
  termOf(term: string): number | undefined {
    const id = this.index.termId.get(term);
    return id !== undefined && this.df(id) > 0 ? id : undefined;
  }

  /** Whether a readable document has this vocabulary word (surface id). */
  hasSurface(sid: number): boolean {
    return (this.index.surfaceDfs.data[sid] ?? 0) - (this.surfaceHidden?.[sid] ?? 0) > 0;
  }

  /** Readable documents having a facet code. */
  facetDf(code: number): number {
    return (this.index.facetDfs.data[code] ?? 0) - (this.facetHidden?.[code] ?? 0);
  }
}

/**
 * Distinct hidden sets kept per index generation (access levels: admins, each combination of groups, the rest). A view
 * costs four bytes per term and per vocabulary word (about 1.5 MB at 10k incidents).
 */
export const MAX_VIEWS = 16;

