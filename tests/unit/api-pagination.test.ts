import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { AppError } from "../../lib/errors";
import { gitRepo, removeTempDirs, tempDir } from "../fixtures/git-repo";
import { restoreServerEnv, serveContentFrom } from "../fixtures/server-env";

// The route handlers as a client calls them, over a real content repository; only the signed-in viewer is switched.
const RAE: Viewer = { id: "rae", name: "Rae Reader", email: "rae@example.com", role: "reader", groups: [] };
const SOL: Viewer = { id: "sol", name: "Sol Security", email: "sol@example.com", role: "reader", groups: ["security"] };
const who: { viewer: Viewer } = { viewer: RAE };
vi.mock("@/lib/auth/session", () => ({
  assertSameOrigin: async () => undefined,
  requireApiViewer: async () => who.viewer,
  denied: async (_v: unknown, _a: string, _t: string, reason: string) => new AppError("forbidden", `not allowed: ${reason}`),
}));

const { parsePageQuery, pageOf, MAX_PAGE_SIZE } = await import("../../lib/paging");
const incidentsRoute = await import("../../app/api/incidents/route");
const factorsRoute = await import("../../app/api/factors/route");
const { getStore } = await import("../../lib/content");

const FACTORS = ["missing-alert", "alert-fatigue", "retry-storm", "disk-full", "secret-leak"].map((id) => `- id: ${id}\n  name: ${id.replace(/-/g, " ")}\n  category: ops\n  description: ${id}.\n`).join("");


function incident(i: number, extra: string[] = [], factor = "missing-alert"): string {
  const day = String(1 + (i % 28)).padStart(2, "0");
  return ["---", `title: Incident ${i}`, "status: published", "severity: SEV3", `started_at: 2026-02-${day}T10:00:00Z`, ...extra, "contributing_factors:", `  - factor: ${factor}`, "---", "", "Body.", ""].join("\n");
}

