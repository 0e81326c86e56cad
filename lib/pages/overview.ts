import "server-only";
import type { Viewer } from "../auth/viewer";
import { followupRowsFor } from "../followups/visible-rows";
import { toRowData } from "./incident-row";
import { visibleContent, type VisibleContent } from "../knowledge/visible";
import { isOpen, startedAt } from "../knowledge/facts";
import { buildKnowledge } from "../knowledge/model";
import { taxonomyFileState } from "./factors";

export type OverviewData = ReturnType<typeof computeOverview>;

function computeOverview(visible: VisibleContent, now: Date) {
  // buildKnowledge memoizes the model (and its overview) on the visible list and the day.
  const ov = buildKnowledge({ incidents: visible.incidents, taxonomy: visible.snapshot.taxonomy }, now).overview();
  const rows = followupRowsFor(visible);
  const open = rows.filter((r) => isOpen(r.status));
  const overdue = open.filter((r) => r.overdue).sort((a, b) => b.daysOverdue - a.daysOverdue);
  const started = (i: VisibleContent["incidents"][number]) => Date.parse(startedAt(i) ?? "") || 0;
  const recent = visible.incidents
    .map((i) => ({ i, t: started(i) }))
    .sort((a, b) => b.t - a.t)
    .slice(0, 6)
    .map((x) => x.i);
  const since = now.getTime() - 365 * 86_400_000;
  const lastYear = visible.incidents.filter((i) => started(i) >= since);
  return {
    byMonth: ov.byMonth,
    topFactors: ov.topFactors,
    totals: { incidents: visible.incidents.length, lastYear: lastYear.length, sev1: lastYear.filter((i) => i.frontmatter.severity === "SEV1").length, nearMisses: ov.totals.nearMisses },
    countermeasures: { open: open.length, overdue: overdue.length, done: rows.filter((r) => r.status === "done").length },
    overdue: overdue.slice(0, 5).map((r) => ({ key: r.key, title: r.title, owner: r.owner, daysOverdue: r.daysOverdue, incidentId: r.incident.id, incidentTitle: r.incident.title })),
    recent: recent.map(toRowData),
    broken: visible.broken.length,
    taxonomyFile: taxonomyFileState(visible.snapshot.taxonomyProblems),
  };
}

// The figures only change with the content (a new visible list) or the hour ("last 12 months", overdue days).
const cache = new WeakMap<VisibleContent, { hour: number; data: OverviewData }>();

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
