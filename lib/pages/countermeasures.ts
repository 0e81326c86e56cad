import "server-only";
import { canAuthor, type Viewer } from "../auth/viewer";
import { countermeasureEffectiveness, type CountermeasureOutcome, type Effectiveness } from "../followups/effectiveness";
import { BREACH_LABEL, type BreachKind } from "../followups/policy";
import type { Evidence } from "../schema/incident";
import { calendarFeedLinks, type CalendarFeedLinks } from "../followups/feeds";
import type { FollowupRow } from "../followups/rows";
import { filterRows, followupFiltersToSearchParams, parseFollowupFilters, type FollowupFilters, type FollowupGroupBy, type SearchParamsInput } from "../followups/filters";
import { NO_TEAM, groupRows, queryFollowups } from "../followups/order";
import { summarizeFollowups, type FollowupSummary } from "../followups/summary";
import { followupRowsFor } from "../followups/visible-rows";
import { defaultTimeZone, daysBetween, localDate } from "../knowledge/dates";
import { isOpen } from "../knowledge/facts";
import { visibleContent, type VisibleContent } from "../knowledge/visible";
import { requestBaseUrl } from "../http";
import { pageOf } from "./incidents";
import { pageMemo } from "./page-memo";
import type { Taxonomy } from "../schema/taxonomy";
import { evidenceRequired } from "../schema/followup-policy";
import type { CountermeasureStatus, CountermeasureType, Severity } from "../schema/incident";

/** One countermeasure as the dashboard and review mode show it: plain data, safe to pass to client components. */
export interface CountermeasureItem {
  key: string;
  id: string;
  title: string;
  type: CountermeasureType;
  status: CountermeasureStatus;
  owner: string;
  due: string;
  dueDate: string;
  doneAt: string | null;
  ticket: string | null;
  /** The ticket as a link when it is an http(s) URL. */
  ticketUrl: string | null;
  overdue: boolean;
  daysOverdue: number;
  dueInDays: number;
  factors: { id: string; name: string }[];
  /** Later incidents where an addressed factor came back after this was done (earliest first). */
  recurred: { incidentId: string; title: string }[];
  recurrenceCount: number;
  incident: { id: string; title: string; severity: Severity | null; teams: string[]; restricted: boolean; groups: string[] };
  /** The incident file's blob: the base revision of an inline update. */
  incidentBlob: string;
  /** Proof recorded so far, oldest first (links were validated against the body's URL rules on read). */
  evidence: Evidence[];
  verifyBy: string | null;
  /** Breaches of the kaizen.yml followups policy. */
  breaches: { kind: BreachKind; label: string; message: string }[];
  /** For done ones: verified / unverified / failed and days without recurrence. */
  outcome: CountermeasureOutcome | null;
  /** Whether evidence is needed to mark it done (kaizen.yml). */
  evidenceRequired: boolean;
}

/** Policy breaches of the visible countermeasures, per team. */
export interface TeamBreaches {
  team: string;
  total: number;
  byKind: Record<BreachKind, number>;
}

export interface CountermeasureGroupView {
  key: string;
  label: string;
  items: CountermeasureItem[];
}

export interface CountermeasureFacets {
  owners: string[];
  teams: string[];
  services: string[];
  factors: { id: string; name: string }[];
}

export interface CountermeasuresPageData {
  filters: FollowupFilters;
  /** How many filters (other than sort and grouping) are set. */
  activeFilters: number;
  /** One page of the matching rows in the chosen order (open ones first unless a status is chosen). */
  items: CountermeasureItem[];
  /** Which page `items` is (1-based, clamped), of how many, and the 1-based positions of its first and last row. */
  page: { page: number; pages: number; first: number; last: number };
  /** Set when grouping is chosen. */
  groups: CountermeasureGroupView[] | null;
  matching: number;
  /** Every countermeasure the viewer may see. */
  total: number;
  /** Figures for the rows in scope: the filters except status, overdue and due-within (those would make them trivial). */
  summary: FollowupSummary;
  scoped: boolean;
  effectiveness: Effectiveness;
  /** Rows in scope breaking the followups policy, by team (most first); empty without a policy. */
  breachesByTeam: TeamBreaches[];
  /** Whether kaizen.yml sets any followups target or evidence rule. */
  hasPolicy: boolean;
  facets: CountermeasureFacets;
  canEdit: boolean;
  /** The current filters as a query string (no leading ?), for export and review links. */
  query: string;
  /** The scope filters only, for the review link. */
  scopeQuery: string;
  today: string;
  /** The viewer's personal calendar feed; null without a local account. */
  feed: CalendarFeedLinks | null;
}