async function get(route: { GET: (req: Request) => Promise<Response> }, url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await route.GET(new Request(`http://kaizen.test${url}`));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Follows `next` links from the first page to the last. */
async function all(route: { GET: (req: Request) => Promise<Response> }, first: string, field: "incidents" | "factors"): Promise<{ ids: string[]; pages: number; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let url: string | null = first;
  let pages = 0;
  while (url) {
    const { status, body } = await get(route, url);
    expect(status).toBe(200);
    pages++;
    totals.push(body.total as number);
    for (const r of body[field] as { id?: string; factor?: string }[]) ids.push(r.id ?? r.factor ?? "");
    url = body.next as string | null;
    expect(pages).toBeLessThan(100);
  }
  return { ids, pages, totals };
}

beforeAll(async () => {
  const files: Record<string, string> = { "factors.yml": FACTORS };
  for (let i = 0; i < 12; i++) files[`incidents/inc-${String(i).padStart(2, "0")}.mdx`] = incident(i, [], i % 2 ? "alert-fatigue" : "missing-alert");
  // Restricted to the security group: never counted, paged or named for Rae.
  for (let i = 0; i < 3; i++) files[`incidents/secret-${i}.mdx`] = incident(40 + i, ["visibility: restricted", "groups: [security]"], "secret-leak");
  const root = await gitRepo(files, { prefix: "kaizen-paging-", message: "content" });
  const data = await tempDir("kaizen-paging-data-");
  serveContentFrom(root, data);
  await getStore(root).forceRefresh();
});

afterAll(async () => {
  restoreServerEnv();
  await removeTempDirs();
});

describe("cursor paging", () => {
  it("continues after the last row even when earlier rows disappeared, and falls back to the position when it is gone", () => {
    const rows = ["a", "b", "c", "d", "e"];
    const first = pageOf(rows, (r) => r, { limit: 2, cursor: null });
    expect(first.items).toEqual(["a", "b"]);
    const cursor = parsePageQuery({ cursor: first.next }).cursor;
    expect(pageOf(["b", "c", "d", "e"], (r) => r, { limit: 2, cursor }).items).toEqual(["c", "d"]);
    expect(pageOf(["a", "c", "d", "e"], (r) => r, { limit: 2, cursor }).items).toEqual(["c", "d"]);
    expect(pageOf(rows, (r) => r, { limit: 10, cursor: null }).next).toBeNull();
  });

  it("refuses a bad limit or cursor with a message naming the field", () => {
    for (const limit of ["0", "-5", "abc", "1.5", String(MAX_PAGE_SIZE + 1)]) expect(() => parsePageQuery({ limit }), limit).toThrow(/^limit: /);
    expect(() => parsePageQuery({ cursor: "not-a-cursor" })).toThrow(/^cursor: /);
    expect(parsePageQuery({})).toEqual({ limit: 50, cursor: null });
  });
});

describe("GET /api/incidents and /api/factors page through what the viewer may read", () => {
  it("/api/incidents: default page, next links to the end, totals without restricted incidents", async () => {
    who.viewer = RAE;
    const one = await get(incidentsRoute, "/api/incidents");
    expect(one.body.total).toBe(12);
    expect((one.body.incidents as unknown[]).length).toBe(12);
    expect(one.body.next).toBeNull();
    const paged = await all(incidentsRoute, "/api/incidents?limit=5&sort=title", "incidents");
    expect(paged.pages).toBe(3);
    expect(paged.totals).toEqual([12, 12, 12]);
    expect(new Set(paged.ids).size).toBe(12);
    expect(paged.ids.some((id) => id.startsWith("secret"))).toBe(false);
    // The filters stay in the next link.
    const first = await get(incidentsRoute, "/api/incidents?limit=2&factor=alert-fatigue");
    expect(first.body.total).toBe(6);
    expect(String(first.body.next)).toMatch(/^\/api\/incidents\?limit=2&factor=alert-fatigue&cursor=/);
  });

  it("/api/incidents: a reader in the group gets the restricted ones counted and paged", async () => {
    who.viewer = SOL;
    const paged = await all(incidentsRoute, "/api/incidents?limit=4", "incidents");
    expect(paged.totals[0]).toBe(15);
    expect(paged.ids.filter((id) => id.startsWith("secret"))).toHaveLength(3);
  });

  it("/api/factors: counts only visible incidents; a factor used only by hidden incidents counts zero", async () => {
    who.viewer = RAE;
    const paged = await all(factorsRoute, "/api/factors?limit=2", "factors");
    expect(paged.pages).toBe(3);
    expect(paged.ids.slice(0, 2)).toEqual(["alert-fatigue", "missing-alert"]);
    const { body } = await get(factorsRoute, "/api/factors?limit=500");
    const rows = body.factors as { factor: string; incidents: number }[];
    expect(rows.find((f) => f.factor === "secret-leak")?.incidents).toBe(0);
    expect(JSON.stringify(body)).not.toMatch(/secret-\d|Incident 4\d/);
    who.viewer = SOL;
    const sol = (await get(factorsRoute, "/api/factors")).body.factors as { factor: string; incidents: number }[];
    expect(sol.find((f) => f.factor === "secret-leak")?.incidents).toBe(3);
  });

  it("bad paging parameters are a 400 naming the field", async () => {
    who.viewer = RAE;
    for (const [route, url, field] of [
      [incidentsRoute, "/api/incidents?limit=0", "limit"],
      [incidentsRoute, "/api/incidents?limit=501", "limit"],
      [incidentsRoute, "/api/incidents?cursor=zzz", "cursor"],
      [factorsRoute, "/api/factors?limit=-1", "limit"],
      [factorsRoute, "/api/factors?sort=name", "sort"],
    ] as const) {
      const r = await get(route, url);
      expect(r.status, url).toBe(400);
      expect(String(r.body.message)).toMatch(new RegExp(`^${field}: `));
    }
  });
});
