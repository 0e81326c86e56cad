import "server-only";
import type { Viewer } from "../auth/viewer";
import { computeTrends, type Trends } from "../knowledge/trends";
import { visibleContent } from "../knowledge/visible";
import { SEVERITY_KEYS, type SeverityKey } from "../knowledge/incident-view";

export interface TrendsPageData extends Trends {
  /** Severities present in the duration figures, in severity order. */
  severities: SeverityKey[];
  /** Teams of the on-time table with their quarters. */
  teams: { team: string; byQuarter: Record<string, { onTime: number; late: number }> }[];
  onTimeQuarters: string[];
  incidents: number;
}

/** /trends: distributions per quarter and severity, repeat rate and on-time countermeasures, over what the viewer may read. */
export async function getTrends(viewer: Viewer, now = new Date()): Promise<TrendsPageData> {
  const visible = await visibleContent(viewer);
  const t = computeTrends(visible.incidents, visible.snapshot.taxonomy, { now });
  const present = new Set(Object.values(t.durations).flatMap((rows) => rows.flatMap((r) => r.points.map((p) => p.severity))));
  const teams = new Map<string, Record<string, { onTime: number; late: number }>>();
  for (const r of t.onTime) {
    let row = teams.get(r.team);
    if (!row) teams.set(r.team, (row = {}));
    row[r.quarter] = { onTime: r.onTime, late: r.late };
  }
  return {
    ...t,
    severities: SEVERITY_KEYS.filter((k) => present.has(k)),
    teams: [...teams].map(([team, byQuarter]) => ({ team, byQuarter })),
    onTimeQuarters: [...new Set(t.onTime.map((r) => r.quarter))].sort(),
    incidents: visible.incidents.length,
  };
}
