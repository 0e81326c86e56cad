// The candidate stage: a flexsearch Index configured for pre-analyzed terms, with a score callback that files each
// (term, document) posting under the document's impact slot for that term (see ranking.ts).
import { Index } from "flexsearch";
import { IMPACT_LEVELS } from "./ranking";

export type FlexIndex = Index<false, false, true>;

const splitTerms = (s: string): string[] => s.split(" ");

interface Postings {
  map: Map<string, number[][]>;
  reg: Set<number>;
}

function plainLayout(flex: FlexIndex): Postings | null {
  const get = (k: string): unknown => Reflect.get(flex, k);
  const map = get("map");
  const reg = get("reg");
  const ctx = get("ctx");
  if (!(map instanceof Map) || !(reg instanceof Set) || !(ctx instanceof Map)) return null;
  if (get("tokenize") !== "strict" || get("depth") || get("fastupdate") || get("compress") || get("keystore") || get("db") || get("resolution") !== IMPACT_LEVELS) return null;
  return { map: map as Map<string, number[][]>, reg: reg as Set<number> };
}

/** What flexsearch's add does for one document of distinct, pre-encoded terms in the plain layout. */
function addPostings(p: Postings, slot: number, words: readonly string[], slots: Int32Array): void {
  const map = p.map;
  // flexsearch registers a document only when it has a term.
  if (!words.some((w) => w)) return;
  for (let k = 0; k < words.length; k++) {
    const word = words[k] as string;
    if (!word) continue;
    let buckets = map.get(word);
    if (!buckets) {
      buckets = [];
      map.set(word, buckets);
    }
    const level = slots[k] ?? IMPACT_LEVELS - 1;
    const ids = buckets[level];
    if (ids) ids.push(slot);
    else buckets[level] = [slot];
  }
  p.reg.add(slot);
}

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
    this.direct = plainLayout(this.flex);
  }

  /** Adds a document's distinct terms, `slots[k]` being the impact slot of `words[k]`. */
  add(slot: number, words: readonly string[], slots: Int32Array): void {
    const direct = this.direct;
    if (direct && !direct.reg.has(slot)) {
      addPostings(direct, slot, words, slots);
      return;
    }
    this.slots = slots;
    this.flex.add(slot, words.join(" "));
    this.slots = new Int32Array(0);
  }

  /**
   * flexsearch's term map and register when the index has the plain layout this class configures (one map of term →
   * postings per resolution slot, a set of ids; no context, compression, keystore, fast update or database). Then add()
   * files postings straight into them, exactly where flexsearch's own add would (tests/unit/search-impact-flex.test.ts
   * compares the two exports): its per-document string join, split, duplicate object and score callback were half of a
   * cold build. Any other shape (a flexsearch that changed inside) takes flexsearch's own add.
   */
  private readonly direct: Postings | null;

  /** The same index filled through flexsearch's own add only (for the test that compares the two). */
  static viaFlexsearchAdd(): ImpactFlex {
    const f = new ImpactFlex();
    Reflect.set(f, "direct", null);
    return f;
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

  /** Whether a slot was added (flexsearch's register; persist.ts keeps it). */
  registered(slot: number): boolean {
    return this.flex.contain(slot);
  }

  /**
   * Restores postings read back by persist.ts: `entries` are [term, postings per impact slot] as postings() gives them,
   * `reg` the registered slots. Goes through flexsearch's import, which takes the parsed form of its own export.
   */
  restore(entries: [string, (number[] | undefined)[]][], reg: number[]): void {
    this.flex.import("reg", reg as never);
    this.flex.import("map", entries as never);
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
