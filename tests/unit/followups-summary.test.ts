import { describe, expect, it } from "vitest";
import { Taxonomy } from "../../lib/schema/taxonomy";
import { incidentSchema } from "../../lib/schema/incident";
import { buildFollowupRows, type FollowupSource } from "../../lib/followups/rows";
import { summarizeFollowups } from "../../lib/followups/summary";
import { countermeasureEffectiveness } from "../../lib/followups/effectiveness";

function incident(id: string, fm: Record<string, unknown>): FollowupSource {
  return { id, frontmatter: incidentSchema.parse({ title: `Incident ${id}`, status: "published", severity: "SEV2", ...fm }) };
}
const cm = (id: string, rest: Record<string, unknown>) => ({ id, title: `Countermeasure ${id}`, type: "detect", owner: "ana@x.example", due: "2026-03-10", status: "open", ...rest });

const taxonomy = new Taxonomy({
  categories: [
    { id: "observability", name: "Observability", description: "", maps_to: [] },
    { id: "capacity", name: "Capacity", description: "", maps_to: [] },
  ],
  factors: [
    { id: "missing-alerts", name: "Missing alerts", category: "observability", description: "d", aliases: [] },
    { id: "retry-storm", name: "Retry storm", category: "capacity", description: "d", aliases: [] },
    { id: "pool-exhaustion", name: "Pool exhaustion", category: "capacity", description: "d", aliases: [] },
  ],
});

describe("summary figures", () => {
  const options = { now: new Date("2026-06-15T12:00:00Z"), timeZone: "UTC" };
  const rows = buildFollowupRows(
    [
      incident("one", {
        started_at: "2026-01-01T09:00:00Z",
        teams: ["alpha"],
        countermeasures: [
          cm("cm-1", { type: "detect", due: "2026-01-15", status: "done", done_at: "2026-01-11" }),
          cm("cm-2", { type: "prevent", due: "2026-06-01" }),
          cm("cm-3", { type: "process", due: "2026-02-01", status: "wont-do" }),
        ],
      }),
      incident("two", {
        started_at: "2026-05-01T09:00:00Z",
        teams: ["alpha", "beta"],
        countermeasures: [
          cm("cm-1", { type: "detect", due: "2026-05-10", status: "done", done_at: "2026-05-21" }),
          cm("cm-2", { type: "mitigate", due: "2026-06-30", status: "in-progress" }),
        ],
      }),
      incident("three", { started_at: "2025-03-01T09:00:00Z", countermeasures: [cm("cm-1", { type: "prevent", due: "2025-04-01" })] }),
    ],
    taxonomy,
    options,
  );
  const s = summarizeFollowups(rows, options);

  it("counts open, overdue and recently done countermeasures", () => {
    expect(s.total).toBe(6);
    expect(s.byStatus).toEqual({ open: 2, "in-progress": 1, done: 2, "wont-do": 1 });
    expect(s.open).toBe(3);
    expect(s.overdue).toBe(2);
    expect(s.doneLast90Days).toBe(1);
  });

  it("computes median days to done per type and the share done on time", () => {
    expect(s.medianDaysToDone).toEqual({ prevent: null, detect: 15, mitigate: null, process: null });
    expect(s.onTime).toEqual({ done: 2, onTime: 1, share: 0.5 });
  });

  it("tracks open vs done at each month end over the last 12 months", () => {
    expect(s.monthly).toHaveLength(12);
    expect(s.monthly[0]?.month).toBe("2025-07");
    const at = (month: string) => s.monthly.find((m) => m.month === month);
    expect(at("2025-12")).toEqual({ month: "2025-12", open: 1, done: 0 });
    expect(at("2026-01")).toEqual({ month: "2026-01", open: 2, done: 1 });
    expect(at("2026-04")).toEqual({ month: "2026-04", open: 2, done: 1 });
    expect(at("2026-05")).toEqual({ month: "2026-05", open: 3, done: 2 });
    expect(s.monthly.at(-1)).toEqual({ month: "2026-06", open: 3, done: 2 });
  });

  it("counts overdue countermeasures per team", () => {
    expect(s.overdueByTeam).toHaveLength(2);
    expect(s.overdueByTeam).toEqual(expect.arrayContaining([{ team: "alpha", overdue: 1 }, { team: "(no team)", overdue: 1 }]));
  });
});

describe("effectiveness", () => {
  const done = (id: string, type: string, addresses: string[]) => cm(id, { type, status: "done", done_at: "2026-01-10", addresses });
  const rows = buildFollowupRows(
    [
      incident("origin", {
        started_at: "2026-01-01T00:00:00Z",
        contributing_factors: [{ factor: "missing-alerts" }, { factor: "retry-storm" }, { factor: "pool-exhaustion" }],
        countermeasures: [
          done("d1", "detect", ["missing-alerts"]),
          done("d2", "detect", ["missing-alerts", "retry-storm"]),
          done("d3", "detect", ["pool-exhaustion"]),
          done("p1", "prevent", ["retry-storm"]),
          done("p2", "prevent", []),
          cm("o1", { type: "prevent", addresses: ["missing-alerts"] }),
        ],
      }),
      incident("later", { started_at: "2026-02-01T00:00:00Z", contributing_factors: [{ factor: "missing-alerts" }] }),
    ],
    taxonomy,
    { now: new Date("2026-03-01T00:00:00Z"), timeZone: "UTC" },
  );
  const e = countermeasureEffectiveness(rows, taxonomy);

  it("counts per type how often an addressed factor recurred after done", () => {
    expect(e.byType.find((t) => t.type === "detect")).toEqual({
      type: "detect",
      done: 3,
      followedByRecurrence: 2,
      rate: 2 / 3,
      text: "detect-type countermeasures were followed by recurrence in 2 of 3 cases",
    });
    expect(e.byType.find((t) => t.type === "prevent")).toMatchObject({ done: 1, followedByRecurrence: 0, text: "prevent-type countermeasures were followed by recurrence in 0 of 1 case" });
    expect(e.byType.find((t) => t.type === "process")).toMatchObject({ done: 0, rate: null });
  });

  it("counts per factor category, only when a factor of that category recurred", () => {
    expect(e.byCategory.map((c) => [c.category, c.done, c.followedByRecurrence])).toEqual([
      ["capacity", 3, 0],
      ["observability", 2, 2],
    ]);
    expect(e.byCategory[1]?.text).toBe("countermeasures addressing observability factors were followed by recurrence in 2 of 2 cases");
  });
});
