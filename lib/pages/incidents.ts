import "server-only";
import { z } from "zod";
import { audit } from "../auth/audit";
import { canEdit, canRead, type Viewer, type VisibilityFields } from "../auth/viewer";
import { buildFollowupRows, type FollowupRow } from "../followups/model";
import { compileMdxCached } from "../mdx/cache";
import type { CompiledMdx } from "../mdx/compile";
import { getStore, type BrokenIncident, type IncidentDoc, type Snapshot } from "../content";
import type { ContentRepository } from "../content/repository";
import { accessOf, INCIDENTS_DIR, type ContentStore } from "../content/store";
import { AppError } from "../errors";
import { canReadEntry, startedAt } from "../knowledge/facts";
import { incidentMetrics, type IncidentMetrics } from "../knowledge/metrics";
import { ID_PATTERN } from "../schema/common";
import { KINDS, SEVERITIES, STATUSES, type Countermeasure, type IncidentFrontmatter } from "../schema/incident";

/** What a viewer may see of the knowledge base right now: every list, count and chart starts from this. */
export interface VisibleContent {
  snapshot: Snapshot;
  incidents: IncidentDoc[];
  broken: BrokenIncident[];
}

const visibleCache = new WeakMap<Snapshot, Map<string, VisibleContent>>();
const incidentsCache = new WeakMap<Snapshot, Map<string, IncidentDoc[]>>();

function viewerKey(v: Viewer): string {
  return `${v.role}|${[...v.groups].sort().join(",")}`;
}

/** What decides which incidents a viewer may read (canRead): admin, or the set of groups. */
function accessKey(v: Viewer): string {
  return v.role === "admin" ? "admin" : `groups:${[...new Set(v.groups)].sort().join(",")}`;
}

/**
 * The incidents of a snapshot this viewer may read, as ONE array per access level: everything derived from it and
 * memoized on its identity (knowledge model, text index, countermeasure rows) is then shared by readers and authors
 * who see the same incidents, instead of being built once per role.
 */
function readableIncidents(snapshot: Snapshot, viewer: Viewer): IncidentDoc[] {
  let byAccess = incidentsCache.get(snapshot);
  if (!byAccess) incidentsCache.set(snapshot, (byAccess = new Map()));
  const key = accessKey(viewer);
  let list = byAccess.get(key);
  if (!list) byAccess.set(key, (list = snapshot.incidents.filter((i) => canReadEntry(viewer, i))));
  return list;
}

/** Broken files follow the one visibility rule, canReadEntry: an unknown visibility is admins-only. */
export function canSeeBroken(viewer: Viewer, b: BrokenIncident): boolean {
  return canReadEntry(viewer, b);
}

export async function visibleContent(viewer: Viewer): Promise<VisibleContent> {
  const snapshot = await getStore().snapshot();
  let byViewer = visibleCache.get(snapshot);
  if (!byViewer) visibleCache.set(snapshot, (byViewer = new Map()));
  const key = viewerKey(viewer);
  let v = byViewer.get(key);
  if (!v) {
    v = {
      snapshot,
      incidents: readableIncidents(snapshot, viewer),
      broken: snapshot.broken.filter((b) => canReadEntry(viewer, b)),
    };
    byViewer.set(key, v);
  }
  return v;
}

/** One incident as the viewer may see it, or null (unknown id and not-allowed look the same: 404). */
export async function getIncidentEntry(viewer: Viewer, id: string, store: ContentStore = getStore()): Promise<IncidentDoc | BrokenIncident | null> {
  if (!ID_PATTERN.test(id)) return null;
  const snapshot = await store.snapshot();
  const entry = snapshot.byId.get(id);
  if (!entry) return null;
  if (canReadEntry(viewer, entry)) return entry;
  // The viewer gets the same 404 as for an unknown id; the audit log keeps the attempt.
  void audit({ type: "denied", user: viewer.id, action: "read", target: `incidents/${id}`, reason: "restricted incident outside the viewer's groups" });
  return null;
}

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
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
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

export interface HistoryEntry {
  commit: string;
  short: string;
  authorName: string;
  authorEmail: string;
  date: string;
  subject: string;
  path: string;
}

/** Who may read an old revision whose visibility cannot be read (its YAML is broken): admins only. */
const UNKNOWN_ACCESS: VisibilityFields = { visibility: "restricted", groups: [] };
const ACCESS_CACHE_MAX = 50_000;
/** Subject shown for a revision whose previous one the viewer may not read. */
export const HIDDEN_BEFORE_SUBJECT = "Changes from an earlier version you cannot see";
// A blob's text never changes, so neither does its visibility: each old revision is read and parsed once.
const accessByBlob = new Map<string, VisibilityFields>();

async function accessOfBlobs(repo: ContentRepository, blobs: readonly string[]): Promise<Map<string, VisibilityFields>> {
  const missing = [...new Set(blobs)].filter((b) => !accessByBlob.has(b));
  if (missing.length) {
    const texts = await repo.readBlobs(missing);
    for (const b of missing) {
      const text = texts.get(b);
      if (text === undefined) continue;
      if (accessByBlob.size >= ACCESS_CACHE_MAX) accessByBlob.delete(accessByBlob.keys().next().value!);
      accessByBlob.set(b, accessOf(text) ?? UNKNOWN_ACCESS);
    }
  }
  return new Map(blobs.map((b) => [b, accessByBlob.get(b) ?? UNKNOWN_ACCESS]));
}

/**
 * Revisions of an incident's file the viewer may read, newest first: each one's visibility is that of the file's text
 * at that revision (an incident made internal later keeps its restricted past hidden). A hidden revision is left out
 * entirely, its commit's subject and author with it, and diffs are only offered between revisions listed here.
 * Renames are followed only where Kaizen recorded them (see ContentRepository.log).
 */
