import "server-only";
import type { Viewer } from "../auth/viewer";
import { buildFollowupRows } from "../followups/rows";
import { followupRowsBuilt } from "../followups/visible-rows";
import { toRowData } from "./incident-row";
import { viewerKey, visibleContent, type VisibleContent } from "../knowledge/visible";
import { isOpen, startedMs } from "../knowledge/facts";
import { buildKnowledge } from "../knowledge/model";
import { taxonomyFileState } from "./factors";
import { processShared } from "../process-shared";
import { buildId, cacheDirFor } from "../content";
import { defaultTimeZone } from "../knowledge/dates";
import { OverviewFile } from "./overview-file";
import path from "node:path";
import { z } from "zod";

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

const count = z.number();
/** The shape of the figures, checked when they are read back from disk. */
export const overviewSchema = z.object({
  byMonth: z.array(z.object({ month: z.string(), total: count, SEV1: count, SEV2: count, SEV3: count, SEV4: count, none: count })),
  topFactors: z.array(z.object({ factor: z.string(), name: z.string(), category: z.string(), incidents: count, teams: count, recurrences: count, lastSeen: z.string().nullable() })),
  totals: z.object({ incidents: count, lastYear: count, sev1: count, nearMisses: count }),
  countermeasures: z.object({ open: count, done: count, overdue: count }),
  overdue: z.array(z.object({ key: z.string(), title: z.string(), owner: z.string(), daysOverdue: count, incidentId: z.string(), incidentTitle: z.string() })),
  recent: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      summary: z.string(),
      severity: z.string().optional(),
      status: z.string(),
      kind: z.string(),
      visibility: z.string(),
      groups: z.array(z.string()),
      teams: z.array(z.string()),
      services: z.array(z.string()),
      startedAt: z.string().optional(),
    }),
  ),
  broken: count,
  taxonomyFile: z.object({ state: z.enum(["ok", "missing", "broken"]), problems: z.array(z.string()) }),
}) satisfies z.ZodType<OverviewData>;

// The figures only change with the content (a new visible list) or the hour ("last 12 months", overdue days).
// Shared with the start-up warm-up, which runs in another bundle layer (process-shared.ts).
const cache = processShared("pages.overview", () => new WeakMap<VisibleContent, { hour: number; data: OverviewData }>());

/** The server's home page cache on disk (production builds only: it belongs to one build of the code). */
function serverOverviewFile(): OverviewFile<OverviewData> | null {
  return processShared("pages.overviewFile", () => {
    const build = buildId();
    return build ? new OverviewFile(path.join(cacheDirFor(), "overview.json"), build, overviewSchema) : null;
  });
}

/**
 * What the home page's figures depend on: the commit they were computed from, who they were computed for (role and
 * groups, so an access level only ever gets its own figures), the time zone and the hour. Null when they must not
 * outlive the process: no commit yet, or a file whose problem is the moment's (Problem.retry) counted as broken.
 */
export function overviewKey(visible: VisibleContent, viewer: Viewer, now: Date): string | null {
  const { head, broken } = visible.snapshot;
  if (!head || broken.some((b) => b.problems.some((p) => p.retry))) return null;
  return [head, viewerKey(viewer), defaultTimeZone(), Math.floor(now.getTime() / 3_600_000)].join("|");
}

/**
 * The home page: recent incidents, severity per month, countermeasures at a glance, most recurring factors. After a
 * restart the figures of the same commit, access level and hour come from `file` instead of every incident.
 */
export async function getOverview(viewer: Viewer, now = new Date(), file: OverviewFile<OverviewData> | null = serverOverviewFile()): Promise<OverviewData> {
  const visible = await visibleContent(viewer);
  const hour = Math.floor(now.getTime() / 3_600_000);
  const hit = cache.get(visible);
  if (hit && hit.hour === hour) return hit.data;
  const key = file ? overviewKey(visible, viewer, now) : null;
  const stored = key && file ? await file.get(key) : null;
  const data = stored ?? computeOverview(visible, now);
  cache.set(visible, { hour, data });
  if (key && file && !stored) file.put(key, data);
  return data;
}
