import "server-only";
import type { VisibleContent } from "../knowledge/visible";

/** Variants of one page kept per visible content (a factor page per factor, a dashboard per query): the most recent. */
const MAX_VARIANTS = 64;

/**
 * A page's data memoized on what decides it: the visible content (one access level at one snapshot, so a restricted
 * incident never reaches a viewer outside its groups through the memo), a key for the URL's variant, and the hour
 * (overdue days, "last 12 months" and similar only move with time). A new snapshot is a new VisibleContent, so a save
 * or a pull is seen at once; older entries go with their snapshot (WeakMap).
 */
export function pageMemo<T>(): (visible: VisibleContent, key: string, now: Date, compute: () => Promise<T>) => Promise<T> {
  const cache = new WeakMap<VisibleContent, Map<string, { hour: number; value: Promise<T> }>>();
  return (visible, key, now, compute) => {
    const hour = Math.floor(now.getTime() / 3_600_000);
    let byKey = cache.get(visible);
    if (!byKey) cache.set(visible, (byKey = new Map()));
    const hit = byKey.get(key);
    if (hit && hit.hour === hour) {
      // Most recently used last, so the oldest is the first to go.
      byKey.delete(key);
      byKey.set(key, hit);
      return hit.value;
    }
    const value = compute();
    byKey.set(key, { hour, value });
    // A failure is not kept: the next request computes again.
    value.catch(() => byKey.get(key)?.value === value && byKey.delete(key));
    while (byKey.size > MAX_VARIANTS) {
      const oldest = byKey.keys().next().value;
      if (oldest === undefined) break;
      byKey.delete(oldest);
    }
    return value;
  };
}
