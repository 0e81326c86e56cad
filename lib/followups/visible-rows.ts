import "server-only";
import type { VisibleContent } from "../knowledge/visible";
import { processShared } from "../process-shared";
import { buildFollowupRows, type FollowupRow } from "./rows";

// Shared with the start-up warm-up, which runs in another bundle layer (process-shared.ts).
const followupCache = processShared("followups.visibleRows", () => new WeakMap<VisibleContent["incidents"], FollowupRow[]>());

/** Countermeasure rows (overdue, recurrence after done) over exactly the incidents this viewer may see. */
export function followupRowsFor(visible: VisibleContent): FollowupRow[] {
  let rows = followupCache.get(visible.incidents);
  if (!rows) {
    rows = buildFollowupRows(visible.incidents, visible.snapshot.taxonomy, { policy: visible.snapshot.config.followups });
    followupCache.set(visible.incidents, rows);
  }
  return rows;
}

/** The rows followupRowsFor has built for this visible content, or null when it has not (nothing is computed). */
export function followupRowsBuilt(visible: VisibleContent): FollowupRow[] | null {
  return followupCache.get(visible.incidents) ?? null;
}
