import type { Knowledge } from "./model";

/** One factor in the recurring-factor report (`GET /api/factors`, `kaizen factors --json`). */
export interface FactorReportRow {
  factor: string;
  name: string;
  category: string;
  incidents: number;
  teams: string[];
  services: string[];
  countermeasures: { done: number; open: number; wontDo: number };
  recurrences: number;
  lastSeen: string | null;
}

/**
 * Every factor of the model (taxonomy factors, used or not, and unknown ids incidents use), most incidents first, then
 * by id: a stable order to page through. The model is built over what one viewer may read, so are the counts.
 */
export function factorReportRows(k: Knowledge): FactorReportRow[] {
  const rec = k.recurringIncidentCounts();
  return k
    .factorLinks()
    .map((l) => ({
      factor: l.factor,
      name: l.name,
      category: l.category,
      incidents: l.incidents.length,
      teams: l.teams.map((t) => t.name),
      services: l.services.map((s) => s.name),
      countermeasures: l.countermeasureCounts,
      recurrences: rec.get(l.factor) ?? 0,
      lastSeen: l.lastSeen,
    }))
    .sort((a, b) => b.incidents - a.incidents || (a.factor < b.factor ? -1 : a.factor > b.factor ? 1 : 0));
}