/** Rows rendered on one dashboard page (`?page=N` for the others; the CSV export has them all at once). */
export const COUNTERMEASURES_PAGE_SIZE = 50;
/** Done countermeasures asking "did it hold?" listed on the review page (soonest verify-by first). */
export const HOLD_PROMPTS_SHOWN = 20;

/** `?page=` of a list: a whole number from 1, anything else is the first page. */
export function pageParam(searchParams: SearchParamsInput): number {
  const raw = searchParams instanceof URLSearchParams ? searchParams.get("page") : [searchParams.page].flat()[0];
  const n = /^\d{1,7}$/.test(raw ?? "") ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

const REVIEW_WINDOW_DAYS = 14;

function itemsFor(visible: VisibleContent) {
  const { taxonomy, byId } = visible.snapshot;
  const name = (id: string) => taxonomy.get(id)?.name ?? id;
  return (r: FollowupRow): CountermeasureItem => {
    const entry = byId.get(r.incident.id);
    return {
      key: r.key,
      id: r.id,
      title: r.title,
      type: r.type,
      status: r.status,
      owner: r.owner,
      due: r.due,
      dueDate: r.dueDate,
      doneAt: r.done_at ?? null,
      ticket: r.ticket ?? null,
      ticketUrl: r.ticket && /^https?:\/\//i.test(r.ticket) ? r.ticket : null,
      overdue: r.overdue,
      daysOverdue: r.daysOverdue,
      dueInDays: r.dueInDays,
      factors: r.factors.map((id) => ({ id, name: name(id) })),
      recurred: r.recurredAfterDone.map((h) => ({ incidentId: h.incidentId, title: h.title })),
      recurrenceCount: r.recurrenceCount,
      incident: { id: r.incident.id, title: r.incident.title, severity: r.incident.severity, teams: r.incident.teams, restricted: r.incident.visibility === "restricted", groups: entry?.ok ? entry.frontmatter.groups : [] },
      incidentBlob: entry?.blob ?? "",
      evidence: r.evidence ?? [],
      verifyBy: r.verify_by ?? null,
      breaches: r.breaches.map((b) => ({ kind: b.kind, label: BREACH_LABEL[b.kind], message: b.message })),
      outcome: r.outcome,
      evidenceRequired: evidenceRequired(visible.snapshot.config.followups, r.type),
    };
  };
}

function byUse(values: Iterable<string>): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
}

const facetsCache = new WeakMap<readonly FollowupRow[], CountermeasureFacets>();

function facetsOf(rows: readonly FollowupRow[], taxonomy: Taxonomy): CountermeasureFacets {
  // The rows of one snapshot never change: their facets are computed once.
  const hit = facetsCache.get(rows);
  if (hit) return hit;
  const facets = computeFacets(rows, taxonomy);
  facetsCache.set(rows, facets);
  return facets;
}

