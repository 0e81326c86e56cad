import { median } from "../knowledge/metrics";
import { COUNTERMEASURE_STATUSES, COUNTERMEASURE_TYPES, type CountermeasureStatus, type CountermeasureType } from "../schema/incident";
import { addDays, daysBetween, defaultTimeZone, localDate, toLocalDate } from "../knowledge/dates";
import { isOpen } from "../knowledge/facts";
import { type FollowupOptions, type FollowupRow } from "./rows";
import { NO_TEAM } from "./order";

export interface MonthPoint {
  /** YYYY-MM */
  month: string;
  /** Countermeasures open or in progress at the end of the month (today for the current month). */
  open: number;
  /** Countermeasures done by the end of the month (cumulative). */
  done: number;
}

export interface FollowupSummary {
  total: number;
  byStatus: Record<CountermeasureStatus, number>;
  /** Open or in progress. */
  open: number;
  overdue: number;
  /** Done with done_at in the last 90 days, today included. */
  doneLast90Days: number;
  /** Median calendar days from createdAt to done_at, per type; null when none is done. */
  medianDaysToDone: Record<CountermeasureType, number | null>;
  /** Done countermeasures with done_at on or before the due date. */
  onTime: { done: number; onTime: number; share: number | null };
  /** The last 12 months, oldest first, the current month last. */
  monthly: MonthPoint[];
  /** Overdue countermeasures per incident team (an incident with several teams counts for each), most first. */
  overdueByTeam: { team: string; overdue: number }[];
}

function monthEnd(month: string): string {
  const [y, m] = month.split("-").map(Number);
  const next = m === 12 ? `${(y ?? 0) + 1}-01-01` : `${y}-${String((m ?? 0) + 1).padStart(2, "0")}-01`;
  return addDays(next, -1);
}

function lastMonths(today: string, n: number): string[] {
  const [y, m] = today.split("-").map(Number);
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const idx = (y ?? 0) * 12 + ((m ?? 1) - 1) - i;
    out.push(`${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`);
  }
  return out;
}

/** Headline figures for the countermeasure dashboard, from all (visible) rows. */
export function summarizeFollowups(rows: readonly FollowupRow[], options: FollowupOptions = {}): FollowupSummary {
  const timeZone = options.timeZone ?? defaultTimeZone();
  const today = localDate(options.now ?? new Date(), timeZone);
  const doneDate = (r: FollowupRow) => (r.done_at ? toLocalDate(r.done_at, timeZone) : null);

  const byStatus = Object.fromEntries(COUNTERMEASURE_STATUSES.map((s) => [s, 0])) as Record<CountermeasureStatus, number>;
  const daysToDone = new Map<CountermeasureType, number[]>(COUNTERMEASURE_TYPES.map((t) => [t, []]));
  const overdueByTeam = new Map<string, number>();
  let doneLast90Days = 0;
  let doneWithDate = 0;
  let onTime = 0;

  for (const r of rows) {
    byStatus[r.status]++;
    if (r.overdue) {
      const teams = r.incident.teams.length ? new Set(r.incident.teams) : [NO_TEAM];
      for (const t of teams) overdueByTeam.set(t, (overdueByTeam.get(t) ?? 0) + 1);
    }
    const done = r.status === "done" ? doneDate(r) : null;
    if (!done) continue;
    const ago = daysBetween(done, today);
    if (ago >= 0 && ago < 90) doneLast90Days++;
    doneWithDate++;
    if (done <= r.dueDate) onTime++;
    if (r.createdDate) daysToDone.get(r.type)?.push(Math.max(0, daysBetween(r.createdDate, done)));
  }

  const monthly = lastMonths(today, 12).map((month) => {
    const end = monthEnd(month);
    const cut = end < today ? end : today;
    let open = 0;
    let done = 0;
    for (const r of rows) {
      if (r.status === "wont-do") continue; // closed at an unknown date: in neither series
      if (r.createdDate && r.createdDate > cut) continue;
      const d = r.status === "done" ? (doneDate(r) ?? r.createdDate ?? "") : null;
      if (d !== null && d <= cut) done++;
      else open++;
    }
    return { month, open, done };
  });

  return {
    total: rows.length,
    byStatus,
    open: rows.filter((r) => isOpen(r.status)).length,
    overdue: rows.filter((r) => r.overdue).length,
    doneLast90Days,
    medianDaysToDone: Object.fromEntries(COUNTERMEASURE_TYPES.map((t) => [t, median(daysToDone.get(t) ?? [])])) as Record<CountermeasureType, number | null>,
    onTime: { done: doneWithDate, onTime, share: doneWithDate ? onTime / doneWithDate : null },
    monthly,
    overdueByTeam: [...overdueByTeam].map(([team, overdue]) => ({ team, overdue })).sort((a, b) => b.overdue - a.overdue || a.team.localeCompare(b.team)),
  };
}
