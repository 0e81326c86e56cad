import type { IncidentFrontmatter } from "../schema/incident";

export interface IncidentMetrics {
  /** Milliseconds from start to detection, mitigation and resolution; null when a time is missing. */
  timeToDetect: number | null;
  timeToMitigate: number | null;
  timeToResolve: number | null;
}

function between(a: string | undefined, b: string | undefined): number | null {
  if (!a || !b) return null;
  const d = Date.parse(b) - Date.parse(a);
  return Number.isFinite(d) && d >= 0 ? d : null;
}

/** Time to detect (detected − started), to mitigate (mitigated − started) and to resolve (resolved − started). */
export function incidentMetrics(fm: Pick<IncidentFrontmatter, "started_at" | "detected_at" | "mitigated_at" | "resolved_at">): IncidentMetrics {
  return {
    timeToDetect: between(fm.started_at, fm.detected_at),
    timeToMitigate: between(fm.started_at, fm.mitigated_at),
    timeToResolve: between(fm.started_at, fm.resolved_at),
  };
}

/** "45 min", "3 h 20 min", "2 d 4 h"; "—" for null. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const min = Math.round(ms / 60_000);
  if (min < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h < 48) return m ? `${h} h ${m} min` : `${h} h`;
  const d = Math.floor(h / 24);
  const rh = h % 24;
  return rh ? `${d} d ${rh} h` : `${d} d`;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
