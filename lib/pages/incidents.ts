import "server-only";
import { z } from "zod";
import type { Viewer } from "../auth/viewer";
import type { BrokenIncident, IncidentDoc } from "../content";
import { startedAt } from "../knowledge/facts";
import { incidentMetrics } from "../knowledge/metrics";
import { visibleContent } from "../knowledge/visible";
import { incidentsFeedUrl } from "../notify/feed";
import { requestBaseUrl } from "../http";
import { isCalendarDate } from "../schema/common";
import { KINDS, SEVERITIES, STATUSES, type IncidentFrontmatter } from "../schema/incident";
import { toRowData, type IncidentRowData } from "./incident-row";

const list = (s: z.ZodType<string>) =>
  z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : String(v).split(",")), z.array(s).catch([]));

export const incidentFilterSchema = z.object({
  q: z.string().max(200).optional().catch(undefined),
  severity: list(z.enum(SEVERITIES)),
  status: list(z.enum(STATUSES)),
  kind: list(z.enum(KINDS)),
  service: z.string().max(100).optional().catch(undefined),
  team: z.string().max(100).optional().catch(undefined),
  factor: z.string().max(100).optional().catch(undefined),
  from: z.string().refine(isCalendarDate).optional().catch(undefined),
  to: z.string().refine(isCalendarDate).optional().catch(undefined),
  sort: z.enum(["newest", "oldest", "severity", "title", "ttr"]).default("newest").catch("newest"),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).catch(1),
});
export type IncidentFilters = z.infer<typeof incidentFilterSchema>;

export function parseIncidentFilters(params: Record<string, string | string[] | undefined>): IncidentFilters {
  return incidentFilterSchema.parse(params);
}

const sevRank: Record<string, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4 };

const collator = new Intl.Collator();
const sortedCache = new WeakMap<readonly IncidentDoc[], Map<IncidentFilters["sort"], IncidentDoc[]>>();

/** The list in one order, sorted once per list (a snapshot's visible incidents) and order. */
function sortedBy(incidents: readonly IncidentDoc[], sort: IncidentFilters["sort"]): IncidentDoc[] {
  let bySort = sortedCache.get(incidents);
  if (!bySort) sortedCache.set(incidents, (bySort = new Map()));
  const hit = bySort.get(sort);
  if (hit) return hit;
  // Keys are computed once per incident, not once per comparison (a date parse per comparison dominated at 10k).
  const keyed = incidents.map((i) => ({
    i,
    t: Date.parse(startedAt(i) ?? "") || 0,
    ttr: sort === "ttr" ? (incidentMetrics(i.frontmatter).timeToResolve ?? -1) : 0,
  }));
  type K = (typeof keyed)[number];
  const cmp: Record<IncidentFilters["sort"], (a: K, b: K) => number> = {
    newest: (a, b) => b.t - a.t,
    oldest: (a, b) => a.t - b.t,
    severity: (a, b) => (sevRank[a.i.frontmatter.severity ?? ""] ?? 9) - (sevRank[b.i.frontmatter.severity ?? ""] ?? 9) || b.t - a.t,
    title: (a, b) => collator.compare(a.i.frontmatter.title, b.i.frontmatter.title),
    ttr: (a, b) => b.ttr - a.ttr,
  };
  const sorted = keyed.sort(cmp[sort]).map((k) => k.i);
  bySort.set(sort, sorted);
  return sorted;
}

/** Applies list filters and sort to the viewer's incidents. */
export function filterIncidents(incidents: IncidentDoc[], f: IncidentFilters, taxonomyCanonical: (id: string) => string | undefined): IncidentDoc[] {
  const q = f.q?.toLowerCase().trim();
  const from = f.from ? Date.parse(`${f.from}T00:00:00Z`) : null;
  const to = f.to ? Date.parse(`${f.to}T23:59:59Z`) : null;
  // Filtering a list sorted once keeps the order a (stable) sort of the filtered rows would give.
  return sortedBy(incidents, f.sort).filter((inc) => {
    const { frontmatter: fm, id } = inc;
    if (f.severity.length && !(fm.severity && f.severity.includes(fm.severity))) return false;
    if (f.status.length && !f.status.includes(fm.status)) return false;
    if (f.kind.length && !f.kind.includes(fm.kind)) return false;
    if (f.service && !fm.services.includes(f.service)) return false;
    if (f.team && !fm.teams.includes(f.team)) return false;
    if (f.factor && !fm.contributing_factors.some((c) => (taxonomyCanonical(c.factor) ?? c.factor) === f.factor)) return false;
    const s = startedAt(inc);
    const t = s ? Date.parse(s) : NaN;
    if (from !== null && !(t >= from)) return false;
    if (to !== null && !(t <= to)) return false;
    if (q && !`${id} ${fm.title} ${fm.summary}`.toLowerCase().includes(q)) return false;
    return true;
  });
}