function computeFacets(rows: readonly FollowupRow[], taxonomy: Taxonomy): CountermeasureFacets {
  const factorIds = new Set(rows.flatMap((r) => r.factors));
  return {
    owners: byUse(rows.map((r) => r.owner)).sort((a, b) => a.localeCompare(b)),
    teams: byUse(rows.flatMap((r) => r.incident.teams)),
    services: byUse(rows.flatMap((r) => r.incident.services)),
    factors: [...factorIds].map((id) => ({ id, name: taxonomy.get(id)?.name ?? id })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The filters that choose which countermeasures are in scope (not their state): owner, team, type and so on. */
function scopeOf(filters: FollowupFilters): FollowupFilters {
  return { ...filters, status: undefined, overdue: undefined, breach: undefined, outcome: undefined, dueWithin: undefined, sort: undefined, group: undefined };
}

const countActive = (f: FollowupFilters) =>
  Object.entries(f).filter(([k, v]) => k !== "sort" && k !== "group" && v !== undefined).length;

const summaryCache = new WeakMap<readonly FollowupRow[], FollowupSummary>();
const effectivenessCache = new WeakMap<readonly FollowupRow[], Effectiveness>();

/** Per team, how many countermeasures in `rows` breach the policy, and how. A row counts once per team it belongs to. */
export function breachesByTeam(rows: readonly FollowupRow[]): TeamBreaches[] {
  const byTeam = new Map<string, TeamBreaches>();
  for (const r of rows) {
    if (r.breaches.length === 0) continue;
    for (const team of r.incident.teams.length ? new Set(r.incident.teams) : [NO_TEAM]) {
      let t = byTeam.get(team);
      if (!t) byTeam.set(team, (t = { team, total: 0, byKind: { "due-beyond-target": 0, "past-target": 0, "missing-evidence": 0 } }));
      t.total++;
      for (const kind of new Set(r.breaches.map((b) => b.kind))) t.byKind[kind]++;
    }
  }
  return [...byTeam.values()].sort((a, b) => (a.team === NO_TEAM ? 1 : 0) - (b.team === NO_TEAM ? 1 : 0) || b.total - a.total || a.team.localeCompare(b.team));
}

function today(): string {
  return localDate(new Date(), defaultTimeZone());
}

/** Everything the countermeasure dashboard shows for this viewer and these URL filters. */
export async function getCountermeasuresPage(viewer: Viewer, searchParams: SearchParamsInput): Promise<CountermeasuresPageData> {
  const filters = parseFollowupFilters(searchParams);
  const page = pageParam(searchParams);
  const visible = await visibleContent(viewer);
  const key = `${followupFiltersToSearchParams(filters).toString()}|${page}|${canAuthor(viewer)}`;
  const data = await dashboardMemo(visible, key, new Date(), async () => computeDashboard(visible, filters, page, canAuthor(viewer)));
  // The calendar feed belongs to the user, not to their access level: never memoized with the rest.
  return { ...data, feed: await calendarFeedLinks(viewer, await requestBaseUrl()) };
}

const dashboardMemo = pageMemo<Omit<CountermeasuresPageData, "feed">>();

function computeDashboard(visible: VisibleContent, filters: FollowupFilters, pageNumber: number, canEdit: boolean): Omit<CountermeasuresPageData, "feed"> {
  const { taxonomy } = visible.snapshot;
  const all = followupRowsFor(visible);
  const sorted = queryFollowups(all, filters, taxonomy);
  // Without a status filter, what still needs doing comes first; closed ones follow in the same order.
  const matching = filters.status ? sorted : [...sorted.filter((r) => isOpen(r.status)), ...sorted.filter((r) => !isOpen(r.status))];
  const scope = scopeOf(filters);
  const scoped = countActive(scope) > 0;
  const inScope = scoped ? filterRows(all, scope, taxonomy) : all;

  let summary = scoped ? undefined : summaryCache.get(all);
  if (!summary) {
    summary = summarizeFollowups(inScope);
    if (!scoped) summaryCache.set(all, summary);
  }
  let effectiveness = effectivenessCache.get(all);
  if (!effectiveness) {
    // Effectiveness is about the whole record of what was done, so it ignores the filters.
    effectiveness = countermeasureEffectiveness(all, taxonomy);
    effectivenessCache.set(all, effectiveness);
  }

  // A page at a time: at 10,000 incidents there are tens of thousands of rows, and each one is a form.
  const { items: shown, page, pages, first, last } = pageOf(matching, pageNumber, COUNTERMEASURES_PAGE_SIZE);
  const toItem = itemsFor(visible);
  const items = shown.map(toItem);
  const byKey = new Map(items.map((i) => [i.key, i]));
  const groupBy: FollowupGroupBy | undefined = filters.group;
  const groups = groupBy
    ? groupRows(shown, groupBy).map((g) => ({ key: g.key, label: g.label, items: g.rows.map((r) => byKey.get(r.key) ?? toItem(r)) }))
    : null;

  return {
    filters,
    activeFilters: countActive(filters),
    items,
    page: { page, pages, first, last },
    groups,
    matching: matching.length,
    total: all.length,
    summary,
    scoped,
    effectiveness,
    breachesByTeam: breachesByTeam(inScope),
    hasPolicy: hasFollowupPolicy(visible),
    facets: facetsOf(all, taxonomy),
    canEdit,
    query: followupFiltersToSearchParams(filters).toString(),
    scopeQuery: followupFiltersToSearchParams({ ...scope, createdFrom: filters.createdFrom, createdTo: filters.createdTo }).toString(),
    today: today(),
  };
}

function hasFollowupPolicy(visible: VisibleContent): boolean {
  const p = visible.snapshot.config.followups;
  return Object.keys(p.due_days).length > 0 || p.evidence_required !== false;
}

export interface ReviewIncident {
  id: string;
  title: string;
  severity: Severity | null;
  summary: string;
  startedAt: string | null;
  /** Whole days from the incident's start to today; null without a start. */
  daysSince: number | null;
  teams: string[];
  services: string[];
  restricted: boolean;
  factors: { id: string; name: string; category: string; note: string | null }[];
  /** The incident's other countermeasures. */
  others: CountermeasureItem[];
}

export interface ReviewPageData {
  /** 1-based position of the current item; 0 when nothing is to review. */
  position: number;
  count: number;
  overdue: number;
  dueSoon: number;
  item: CountermeasureItem | null;
  incident: ReviewIncident | null;
  /** Scope filters as a query string (no leading ?), kept on Previous/Next links. */
  scopeQuery: string;
  canEdit: boolean;
  windowDays: number;
  /** Done countermeasures whose verify_by has come, still waiting for an answer to "did it hold?" (soonest first, at most HOLD_PROMPTS_SHOWN). */
  holdPrompts: CountermeasureItem[];
  /** How many are waiting in all. */
  holdPromptsTotal: number;
}

/**
 * The weekly review: open countermeasures overdue or due within two weeks, soonest due first, one at a time (`i` is
 * 1-based and clamped), with the incident around it.
 */
export async function getReviewPage(viewer: Viewer, searchParams: SearchParamsInput): Promise<ReviewPageData> {
  const filters = parseFollowupFilters(searchParams);
  const scope = scopeOf(filters);
  const visible = await visibleContent(viewer);
  const raw = (searchParams instanceof URLSearchParams ? searchParams.get("i") : [searchParams.i].flat()[0]) ?? undefined;
  const key = `${followupFiltersToSearchParams(scope).toString()}|${raw ?? ""}|${canAuthor(viewer)}`;
  return reviewMemo(visible, key, new Date(), async () => computeReview(visible, scope, raw, canAuthor(viewer)));
}

const reviewMemo = pageMemo<ReviewPageData>();

function computeReview(visible: VisibleContent, scope: FollowupFilters, raw: string | undefined, canEdit: boolean): ReviewPageData {
  const { taxonomy } = visible.snapshot;
  const all = followupRowsFor(visible);
  const queue = queryFollowups(all, { ...scope, dueWithin: REVIEW_WINDOW_DAYS, sort: "due" }, taxonomy);
  const asked = Number.parseInt(raw ?? "1", 10);
  const position = queue.length === 0 ? 0 : Math.min(Math.max(Number.isFinite(asked) ? asked : 1, 1), queue.length);
  const row = queue[position - 1];
  const toItem = itemsFor(visible);
  const held = filterRows(all, scope, taxonomy)
    .filter((r) => r.outcome?.askIfHeld)
    .sort((a, b) => (a.verify_by ?? "").localeCompare(b.verify_by ?? "") || a.key.localeCompare(b.key));
  const base = {
    position,
    count: queue.length,
    overdue: queue.filter((r) => r.overdue).length,
    dueSoon: queue.filter((r) => !r.overdue).length,
    scopeQuery: followupFiltersToSearchParams(scope).toString(),
    canEdit,
    windowDays: REVIEW_WINDOW_DAYS,
    holdPrompts: held.slice(0, HOLD_PROMPTS_SHOWN).map(toItem),
    holdPromptsTotal: held.length,
  };
  if (!row) return { ...base, item: null, incident: null };

  const doc = visible.incidents.find((i) => i.id === row.incident.id);
  const fm = doc?.frontmatter;
  const startedAt = row.createdAt;
  const now = today();
  const incident: ReviewIncident = {
    id: row.incident.id,
    title: row.incident.title,
    severity: row.incident.severity,
    summary: fm?.summary ?? "",
    startedAt,
    daysSince: row.createdDate ? daysBetween(row.createdDate, now) : null,
    teams: row.incident.teams,
    services: row.incident.services,
    restricted: row.incident.visibility === "restricted",
    factors: (fm?.contributing_factors ?? []).map((ref) => {
      const f = taxonomy.canonical(ref.factor);
      return { id: f?.id ?? ref.factor, name: f?.name ?? ref.factor, category: taxonomy.category(f?.category ?? "")?.name ?? "", note: ref.note ?? null };
    }),
    others: all.filter((r) => r.incident.id === row.incident.id && r.key !== row.key).map(toItem),
  };
  return { ...base, item: toItem(row), incident };
}

