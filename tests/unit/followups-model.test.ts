import { describe, expect, it } from "vitest";
import { Taxonomy } from "../../lib/schema/taxonomy";
import { incidentSchema } from "../../lib/schema/incident";
import { buildFollowupRows, type FollowupSource } from "../../lib/followups/rows";
import { filterRows, followupFiltersToSearchParams, parseFollowupFilters } from "../../lib/followups/filters";
import { groupRows, queryFollowups, sortRows } from "../../lib/followups/order";

function incident(id: string, fm: Record<string, unknown>): FollowupSource {
  return { id, frontmatter: incidentSchema.parse({ title: `Incident ${id}`, status: "published", severity: "SEV2", ...fm }) };
}

const taxonomy = new Taxonomy({
  categories: [{ id: "observability", name: "Observability", description: "", maps_to: [] }],
  factors: [
    { id: "missing-alerts", name: "Missing alerts", category: "observability", description: "d", aliases: ["no alert"] },
    { id: "no-alerting", name: "No alerting", category: "observability", description: "d", aliases: [], merged_into: "missing-alerts" },
    { id: "retry-storm", name: "Retry storm", category: "capacity", description: "d", aliases: [] },
  ],
});

const cm = (id: string, rest: Record<string, unknown>) => ({ id, title: `Countermeasure ${id}`, type: "detect", owner: "ana@x.example", due: "2026-03-10", status: "open", ...rest });

describe("overdue across time zones", () => {
  const incidents = [incident("db", { started_at: "2026-03-01T10:00:00Z", countermeasures: [cm("cm-1", { due: "2026-03-10" })] })];
  const row = (now: string, timeZone: string) => {
    const r = buildFollowupRows(incidents, taxonomy, { now: new Date(now), timeZone })[0];
    if (!r) throw new Error("no row");
    return r;
  };

  it("a date is overdue in UTC but not yet in America/Los_Angeles at the same instant", () => {
    const now = "2026-03-11T03:00:00Z"; // 20:00 on 10 March in Los Angeles
    expect(row(now, "UTC")).toMatchObject({ overdue: true, daysOverdue: 1, dueInDays: -1 });
    expect(row(now, "America/Los_Angeles")).toMatchObject({ overdue: false, daysOverdue: 0, dueInDays: 0 });
  });

  it("a date is overdue in Asia/Tokyo but not yet in UTC at the same instant", () => {
    const now = "2026-03-10T16:00:00Z"; // 01:00 on 11 March in Tokyo
    expect(row(now, "UTC")).toMatchObject({ overdue: false, dueInDays: 0 });
    expect(row(now, "Asia/Tokyo")).toMatchObject({ overdue: true, daysOverdue: 1 });
  });

  it("a date-time due is overdue from that instant, whatever the zone", () => {
    const inc = [incident("db", { started_at: "2026-03-01T10:00:00Z", countermeasures: [cm("cm-1", { due: "2026-03-10T12:00:00Z" })] })];
    const at = (now: string) => buildFollowupRows(inc, taxonomy, { now: new Date(now), timeZone: "Asia/Tokyo" })[0]?.overdue;
    expect(at("2026-03-10T11:59:00Z")).toBe(false);
    expect(at("2026-03-10T12:01:00Z")).toBe(true);
  });

  it("done and wont-do countermeasures are never overdue", () => {
    const inc = [incident("db", { countermeasures: [cm("cm-1", { status: "done", done_at: "2026-03-20" }), cm("cm-2", { status: "wont-do" })] })];
    const rows = buildFollowupRows(inc, taxonomy, { now: new Date("2026-04-01T00:00:00Z"), timeZone: "UTC" });
    expect(rows.map((r) => r.overdue)).toEqual([false, false]);
  });

  it("overdueOnly gives exactly the overdue rows of the full list, recurrence and breaches included", () => {
    const inc = [
      incident("db", { started_at: "2026-01-01T00:00:00Z", contributing_factors: [{ factor: "retry-storm" }], countermeasures: [cm("cm-1", { status: "done", done_at: "2026-01-05", addresses: ["retry-storm"] }), cm("cm-2", {}), cm("cm-3", { due: "2026-12-01" })] }),
      incident("api", { started_at: "2026-02-01T00:00:00Z", contributing_factors: [{ factor: "retry-storm" }], countermeasures: [cm("cm-1", { status: "in-progress", due: "2026-02-10" }), cm("cm-2", { status: "wont-do" })] }),
    ];
    const opts = { now: new Date("2026-04-01T00:00:00Z"), timeZone: "UTC" };
    const all = buildFollowupRows(inc, taxonomy, opts);
    const overdue = buildFollowupRows(inc, taxonomy, { ...opts, overdueOnly: true });
    expect(overdue.map((r) => r.key)).toEqual(["db#cm-2", "api#cm-1"]);
    expect(overdue).toEqual(all.filter((r) => r.overdue));
    expect(all.find((r) => r.key === "db#cm-1")?.recurrenceCount).toBe(1);
  });

  it("reads KAIZEN_TIME_ZONE when no zone is given", () => {
    const old = process.env.KAIZEN_TIME_ZONE;
    process.env.KAIZEN_TIME_ZONE = "America/Los_Angeles";
    try {
      expect(buildFollowupRows(incidents, taxonomy, { now: new Date("2026-03-11T03:00:00Z") })[0]?.overdue).toBe(false);
    } finally {
      if (old === undefined) delete process.env.KAIZEN_TIME_ZONE;
      else process.env.KAIZEN_TIME_ZONE = old;
    }
  });
});

