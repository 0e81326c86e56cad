// A search predicate that knows which slots of an index it hides, so the engine needs no call per document. No imports:
// the engine reads it (lib/search/search.ts), lib/search/visibility.ts makes it.

/** What of a search index a visibility decision borrows ids from (SearchIndex has it). */
export interface IdSource {
  readonly meta: readonly ({ readonly id: string } | null)[];
  readonly generation: number;
}

/**
 * A `canSee` predicate that also knows, for the index its ids were taken from, exactly which slots it hides (the
 * slots whose id is not readable in the snapshot — also when the index lags the snapshot). The engine then decides
 * each candidate from that list, gathered once per access level, instead of calling the predicate per document.
 */
export interface SlotVisibility {
  readonly [HIDDEN_SLOTS]: { readonly source: IdSource | undefined; readonly generation: number; readonly slots: readonly number[] };
}
export type VisibilityPredicate = ((id: string) => boolean) & SlotVisibility;
export const HIDDEN_SLOTS = Symbol("kaizen.hiddenSlots");

/** The slots of `index` that `canSee` hides, when it was made for that very index and generation; else undefined. */
export function hiddenSlotsOf(canSee: ((id: string) => boolean) | undefined, index: IdSource): readonly number[] | undefined {
  const known = canSee && (canSee as Partial<SlotVisibility>)[HIDDEN_SLOTS];
  return known && known.source === index && known.generation === index.generation ? known.slots : undefined;
}
