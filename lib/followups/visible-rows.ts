import "server-only";
import { performance } from "node:perf_hooks";
import type { VisibleContent } from "../knowledge/visible";
import { processShared } from "../process-shared";
import { buildFollowupRows, followupRowBuilder, type FollowupRow, type FollowupRowBuilder } from "./rows";

// Shared with the start-up warm-up, which runs in another bundle layer (process-shared.ts).
const followupCache = processShared("followups.visibleRows", () => new WeakMap<VisibleContent["incidents"], FollowupRow[]>());
/** Builds under way in the background (buildFollowupRowsInSteps), by visible list: a request finishes them. */
const underWay = processShared("followups.visibleRowsUnderWay", () => new WeakMap<VisibleContent["incidents"], FollowupRowBuilder>());

/** Countermeasure rows (overdue, recurrence after done) over exactly the incidents this viewer may see. */
export function followupRowsFor(visible: VisibleContent): FollowupRow[] {
  let rows = followupCache.get(visible.incidents);
  if (!rows) {
    // A background build of these rows has done part of the work: the rest is done here, never the whole again.
    const builder = underWay.get(visible.incidents) ?? followupRowBuilder(visible.incidents, visible.snapshot.taxonomy, { policy: visible.snapshot.config.followups });
    builder.step(Infinity);
    rows = builder.rows;
    underWay.delete(visible.incidents);
    followupCache.set(visible.incidents, rows);
  }
  return rows;
}

/** The rows followupRowsFor has built for this visible content, or null when it has not (nothing is computed). */
export function followupRowsBuilt(visible: VisibleContent): FollowupRow[] | null {
  return followupCache.get(visible.incidents) ?? null;
}

/**
 * The rows of one incident (its page), with recurrence counted over everything the viewer may see: taken from the
 * viewer's rows when they are built, otherwise built for this incident alone (not for every countermeasure).
 */
export function followupRowsOfIncident(visible: VisibleContent, incidentId: string): FollowupRow[] {
  const built = followupRowsBuilt(visible);
  if (built) return built.filter((r) => r.incident.id === incidentId);
  return buildFollowupRows(visible.incidents, visible.snapshot.taxonomy, { policy: visible.snapshot.config.followups, incidentIds: new Set([incidentId]) });
}

/**
 * Builds followupRowsFor's rows in slices of about `sliceMs` (`chunk` incidents at a time, at least one chunk) with
 * `pause()` awaited before each (the start-up warm-up: requests are served between slices). A request that needs the
 * rows meanwhile finishes the build itself; this then stops. Resolves when the rows are built, by either.
 */
export async function buildFollowupRowsInSteps(visible: VisibleContent, pause: () => Promise<unknown>, { sliceMs = 10, chunk = 16 } = {}): Promise<void> {
  if (followupCache.has(visible.incidents) || underWay.has(visible.incidents)) return;
  const builder = followupRowBuilder(visible.incidents, visible.snapshot.taxonomy, { policy: visible.snapshot.config.followups });
  underWay.set(visible.incidents, builder);
  for (;;) {
    await pause();
    // Finished by a request meanwhile (followupRowsFor), or taken over by nobody: either way this one is done.
    if (underWay.get(visible.incidents) !== builder) return;
    const until = performance.now() + sliceMs;
    let more = builder.step(chunk);
    while (more && performance.now() < until) more = builder.step(chunk);
    if (!more) break;
  }
  underWay.delete(visible.incidents);
  followupCache.set(visible.incidents, builder.rows);
}
