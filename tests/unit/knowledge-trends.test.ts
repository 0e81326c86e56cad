import { describe, expect, it } from "vitest";
import { computeTrends, distribution, percentile, quarterOf } from "../../lib/knowledge/trends";
import { incidentSchema } from "../../lib/schema/incident";
import { Taxonomy } from "../../lib/schema/taxonomy";
import { canRead, type Viewer } from "../../lib/auth/viewer";

const H = 3_600_000;
const inc = (id: string, fm: Record<string, unknown>) => ({ id, frontmatter: incidentSchema.parse({ title: `Incident ${id}`, status: "published", severity: "SEV2", ...fm }) });
const TAX = Taxonomy.empty();

describe("percentiles", () => {
  it("interpolate between closest ranks", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10], 90)).toBe(10);
    expect(percentile([0, 10], 90)).toBe(9);
    expect(percentile([], 50)).toBeNull();
    expect(distribution([5, 1, 3])).toMatchObject({ n: 3, values: [1, 3, 5], p50: 3, p10: 1.4, p90: 4.6 });
  });
});

describe("quarters", () => {
  it("are read in the organization's time zone", () => {
    expect(quarterOf(Date.parse("2026-03-31T23:30:00Z"), "UTC")).toBe("2026-Q1");
    expect(quarterOf(Date.parse("2026-03-31T23:30:00Z"), "Europe/Berlin")).toBe("2026-Q2");
    expect(quarterOf("2026-12-31", "Pacific/Auckland")).toBe("2026-Q4");
  });
});

describe("trends", () => {
  const incidents = [
    inc("a", { started_at: "2026-01-05T10:00:00Z", detected_at: "2026-01-05T10:10:00Z", resolved_at: "2026-01-05T12:00:00Z", teams: ["pay"], contributing_factors: [{ factor: "f1" }], countermeasures: [{ id: "c1", title: "Fix", type: "prevent", owner: "o", due: "2026-02-01", status: "done", done_at: "2026-01-20", addresses: ["f1"] }] }),
    inc("b", { severity: "SEV1", started_at: "2026-02-05T10:00:00Z", detected_at: "2026-02-05T11:00:00Z", teams: ["pay"], contributing_factors: [{ factor: "f2" }], countermeasures: [{ id: "c2", title: "Late", type: "detect", owner: "o", due: "2026-02-10", status: "done", done_at: "2026-02-20" }] }),
    // Started at 23:30 UTC on 31 March: Q2 in Berlin. Its factor f1 recurred after a's done countermeasure.
    inc("c", { started_at: "2026-03-31T23:30:00Z", detected_at: "2026-04-01T03:30:00Z", teams: ["web"], contributing_factors: [{ factor: "f1" }], countermeasures: [{ id: "c3", title: "Owed", type: "process", owner: "o", due: "2026-04-10", status: "open" }] }),
    inc("undated", {}),
  ];
  const now = new Date("2026-05-01T00:00:00Z");

  it("gives distributions per quarter and severity, with start times from facts.ts", () => {
    const t = computeTrends(incidents, TAX, { now, timeZone: "Europe/Berlin" });
    expect(t.quarters).toEqual(["2026-Q1", "2026-Q2"]);
    expect(t.undated).toBe(1);
    const [q1, q2] = t.durations.timeToDetect;
    expect(q1?.all).toMatchObject({ n: 2, p50: (10 * 60_000 + H) / 2 });
    expect(q1?.bySeverity.SEV1).toMatchObject({ n: 1, p50: H });
    expect(q1?.bySeverity.SEV2).toMatchObject({ n: 1, p50: 10 * 60_000 });
    expect(q2?.all).toMatchObject({ n: 1, p50: 4 * H });
    expect(t.durations.timeToResolve[0]?.all?.n).toBe(1);
    expect(t.durations.timeToMitigate.every((r) => r.all === null)).toBe(true);
  });

  it("the repeat rate counts factors seen before and recurrences after a done countermeasure", () => {
    const t = computeTrends(incidents, TAX, { now, timeZone: "Europe/Berlin" });
    expect(t.repeats).toEqual([
      { quarter: "2026-Q1", incidents: 2, repeats: 0, afterCountermeasure: 0 },
      { quarter: "2026-Q2", incidents: 1, repeats: 1, afterCountermeasure: 1 },
    ]);
  });

  it("on-time rate by team and quarter of the due date: done in time, done late, open past due", () => {
    const t = computeTrends(incidents, TAX, { now, timeZone: "UTC" });
    expect(t.onTime).toEqual([
      { team: "pay", quarter: "2026-Q1", onTime: 1, late: 1 },
      { team: "web", quarter: "2026-Q2", onTime: 0, late: 1 },
    ]);
  });

  it("a restricted incident left out by the viewer's filter changes no figure", () => {
    const secret = inc("s", { visibility: "restricted", groups: ["sec"], started_at: "2026-02-01T00:00:00Z", detected_at: "2026-02-03T00:00:00Z", teams: ["secops"], contributing_factors: [{ factor: "f2" }] });
    const reader: Viewer = { id: "r", name: "R", email: "", role: "reader", groups: [] };
    const visible = [...incidents, secret].filter((i) => canRead(reader, i.frontmatter));
    expect(computeTrends(visible, TAX, { now, timeZone: "UTC" })).toEqual(computeTrends(incidents, TAX, { now, timeZone: "UTC" }));
  });
});
