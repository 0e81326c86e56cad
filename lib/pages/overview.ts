import "server-only";
import type { Viewer } from "../auth/viewer";
import { buildFollowupRows } from "../followups/rows";
import { followupRowsBuilt } from "../followups/visible-rows";
import { toRowData } from "./incident-row";
import { visibleContent, type VisibleContent } from "../knowledge/visible";
import { isOpen, startedMs } from "../knowledge/facts";
import { buildKnowledge } from "../knowledge/model";
import { taxonomyFileState } from "./factors";
import { processShared } from "../process-shared";

export type OverviewData = ReturnType<typeof computeOverview>;

function computeOverview(visible: VisibleContent, now: Date) {
  // Every figure comes from the knowledge model's overview (one definition of "started", "open", "overdue", the
  // 12-month window), so the cards and the monthly chart cannot disagree; buildKnowledge memoizes it on the visible
  // list and the day. The followup rows only give the overdue list its links: when the dashboard's rows are built
  // already they are filtered, otherwise only the overdue rows are built (a fraction of the work at 10,000 incidents,
  // and what keeps the first page after a restart from waiting for every countermeasure's recurrence facts).
  const ov = buildKnowledge({ incidents: visible.incidents, taxonomy: visible.snapshot.taxonomy }, now).overview();
  const overdue = (followupRowsBuilt(visible) ?? buildFollowupRows(visible.incidents, visible.snapshot.taxonomy, { now, policy: visible.snapshot.config.followups, overdueOnly: true }))
    .filter((r) => isOpen(r.status) && r.overdue)
    .sort((a, b) => b.daysOverdue - a.daysOverdue);
  const recent = visible.incidents
    .map((i) => ({ i, t: startedMs(i) ?? 0 }))
    .sort((a, b) => b.t - a.t)
    .slice(0, 6)
    .map((x) => x.i);
  return {
    byMonth: ov.byMonth,
    topFactors: ov.topFactors,
    totals: {
      incidents: ov.totals.incidents,
      lastYear: ov.totals.inWindow,
      sev1: ov.byMonth.reduce((n, m) => n + m.SEV1, 0),
      nearMisses: ov.totals.nearMisses,
    },
    countermeasures: ov.countermeasures,
    overdue: overdue.slice(0, 5).map((r) => ({ key: r.key, title: r.title, owner: r.owner, daysOverdue: r.daysOverdue, incidentId: r.incident.id, incidentTitle: r.incident.title })),
    recent: recent.map(toRowData),
    broken: visible.broken.length,
    taxonomyFile: taxonomyFileState(visible.snapshot.taxonomyProblems),
  };
}

// The figures only change with the content (a new visible list) or the hour ("last 12 months", overdue days).
// Shared with the start-up warm-up, which runs in another bundle layer (process-shared.ts).
const cache = processShared("pages.overview", () => new WeakMap<VisibleContent, { hour: number; data: OverviewData }>());

/** The home page: recent incidents, severity per month, countermeasures at a glance, most recurring factors. */
export async function getOverview(viewer: Viewer, now = new Date()): Promise<OverviewData> {
  const visible = await visibleContent(viewer);
  const hour = Math.floor(now.getTime() / 3_600_000);
  const hit = cache.get(visible);
  if (hit && hit.hour === hour) return hit.data;
  const data = computeOverview(visible, now);
  cache.set(visible, { hour, data });
  return data;
}
