import { z } from "zod";
import type { Taxonomy } from "../schema/taxonomy";
import { COUNTERMEASURE_STATUSES, COUNTERMEASURE_TYPES, SEVERITIES } from "../schema/incident";
import { isCalendarDate } from "../schema/common";
import { isOpen } from "../knowledge/facts";
import { VERIFICATIONS } from "./effectiveness";
import type { FollowupRow } from "./rows";

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

function canonical(taxonomy: Taxonomy | undefined, id: string): string {
  return taxonomy?.canonicalId(id) ?? id;
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