describe("rows", () => {
  it("carries the incident, a stable key and createdAt from started_at or the first timeline entry", () => {
    const rows = buildFollowupRows(
      [
        incident("a", { started_at: "2026-01-02T03:04:05Z", teams: ["payments"], countermeasures: [cm("cm-1", {})] }),
        incident("b", { timeline: [{ at: "2026-02-01T00:00:00Z", event: "x" }], countermeasures: [cm("cm-1", {})] }),
      ],
      taxonomy,
      { now: new Date("2026-03-01T00:00:00Z"), timeZone: "UTC" },
    );
    expect(rows.map((r) => [r.key, r.createdAt])).toEqual([
      ["a#cm-1", "2026-01-02T03:04:05Z"],
      ["b#cm-1", "2026-02-01T00:00:00Z"],
    ]);
    expect(rows[0]?.incident).toEqual({
      id: "a",
      title: "Incident a",
      severity: "SEV2",
      teams: ["payments"],
      services: [],
      started_at: "2026-01-02T03:04:05Z",
      status: "published",
      visibility: "internal",
    });
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });

  it("flags recurrence of an addressed factor in an incident that started after done_at, following merged ids", () => {
    const rows = buildFollowupRows(
      [
        incident("first", {
          started_at: "2026-01-01T00:00:00Z",
          contributing_factors: [{ factor: "missing-alerts" }],
          countermeasures: [cm("cm-1", { status: "done", done_at: "2026-01-10", addresses: ["missing-alerts"] })],
        }),
        incident("before", { started_at: "2026-01-05T00:00:00Z", contributing_factors: [{ factor: "missing-alerts" }] }),
        incident("same-day", { started_at: "2026-01-10T20:00:00Z", contributing_factors: [{ factor: "missing-alerts" }] }),
        incident("later", { title: "Later", started_at: "2026-02-01T00:00:00Z", contributing_factors: [{ factor: "no-alerting" }] }),
        incident("unrelated", { started_at: "2026-02-02T00:00:00Z", contributing_factors: [{ factor: "retry-storm" }] }),
      ],
      taxonomy,
      { now: new Date("2026-03-01T00:00:00Z"), timeZone: "UTC" },
    );
    expect(rows[0]?.recurredAfterDone).toEqual([{ incidentId: "later", title: "Later", started_at: "2026-02-01T00:00:00Z", factors: ["missing-alerts"] }]);
    expect(rows[0]).toMatchObject({ recurrenceCount: 1, recurredFactors: ["missing-alerts"] });
  });

  it("counts each later incident once across several addressed factors and lists the earliest few", () => {
    const later = (n: number, factors: string[]) =>
      incident(`later-${n}`, { started_at: `2026-02-${String(n).padStart(2, "0")}T00:00:00Z`, contributing_factors: factors.map((factor) => ({ factor })) });
    const rows = buildFollowupRows(
      [
        incident("first", {
          started_at: "2026-01-01T00:00:00Z",
          contributing_factors: [{ factor: "missing-alerts" }, { factor: "retry-storm" }],
          countermeasures: [cm("cm-1", { status: "done", done_at: "2026-01-10", addresses: ["missing-alerts", "retry-storm"] }), cm("cm-2", { status: "done", done_at: "2026-01-10", addresses: ["retry-storm"] })],
        }),
        later(1, ["missing-alerts"]),
        later(2, ["missing-alerts", "retry-storm"]),
        later(3, ["retry-storm"]),
        ...[4, 5, 6, 7, 8].map((n) => later(n, ["no-alerting"])),
      ],
      taxonomy,
      { now: new Date("2026-03-01T00:00:00Z"), timeZone: "UTC" },
    );
    expect(rows[0]?.recurrenceCount).toBe(8);
    expect(rows[0]?.recurredAfterDone.map((h) => [h.incidentId, h.factors])).toEqual([
      ["later-1", ["missing-alerts"]],
      ["later-2", ["missing-alerts", "retry-storm"]],
      ["later-3", ["retry-storm"]],
      ["later-4", ["missing-alerts"]],
      ["later-5", ["missing-alerts"]],
    ]);
    expect(rows[0]?.recurredFactors).toEqual(["missing-alerts", "retry-storm"]);
    expect(rows[1]).toMatchObject({ recurrenceCount: 2, recurredFactors: ["retry-storm"] });
  });
});

