import "server-only";
import type { Viewer } from "./auth/viewer";
import { followupRowsFor, toRowData, visibleContent, startedAt } from "./incidents";
import { overview } from "./knowledge/overview";

/** The home page: recent incidents, severity per month, countermeasures at a glance, most recurring factors. */
export async function getOverview(viewer: Viewer, now = new Date()) {
  const visible = await visibleContent(viewer);
  const ov = overview(visible.incidents, visible.snapshot.taxonomy, now);
  const rows = followupRowsFor(visible);
  const open = rows.filter((r) => r.status === "open" || r.status === "in-progress");
  const overdue = open.filter((r) => r.overdue).sort((a, b) => b.daysOverdue - a.daysOverdue);
  const recent = [...visible.incidents].sort((a, b) => (Date.parse(startedAt(b.frontmatter) ?? "") || 0) - (Date.parse(startedAt(a.frontmatter) ?? "") || 0)).slice(0, 6);
  const since = now.getTime() - 365 * 86_400_000;
  const lastYear = visible.incidents.filter((i) => (Date.parse(startedAt(i.frontmatter) ?? "") || 0) >= since);
  return {
    byMonth: ov.byMonth,
    topFactors: ov.topFactors,
    totals: { incidents: visible.incidents.length, lastYear: lastYear.length, sev1: lastYear.filter((i) => i.frontmatter.severity === "SEV1").length, nearMisses: ov.totals.nearMisses },
    countermeasures: { open: open.length, overdue: overdue.length, done: rows.filter((r) => r.status === "done").length },
    overdue: overdue.slice(0, 5).map((r) => ({ key: r.key, title: r.title, owner: r.owner, daysOverdue: r.daysOverdue, incidentId: r.incident.id, incidentTitle: r.incident.title })),
    recent: recent.map(toRowData),
    broken: visible.broken.length,
  };
}
