import "server-only";
import type { VisibleContent } from "../knowledge/visible";
import { buildFollowupRows, type FollowupRow } from "./rows";

const followupCache = new WeakMap<VisibleContent["incidents"], FollowupRow[]>();

/** Countermeasure rows (overdue, recurrence after done) over exactly the incidents this viewer may see. */
export function followupRowsFor(visible: VisibleContent): FollowupRow[] {
  let rows = followupCache.get(visible.incidents);
  if (!rows) {
    rows = buildFollowupRows(visible.incidents, visible.snapshot.taxonomy, { policy: visible.snapshot.config.followups });
    followupCache.set(visible.incidents, rows);
  }
  return rows;
}