describe("filters, sorting and grouping", () => {
  const now = new Date("2026-03-15T12:00:00Z");
  const rows = buildFollowupRows(
    [
      incident("a", {
        severity: "SEV3",
        started_at: "2026-01-10T00:00:00Z",
        teams: ["payments", "platform"],
        services: ["ledger-db"],
        countermeasures: [
          cm("cm-1", { owner: "Ana@X.example", due: "2026-03-01", addresses: ["missing-alerts"] }),
          cm("cm-2", { type: "prevent", owner: "bo@x.example", due: "2026-03-20", status: "in-progress" }),
          cm("cm-3", { type: "process", owner: "bo@x.example", due: "2026-04-30" }),
        ],
      }),
      incident("b", {
        severity: "SEV1",
        started_at: "2026-02-20T00:00:00Z",
        countermeasures: [cm("cm-1", { due: "2026-03-02", status: "done", done_at: "2026-03-01" })],
      }),
    ],
    taxonomy,
    { now, timeZone: "UTC" },
  );
  const keys = (rs: { key: string }[]) => rs.map((r) => r.key);

  it("filters by status, type, owner (any case), team, service, severity and factor alias", () => {
    expect(keys(filterRows(rows, { status: ["open"] }))).toEqual(["a#cm-1", "a#cm-3"]);
    expect(keys(filterRows(rows, { type: ["prevent", "process"] }))).toEqual(["a#cm-2", "a#cm-3"]);
    expect(keys(filterRows(rows, { owner: "ana@x.EXAMPLE" }))).toEqual(["a#cm-1", "b#cm-1"]);
    expect(keys(filterRows(rows, { team: "platform" }))).toEqual(["a#cm-1", "a#cm-2", "a#cm-3"]);
    expect(keys(filterRows(rows, { service: "ledger-db", type: ["detect"] }))).toEqual(["a#cm-1"]);
    expect(keys(filterRows(rows, { severity: ["SEV1"] }))).toEqual(["b#cm-1"]);
    expect(keys(filterRows(rows, { factor: "no alert" }, taxonomy))).toEqual(["a#cm-1"]);
  });

  it("filters overdue, due within N days (overdue included) and creation period", () => {
    expect(keys(filterRows(rows, { overdue: true }))).toEqual(["a#cm-1"]);
    expect(keys(filterRows(rows, { dueWithin: 7 }))).toEqual(["a#cm-1", "a#cm-2"]);
    expect(keys(filterRows(rows, { createdFrom: "2026-02-01" }))).toEqual(["b#cm-1"]);
    expect(keys(filterRows(rows, { createdTo: "2026-01-10" }))).toEqual(["a#cm-1", "a#cm-2", "a#cm-3"]);
  });

  it("parses filters from URL search params, dropping what it does not understand", () => {
    const f = parseFollowupFilters(new URLSearchParams("status=open,bogus&status=done&overdue=1&dueWithin=abc&sort=severity&severity=SEV1&owner=%20bo%20&group=nope"));
    expect(f).toEqual({ status: ["open", "done"], overdue: true, sort: "severity", severity: ["SEV1"], owner: "bo" });
    expect(parseFollowupFilters({ type: ["detect", "prevent"], dueWithin: "14", createdFrom: "2026-02-30x", group: "team" })).toEqual({
      type: ["detect", "prevent"],
      dueWithin: 14,
      group: "team",
    });
    const round = { status: ["open" as const], overdue: true as const, dueWithin: 3, team: "payments" };
    expect(parseFollowupFilters(followupFiltersToSearchParams(round))).toEqual(round);
  });

  it("sorts by due date, age and severity", () => {
    expect(keys(sortRows(rows, "due"))).toEqual(["a#cm-1", "b#cm-1", "a#cm-2", "a#cm-3"]);
    expect(keys(sortRows(rows, "severity"))).toEqual(["b#cm-1", "a#cm-1", "a#cm-2", "a#cm-3"]);
    expect(keys(sortRows(rows, "age")).slice(-1)).toEqual(["b#cm-1"]);
    expect(keys(queryFollowups(rows, parseFollowupFilters({ status: "open,in-progress", sort: "severity" })))).toEqual(["a#cm-1", "a#cm-2", "a#cm-3"]);
  });

  it("groups by owner, by incident, and by team with a row under each of its teams", () => {
    expect(groupRows(rows, "owner").map((g) => [g.label, keys(g.rows)])).toEqual([
      ["Ana@X.example", ["a#cm-1", "b#cm-1"]],
      ["bo@x.example", ["a#cm-2", "a#cm-3"]],
    ]);
    expect(groupRows(rows, "incident").map((g) => [g.key, g.rows.length])).toEqual([
      ["a", 3],
      ["b", 1],
    ]);
    expect(groupRows(rows, "team").map((g) => [g.label, g.rows.length])).toEqual([
      ["payments", 3],
      ["platform", 3],
      ["(no team)", 1],
    ]);
  });
});
