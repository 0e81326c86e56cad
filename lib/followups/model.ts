import { z } from "zod";
import { Taxonomy } from "../schema/taxonomy";
import {
  COUNTERMEASURE_STATUSES,
  COUNTERMEASURE_TYPES,
  SEVERITIES,
  type Countermeasure,
  type IncidentFrontmatter,
  type IncidentStatus,
  type Severity,
} from "../schema/incident";
import { isCalendarDate } from "../schema/common";
import { daysBetween, defaultTimeZone, localDate, toLocalDate } from "../knowledge/dates";
import { isOpen, isOverdue, startedAt } from "../knowledge/facts";
import { addressedFactors } from "../knowledge/incident-view";
import { countermeasureRecurrence, type RecurrenceHit } from "../knowledge/recurrence";
import { EMPTY_FOLLOWUP_POLICY, type FollowupPolicy } from "../schema/followup-policy";
import { countermeasureOutcome, VERIFICATIONS, type CountermeasureOutcome } from "./effectiveness";
import { countermeasureBreaches, type PolicyBreach } from "./policy";

/** What the follow-up model needs of an incident (an IncidentDoc fits). */
export interface FollowupSource {
  id: string;
  frontmatter: IncidentFrontmatter;
}

export interface FollowupIncident {
  id: string;
  title: string;
  severity: Severity | null;
  teams: string[];
  services: string[];
  started_at: string | null;
  status: IncidentStatus;
  visibility: "internal" | "restricted";
}

export type FollowupRow = Countermeasure & {
  /** `<incidentId>#<cmId>`, unique across the knowledge base. */
  key: string;
  incident: FollowupIncident;
  /** When the countermeasure came into being: the incident's started_at, else its first timeline entry. */
  createdAt: string | null;
  /** createdAt as a calendar date in the organization's time zone. */
  createdDate: string | null;
  /** The due date as a calendar date in the organization's time zone. */
  dueDate: string;
  /** Open or in progress, and the end of the due day (or the due instant) has passed. */
  overdue: boolean;
  /** Whole calendar days past the due date; 0 unless overdue. */
  daysOverdue: number;
  /** Calendar days from today to the due date (negative once past). */
  dueInDays: number;
  /** Canonical ids of the factors it addresses. */
  factors: string[];
  /** For done countermeasures: the earliest later incidents (at most MAX_RECURRENCE_EXAMPLES) where an addressed factor appeared again. */
  recurredAfterDone: RecurrenceHit[];
  /** How many later incidents in all. */
  recurrenceCount: number;
  /** The addressed factors that appeared again after done. */
  recurredFactors: string[];
  /** How it falls short of the kaizen.yml followups policy (none without a policy). */
  breaches: PolicyBreach[];
  /** For done countermeasures: verified / unverified / failed, days without recurrence, whether to ask "did it hold?". */
  outcome: CountermeasureOutcome | null;
};

export interface FollowupOptions {
  now?: Date;
  /** IANA zone that due dates are read in; defaults to KAIZEN_TIME_ZONE, else UTC. */
  timeZone?: string;
  /** kaizen.yml `followups:`; without it nothing breaches. */
  policy?: FollowupPolicy;
}

function canonical(taxonomy: Taxonomy | undefined, id: string): string {
  return taxonomy?.canonicalId(id) ?? id;
}

// Without a taxonomy every factor id is its own canonical id; one shared instance keeps the recurrence index memoized.
const NO_TAXONOMY = Taxonomy.empty();

