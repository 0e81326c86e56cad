import type { Taxonomy } from "../schema/taxonomy";
import type { Severity } from "../schema/incident";
import { filterRows, type FollowupFilters, type FollowupGroupBy, type FollowupSort } from "./filters";
import type { FollowupRow } from "./rows";

// The dashboard's order and grouping of rows, and the one call that filters and sorts them.

const SEVERITY_RANK: Record<Severity, number> = { SEV1: 0, SEV2: 1, SEV3: 2, SEV4: 3 };

const byDue = (a: FollowupRow, b: FollowupRow) => a.dueDate.localeCompare(b.dueDate) || a.due.localeCompare(b.due) || a.key.localeCompare(b.key);

/** Sorted copy: `due` soonest first, `age` oldest first, `severity` SEV1 first (then by due). */
export function sortRows(rows: readonly FollowupRow[], sort: FollowupSort = "due"): FollowupRow[] {
  const out = [...rows];
  if (sort === "due") return out.sort(byDue);
  if (sort === "age") {
    const t = (r: FollowupRow) => (r.createdAt ? Date.parse(r.createdAt) : Number.POSITIVE_INFINITY);
    return out.sort((a, b) => t(a) - t(b) || byDue(a, b));
  }
  const rank = (r: FollowupRow) => (r.incident.severity ? SEVERITY_RANK[r.incident.severity] : 9);
  return out.sort((a, b) => rank(a) - rank(b) || byDue(a, b));
}

export interface FollowupGroup {
  key: string;
  label: string;
  rows: FollowupRow[];
}

export const NO_TEAM = "(no team)";

/**
 * Groups rows (keeping their order inside each group) by owner, team or incident. A row whose incident has several
 * teams appears under each of them. Groups are ordered by label, "(no team)" last.
 */
export function groupRows(rows: readonly FollowupRow[], by: FollowupGroupBy): FollowupGroup[] {
  const groups = new Map<string, FollowupGroup>();
  const add = (key: string, label: string, row: FollowupRow) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, label, rows: [] }));
    g.rows.push(row);
  };
  for (const r of rows) {
    if (by === "owner") add(r.owner.toLowerCase(), r.owner, r);
    else if (by === "incident") add(r.incident.id, r.incident.title, r);
    else if (r.incident.teams.length === 0) add(NO_TEAM, NO_TEAM, r);
    else for (const t of new Set(r.incident.teams)) add(t, t, r);
  }
  return [...groups.values()].sort((a, b) => (a.key === NO_TEAM ? 1 : 0) - (b.key === NO_TEAM ? 1 : 0) || a.label.localeCompare(b.label));
}

const sortedCache = new WeakMap<readonly FollowupRow[], Map<FollowupSort, FollowupRow[]>>();

/** sortRows memoized on the list's identity: the rows of one snapshot are sorted once per order, not per request. */
function sortedOnce(rows: readonly FollowupRow[], sort: FollowupSort): FollowupRow[] {
  let bySort = sortedCache.get(rows);
  if (!bySort) sortedCache.set(rows, (bySort = new Map()));
  let sorted = bySort.get(sort);
  if (!sorted) bySort.set(sort, (sorted = sortRows(rows, sort)));
  return sorted;
}

/**
 * Rows for a dashboard in one call: filter, then sort. The order is the same as sorting the filtered rows (the sort is
 * stable), but the sort of the whole list is done once per list: at tens of thousands of rows it cost more than
 * everything else on the page.
 */
export function queryFollowups(rows: readonly FollowupRow[], filters: FollowupFilters, taxonomy?: Taxonomy): FollowupRow[] {
  return filterRows(sortedOnce(rows, filters.sort ?? "due"), filters, taxonomy);
}
