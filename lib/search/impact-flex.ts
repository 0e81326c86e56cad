// The candidate stage: a flexsearch Index configured for pre-analyzed terms, with a score callback that files each
// (term, document) posting under the document's impact slot for that term (see ranking.ts).
import { Index } from "flexsearch";
import { IMPACT_LEVELS } from "./ranking";

export type FlexIndex = Index<false, false, true>;

const splitTerms = (s: string): string[] => s.split(" ");

/** A flexsearch index plus the impacts of the document being added (flexsearch asks for them by term position). */
export class ImpactFlex {
  readonly flex: FlexIndex;
  // The score callback reads the slots of the document being added: add() is synchronous, so one field per index is
  // enough (and per index, not per module, so two indexes never see each other's impacts).
  private slots: Int32Array = new Int32Array(0);
  constructor() {
    this.flex = new Index({
      resolution: IMPACT_LEVELS,
      encode: splitTerms,
      score: (_content: string[], _term: string, i: number) => this.slots[i] ?? IMPACT_LEVELS - 1,
    });
  }

  /** Adds a document's distinct terms, `slots[k]` being the impact slot of `words[k]`. */
  add(slot: number, words: readonly string[], slots: Int32Array): void {
    this.slots = slots;
    this.flex.add(slot, words.join(" "));
    this.slots = new Int32Array(0);
  }

  /** A term's postings, grouped by impact slot (best first); undefined when the term is not indexed. */
  postings(term: string): ArrayLike<number>[] | undefined {
    if (!term) return undefined;
    const res = this.flex.search(term, { resolve: false }).result;
    return res.length > 0 ? (res as ArrayLike<number>[]) : undefined;
  }

  /** flexsearch's own export chunks (persist.ts). */
  export(handler: (key: string, data: string) => void): void {
    this.flex.export(handler);
  }

  import(key: string, data: string): void {
    this.flex.import(key, data);
  }

  /**
   * flexsearch grows its id arrays by push, which leaves a good part of each one unused; after a bulk load, exact copies
   * give that memory back. Reaches into the index's term map, so it checks the shape it expects and otherwise does nothing.
   */
  trim(): void {
    const map: unknown = Reflect.get(this.flex, "map");
    if (!(map instanceof Map)) return;
    for (const buckets of map.values()) {
      if (!Array.isArray(buckets)) continue;
      for (let i = 0; i < buckets.length; i++) {
        const ids: unknown = buckets[i];
        if (Array.isArray(ids)) buckets[i] = ids.slice();
      }
    }
  }
}