/** Incidents per page of the list. */
export const INCIDENTS_PAGE_SIZE = 50;

export interface ListPage<T> {
  items: T[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  total: number;
  /** 1-based positions of the first and last item shown (0 and 0 when empty). */
  first: number;
  last: number;
}

/** One page of a list; a page past the end shows the last one. */
export function pageOf<T>(rows: readonly T[], page: number, size = INCIDENTS_PAGE_SIZE): ListPage<T> {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const items = rows.slice((p - 1) * size, p * size);
  return { items, page: p, pages, total: rows.length, first: items.length ? (p - 1) * size + 1 : 0, last: (p - 1) * size + items.length };
}

/** The /incidents URL for these filters at a page (defaults left out), for page links that keep the filters. */
export function incidentListHref(f: IncidentFilters, page: number): string {
  const p = new URLSearchParams();
  if (f.q) p.set("q", f.q);
  for (const s of f.severity) p.append("severity", s);
  for (const s of f.status) p.append("status", s);
  for (const k of f.kind) p.append("kind", k);
  for (const key of ["service", "team", "factor", "from", "to"] as const) {
    const v = f[key];
    if (v) p.set(key, v);
  }
  if (f.sort !== "newest") p.set("sort", f.sort);
  if (page > 1) p.set("page", String(page));
  const qs = p.toString();
  return qs ? `/incidents?${qs}` : "/incidents";
}

const facetCache = new WeakMap<readonly IncidentDoc[], { services: string[]; teams: string[]; tags: string[] }>();

/** Distinct values of services, teams and tags across incidents, most used first (filters and autocomplete). */
export function facetValues(incidents: IncidentDoc[]): { services: string[]; teams: string[]; tags: string[] } {
  const hit = facetCache.get(incidents);
  if (hit) return hit;
  const count = (pick: (fm: IncidentFrontmatter) => string[]) => {
    const m = new Map<string, number>();
    for (const i of incidents) for (const v of pick(i.frontmatter)) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  };
  const facets = { services: count((fm) => fm.services), teams: count((fm) => fm.teams), tags: count((fm) => fm.tags) };
  // Callers pass a snapshot's (visible) list, which never changes in place: the facets are computed once per list.
  facetCache.set(incidents, facets);
  return facets;
}

export interface IncidentListData {
  filters: IncidentFilters;
  /** How many filters are set (sort and page aside). */
  active: number;
  /** Every incident the viewer may see. */
  visible: number;
  /** The matching incidents' page asked for. */
  list: ListPage<IncidentRowData>;
  broken: BrokenIncident[];
  facets: { services: string[]; teams: string[] };
  factors: { value: string; label: string }[];
  /** The viewer's personal Atom feed of published post-mortems; null without a local feed token. */
  feedUrl: string | null;
}

/** /incidents: the viewer's incidents matching the URL's filters, one page of them, with the filter options. */
export async function getIncidentList(viewer: Viewer, params: Record<string, string | string[] | undefined>): Promise<IncidentListData> {
  const filters = parseIncidentFilters(params);
  const { snapshot, incidents, broken } = await visibleContent(viewer);
  const rows = filterIncidents(incidents, filters, (id) => snapshot.taxonomy.canonicalId(id));
  const page = pageOf(rows, filters.page);
  const { services, teams } = facetValues(incidents);
  return {
    filters,
    active: filters.severity.length + filters.status.length + filters.kind.length + [filters.service, filters.team, filters.factor, filters.from, filters.to, filters.q].filter(Boolean).length,
    visible: incidents.length,
    list: { ...page, items: page.items.map(toRowData) },
    broken,
    facets: { services, teams },
    factors: snapshot.taxonomy.active.map((f) => ({ value: f.id, label: f.name })),
    feedUrl: await incidentsFeedUrl(viewer, await requestBaseUrl()),
  };
}