/** Flattens every incident's countermeasures into rows with due-date and recurrence facts, as plain data. */
export function buildFollowupRows(incidents: readonly FollowupSource[], taxonomy?: Taxonomy, options: FollowupOptions = {}): FollowupRow[] {
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? defaultTimeZone();
  const today = localDate(now, timeZone);
  const rows: FollowupRow[] = [];
  for (const inc of incidents) {
    const fm = inc.frontmatter;
    const createdAt = startedAt(inc);
    const incident: FollowupIncident = {
      id: inc.id,
      title: fm.title,
      severity: fm.severity ?? null,
      teams: fm.teams,
      services: fm.services,
      started_at: createdAt,
      status: fm.status,
      visibility: fm.visibility,
    };
    for (const cm of fm.countermeasures) {
      const dueDate = toLocalDate(cm.due, timeZone);
      const overdue = isOverdue(cm, now, timeZone);
      const dueInDays = daysBetween(today, dueDate);
      const factors = addressedFactors(cm, taxonomy ?? NO_TAXONOMY);
      const recurrence = countermeasureRecurrence(incidents, taxonomy ?? NO_TAXONOMY, inc.id, cm, timeZone);
      const createdDate = createdAt ? localDate(Date.parse(createdAt), timeZone) : null;
      const facts = { status: cm.status, done_at: cm.done_at, evidence: cm.evidence, verify_by: cm.verify_by, recurrenceCount: recurrence.count, recurredAfterDone: recurrence.hits };
      rows.push({
        ...cm,
        key: `${inc.id}#${cm.id}`,
        incident,
        createdAt,
        createdDate,
        dueDate,
        overdue,
        daysOverdue: overdue ? Math.max(0, -dueInDays) : 0,
        dueInDays,
        factors,
        recurredAfterDone: recurrence.hits,
        recurrenceCount: recurrence.count,
        recurredFactors: recurrence.factors,
        breaches: countermeasureBreaches(cm, { severity: incident.severity, createdDate }, options.policy ?? EMPTY_FOLLOWUP_POLICY, { today, timeZone }),
        outcome: countermeasureOutcome(facts, today, timeZone),
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Filters, parsed from URL search params. Every field is lenient: an unknown or malformed value is dropped rather
// than failing the page, so a hand-edited URL still shows something sensible.

export const FOLLOWUP_SORTS = ["due", "age", "severity"] as const;
export const FOLLOWUP_GROUPS = ["owner", "team", "incident"] as const;
export type FollowupSort = (typeof FOLLOWUP_SORTS)[number];
export type FollowupGroupBy = (typeof FOLLOWUP_GROUPS)[number];

type RawParams = Record<string, string[]>;

const listOf = <const T extends readonly string[]>(values: T) =>
  z
    .array(z.string())
    .optional()
    .transform((xs) => {
      const allowed = new Set<string>(values);
      const kept = [...new Set((xs ?? []).flatMap((x) => x.split(",")).map((x) => x.trim()))].filter((x): x is T[number] => allowed.has(x));
      return kept.length > 0 ? kept : undefined;
    });

const first = (xs: string[] | undefined) => xs?.find((x) => x.trim() !== "")?.trim();

const text = z
  .array(z.string())
  .optional()
  .transform(first)
  .pipe(z.string().max(200).optional())
  .catch(undefined);

const flag = z
  .array(z.string())
  .optional()
  .transform((xs) => {
    const v = first(xs)?.toLowerCase();
    return v === "1" || v === "true" || v === "on" || v === "yes" ? true : undefined;
  });

const days = z
  .array(z.string())
  .optional()
  .transform((xs) => {
    const v = first(xs);
    return v !== undefined && /^\d{1,4}$/.test(v) ? Number(v) : undefined;
  })
  .pipe(z.number().int().min(0).max(3650).optional())
  .catch(undefined);

const day = z
  .array(z.string())
  .optional()
  .transform(first)
  .pipe(z.string().refine(isCalendarDate).optional())
  .catch(undefined);

const oneOfOrUndefined = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.array(z.string()).optional().transform(first).pipe(z.enum(values).optional()).catch(undefined);

/** Dashboard filters as URL search params: repeated or comma-separated lists, `overdue=1`, `dueWithin=14`. */
export const followupFilterSchema = z.object({
  status: listOf(COUNTERMEASURE_STATUSES),
  type: listOf(COUNTERMEASURE_TYPES),
  owner: text,
  team: text,
  service: text,
  factor: text,
  severity: listOf(SEVERITIES),
  overdue: flag,
  /** Only countermeasures breaking the kaizen.yml followups policy. */
  breach: flag,
  /** Done countermeasures by what they have shown: verified, unverified, failed. */
  outcome: listOf(VERIFICATIONS),
  dueWithin: days,
  createdFrom: day,
  createdTo: day,
  sort: oneOfOrUndefined(FOLLOWUP_SORTS),
  group: oneOfOrUndefined(FOLLOWUP_GROUPS),
});

/** Every field optional: a page may also build filters by hand. */
export type FollowupFilters = Partial<z.infer<typeof followupFilterSchema>>;

export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

function toRawParams(input: SearchParamsInput): RawParams {
  const out: RawParams = {};
  if (input instanceof URLSearchParams) {
    for (const [k, v] of input) (out[k] ??= []).push(v);
  } else {
    for (const [k, v] of Object.entries(input)) {
      if (v === undefined) continue;
      out[k] = Array.isArray(v) ? v : [v];
    }
  }
  return out;
}

/** Parses dashboard filters from URLSearchParams or a Next.js `searchParams` object; never throws. */
export function parseFollowupFilters(searchParams: SearchParamsInput): FollowupFilters {
  const parsed = followupFilterSchema.safeParse(toRawParams(searchParams));
  return parsed.success ? parsed.data : followupFilterSchema.parse({});
}

/** The inverse of parseFollowupFilters, for links that keep the current filters. */
export function followupFiltersToSearchParams(filters: FollowupFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) p.set(k, v.join(","));
    else if (v === true) p.set(k, "1");
    else p.set(k, String(v));
  }
  return p;
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: "accent" }) === 0;

/**
 * Keeps the rows matching every given filter. `dueWithin: N` keeps open and in-progress countermeasures due in at
 * most N days, overdue ones included (they need attention even more). `factor` accepts an id, name or alias when a
 * taxonomy is given.
 */
export function filterRows(rows: readonly FollowupRow[], filters: FollowupFilters, taxonomy?: Taxonomy): FollowupRow[] {
  const factor = filters.factor ? (taxonomy?.resolveName(filters.factor) ?? canonical(taxonomy, filters.factor)) : undefined;
  return rows.filter((r) => {
    if (filters.status && !filters.status.includes(r.status)) return false;
    if (filters.type && !filters.type.includes(r.type)) return false;
    if (filters.severity && (!r.incident.severity || !filters.severity.includes(r.incident.severity))) return false;
    if (filters.owner && !same(r.owner, filters.owner)) return false;
    const team = filters.team;
    if (team && !r.incident.teams.some((t) => same(t, team))) return false;
    const service = filters.service;
    if (service && !r.incident.services.some((s) => same(s, service))) return false;
    if (factor && !r.factors.includes(factor)) return false;
    if (filters.overdue && !r.overdue) return false;
    if (filters.breach && r.breaches.length === 0) return false;
    if (filters.outcome && !(r.outcome && filters.outcome.includes(r.outcome.verification))) return false;
    if (filters.dueWithin !== undefined && !(isOpen(r.status) && r.dueInDays <= filters.dueWithin)) return false;
    if (filters.createdFrom && !(r.createdDate && r.createdDate >= filters.createdFrom)) return false;
    if (filters.createdTo && !(r.createdDate && r.createdDate <= filters.createdTo)) return false;
    return true;
  });
}

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