export async function incidentHistory(viewer: Viewer, id: string, store: ContentStore = getStore()): Promise<{ entry: IncidentDoc | BrokenIncident; history: HistoryEntry[] } | null> {
  const entry = await getIncidentEntry(viewer, id, store);
  if (!entry) return null;
  const log = await store.repo.log(`${INCIDENTS_DIR}/${id}.mdx`);
  const access = await accessOfBlobs(store.repo, log.map((c) => c.blob));
  const visible = log.map((c) => canRead(viewer, access.get(c.blob) ?? UNKNOWN_ACCESS));
  const history: HistoryEntry[] = [];
  log.forEach((c, i) => {
    if (!visible[i]) return;
    // The commit that made a hidden version readable describes the change from it (Kaizen's message names the old
    // id, which comes from the old title, and the old visibility): its subject is not shown.
    const afterHidden = i + 1 < log.length && !visible[i + 1];
    const subject = afterHidden ? HIDDEN_BEFORE_SUBJECT : c.subject;
    history.push({ commit: c.commit, short: c.commit.slice(0, 7), authorName: c.authorName, authorEmail: c.authorEmail, date: c.date, subject, path: c.path });
  });
  return { entry, history };
}

/** Unified diff of the incident's file between two of the revisions the viewer may read. */
export async function incidentDiff(viewer: Viewer, id: string, from: string, to: string, store: ContentStore = getStore()): Promise<string | null> {
  const h = await incidentHistory(viewer, id, store);
  if (!h) return null;
  const pick = (rev: string) => (rev.length >= 7 ? h.history.find((c) => c.commit.startsWith(rev)) : undefined);
  const a = pick(from);
  const b = pick(to);
  if (!a || !b) throw new AppError("bad_request", "choose two revisions of this incident");
  return store.repo.diff(a.commit, b.commit, a.path, b.path);
}

export interface IncidentRowData {
  id: string;
  title: string;
  summary: string;
  severity?: string;
  status: string;
  kind: string;
  visibility: string;
  groups: string[];
  teams: string[];
  services: string[];
  startedAt?: string;
}

/** The plain data a list row shows. */
export function toRowData(i: IncidentDoc): IncidentRowData {
  const fm = i.frontmatter;
  return { id: i.id, title: fm.title, summary: fm.summary, severity: fm.severity, status: fm.status, kind: fm.kind, visibility: fm.visibility, groups: fm.groups, teams: fm.teams, services: fm.services, startedAt: startedAt(i) ?? undefined };
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
  };
}

const followupCache = new WeakMap<IncidentDoc[], FollowupRow[]>();

/** Countermeasure rows (overdue, recurrence after done) over exactly the incidents this viewer may see. */
export function followupRowsFor(visible: VisibleContent): FollowupRow[] {
  let rows = followupCache.get(visible.incidents);
  if (!rows) {
    rows = buildFollowupRows(visible.incidents, visible.snapshot.taxonomy);
    followupCache.set(visible.incidents, rows);
  }
  return rows;
}

export interface IncidentPageData {
  incident: IncidentDoc;
  compiled: CompiledMdx;
  metrics: IncidentMetrics;
  factors: { id: string; name: string; category: string; note?: string; known: boolean }[];
  countermeasures: CountermeasureRowView[];
  canEdit: boolean;
}

export interface CountermeasureRowView extends Countermeasure {
  overdueDays: number | null;
  addressesNames: { id: string; name: string }[];
  recurred: { incidentId: string; title: string }[];
}

/** Everything the incident page shows, for this viewer; null when it does not exist or may not be seen. */
export async function getIncidentPage(viewer: Viewer, id: string): Promise<IncidentPageData | BrokenIncident | null> {
  const entry = await getIncidentEntry(viewer, id);
  if (!entry || !entry.ok) return entry;
  const visible = await visibleContent(viewer);
  const { taxonomy } = visible.snapshot;
  const fm = entry.frontmatter;
  const rows = followupRowsFor(visible).filter((r) => r.incident.id === entry.id);
  return {
    incident: entry,
    compiled: await compileMdxCached(entry.body),
    metrics: incidentMetrics(fm),
    factors: fm.contributing_factors.map((ref) => {
      const f = taxonomy.canonical(ref.factor);
      return { id: f?.id ?? ref.factor, name: f?.name ?? ref.factor, category: taxonomy.category(f?.category ?? "")?.name ?? "", note: ref.note, known: !!f };
    }),
    countermeasures: fm.countermeasures.map((cm) => {
      const row = rows.find((r) => r.id === cm.id);
      return {
        ...cm,
        overdueDays: row?.overdue ? row.daysOverdue : null,
        addressesNames: (cm.addresses ?? []).map((a) => ({ id: taxonomy.canonicalId(a) ?? a, name: taxonomy.canonical(a)?.name ?? a })),
        recurred: (row?.recurredAfterDone ?? []).map((h) => ({ incidentId: h.incidentId, title: h.title })),
      };
    }),
    canEdit: canEdit(viewer, fm),
  };
}

/** Where an incident that was renamed lives now, if the viewer may see it there (old URLs keep working). */
export async function renamedIncident(viewer: Viewer, id: string): Promise<string | null> {
  if (!ID_PATTERN.test(id)) return null;
  const map = await getStore().repo.renames();
  const to = map.get(`${INCIDENTS_DIR}/${id}.mdx`);
  const newId = to?.startsWith(`${INCIDENTS_DIR}/`) ? to.slice(INCIDENTS_DIR.length + 1).replace(/\.mdx$/, "") : null;
  if (!newId || newId === id) return null;
  return (await getIncidentEntry(viewer, newId)) ? newId : null;
}
