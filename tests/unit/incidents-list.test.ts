import { afterAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import type { IncidentDoc } from "../../lib/content/store";
import { facetValues, filterIncidents, incidentListHref, pageOf, parseIncidentFilters, INCIDENTS_PAGE_SIZE } from "../../lib/pages/incidents";
import { visibleContent } from "../../lib/knowledge/visible";
import { incidentSchema, type IncidentFrontmatterInput } from "../../lib/schema/incident";
import { gitRepoSync, removeTempDirsSync } from "../fixtures/git-repo";

function doc(id: string, fm: Partial<IncidentFrontmatterInput>): IncidentDoc {
  const frontmatter = incidentSchema.parse({ title: id, status: "published", severity: "SEV3", ...fm });
  return { ok: true, id, path: `incidents/${id}.mdx`, frontmatter, body: "", bodyLine: 1, blob: id, warnings: [] };
}

const canonical = (id: string) => id;

describe("incident list pages", () => {
  it("cuts a long list into pages of 50 and says which ones are shown", () => {
    const rows = Array.from({ length: 123 }, (_, i) => i + 1);
    expect(INCIDENTS_PAGE_SIZE).toBe(50);
    expect(pageOf(rows, 1)).toMatchObject({ page: 1, pages: 3, total: 123, first: 1, last: 50 });
    const third = pageOf(rows, 3);
    expect(third).toMatchObject({ page: 3, first: 101, last: 123 });
    expect(third.items).toEqual(rows.slice(100));
  });

  it("clamps a page past the end (or below 1) and shows an empty list as one empty page", () => {
    const rows = Array.from({ length: 60 }, (_, i) => i);
    expect(pageOf(rows, 99)).toMatchObject({ page: 2, first: 51, last: 60 });
    expect(pageOf(rows, 0)).toMatchObject({ page: 1, first: 1, last: 50 });
    expect(pageOf([], 3)).toMatchObject({ page: 1, pages: 1, total: 0, first: 0, last: 0, items: [] });
  });

  it("reads the page from the URL, falling back to 1 for nonsense", () => {
    expect(parseIncidentFilters({ page: "4" }).page).toBe(4);
    expect(parseIncidentFilters({ page: "-2" }).page).toBe(1);
    expect(parseIncidentFilters({ page: "abc" }).page).toBe(1);
    expect(parseIncidentFilters({}).page).toBe(1);
  });

  it("page links keep every filter and the sort, and leave defaults out", () => {
    const f = parseIncidentFilters({ severity: ["SEV1", "SEV2"], status: "published", team: "payments", factor: "retry-storm", q: "pool", from: "2026-01-01", sort: "oldest" });
    const url = new URL(incidentListHref(f, 3), "http://x");
    expect(url.pathname).toBe("/incidents");
    expect(url.searchParams.getAll("severity")).toEqual(["SEV1", "SEV2"]);
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== "severity"))).toEqual({ q: "pool", status: "published", team: "payments", factor: "retry-storm", from: "2026-01-01", sort: "oldest", page: "3" });
    // Parsing the link gives the same filters back.
    // Parsing the link as Next hands it over (a repeated key as an array) gives the same filters back.
    const params: Record<string, string | string[]> = {};
    for (const k of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(k);
      params[k] = all.length > 1 ? all : (all[0] ?? "");
    }
    expect(parseIncidentFilters(params)).toEqual({ ...f, page: 3 });
    expect(incidentListHref(parseIncidentFilters({}), 1)).toBe("/incidents");
  });
});

describe("filterIncidents on a list sorted once", () => {
  const list = [
    doc("a", { started_at: "2026-01-03T00:00:00Z", severity: "SEV2", teams: ["db"], title: "Zeta" }),
    doc("b", { started_at: "2026-01-01T00:00:00Z", severity: "SEV1", teams: ["web"], title: "alpha" }),
    doc("c", { started_at: "2026-01-02T00:00:00Z", severity: "SEV1", teams: ["db"], title: "Beta", resolved_at: "2026-01-05T00:00:00Z" }),
    doc("d", { started_at: "2026-01-02T00:00:00Z", severity: "SEV3", teams: ["web"], title: "gamma", resolved_at: "2026-01-02T01:00:00Z" }),
  ];
  const ids = (xs: IncidentDoc[]) => xs.map((x) => x.id);

  it("sorts by each order and keeps that order when filtering (ties in list order)", () => {
    expect(ids(filterIncidents(list, parseIncidentFilters({}), canonical))).toEqual(["a", "c", "d", "b"]);
    expect(ids(filterIncidents(list, parseIncidentFilters({ sort: "oldest" }), canonical))).toEqual(["b", "c", "d", "a"]);
    expect(ids(filterIncidents(list, parseIncidentFilters({ sort: "severity" }), canonical))).toEqual(["c", "b", "a", "d"]);
    expect(ids(filterIncidents(list, parseIncidentFilters({ sort: "title" }), canonical))).toEqual(["b", "c", "d", "a"]);
    expect(ids(filterIncidents(list, parseIncidentFilters({ sort: "ttr" }), canonical))).toEqual(["c", "d", "a", "b"]);
    expect(ids(filterIncidents(list, parseIncidentFilters({ team: "db" }), canonical))).toEqual(["a", "c"]);
    expect(ids(filterIncidents(list, parseIncidentFilters({ severity: "SEV1", sort: "oldest" }), canonical))).toEqual(["b", "c"]);
  });

  it("never hands out the cached order itself", () => {
    const first = filterIncidents(list, parseIncidentFilters({}), canonical);
    first.reverse();
    expect(ids(filterIncidents(list, parseIncidentFilters({}), canonical))).toEqual(["a", "c", "d", "b"]);
  });

  it("counts facet values, most used first", () => {
    expect(facetValues(list).teams).toEqual(["db", "web"]);
    expect(facetValues(list)).toBe(facetValues(list));
  });
});

describe("visibleContent shares one incident list per access level", () => {
  const file = (title: string, extra = "") => `---\ntitle: ${title}\nstatus: published\nseverity: SEV3\n${extra}---\n\nBody.\n`;
  const root = gitRepoSync(
    { "factors.yml": "[]\n", "incidents/open.mdx": file("Open"), "incidents/secret.mdx": file("Secret", "visibility: restricted\ngroups: [security]\n") },
    { prefix: "kaizen-visible-", message: "c" },
  );
  const prev = process.env.KAIZEN_CONTENT_DIR;
  afterAll(() => {
    if (prev === undefined) delete process.env.KAIZEN_CONTENT_DIR;
    else process.env.KAIZEN_CONTENT_DIR = prev;
    removeTempDirsSync();
  });
  const who = (role: Viewer["role"], groups: string[] = []): Viewer => ({ id: `${role}-${groups.join("")}`, name: "n", email: "e", role, groups });

  it("readers and authors with the same groups get the same array (derived data is built once); other access levels do not", async () => {
    process.env.KAIZEN_CONTENT_DIR = root;
    const reader = await visibleContent(who("reader"));
    const author = await visibleContent(who("author"));
    const sec = await visibleContent(who("reader", ["security"]));
    const admin = await visibleContent(who("admin"));
    expect(reader.incidents.map((i) => i.id)).toEqual(["open"]);
    expect(author.incidents).toBe(reader.incidents);
    expect(sec.incidents.map((i) => i.id)).toEqual(["open", "secret"]);
    expect(sec.incidents).not.toBe(reader.incidents);
    expect(admin.incidents.map((i) => i.id)).toEqual(["open", "secret"]);
    expect((await visibleContent(who("author", ["security", "security"]))).incidents).toBe(sec.incidents);
  });
});
