import { describe, expect, it } from "vitest";
import { globalLearnings } from "../../lib/knowledge/learnings";
import { doneCm, factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const tax = makeTaxonomy();
const now = new Date("2026-06-01T00:00:00Z");

// retry-storm: 3 incidents in 2 teams; connection-pool-exhaustion: 4 SEV1 incidents, all in one team.
const incidents = [
  inc("r1", {
    started_at: "2025-10-01T00:00:00Z",
    teams: ["checkout"],
    services: ["api"],
    contributing_factors: factors("retry-storm"),
    countermeasures: [doneCm("cm-1", "2025-10-10", ["retry-storm"]), { id: "cm-2", title: "t", type: "detect", owner: "o", due: "2026-01-01", status: "open", addresses: ["retry-storm"] }],
  }),
  inc("r2", { started_at: "2026-01-15T00:00:00Z", teams: ["search"], services: ["search-api"], contributing_factors: factors("retry-storm") }),
  inc("r3", { started_at: "2026-05-01T00:00:00Z", teams: ["search"], services: ["search-api"], contributing_factors: factors("retry-storm") }),
  ...[1, 2, 3, 4].map((n) =>
    inc(`p${n}`, { started_at: `2026-0${n}-10T00:00:00Z`, severity: "SEV1", teams: ["ledger"], services: ["ledger-db"], contributing_factors: factors("connection-pool-exhaustion") }),
  ),
  inc("once", { started_at: "2026-05-01T00:00:00Z", teams: ["a", "b"], contributing_factors: factors("clock-skew") }),
];

describe("global learnings", () => {
  it("ranks a cross-team factor above a single-team one with more and worse incidents", () => {
    const ranked = globalLearnings(incidents, tax, { now });
    expect(ranked.map((l) => l.factor)).toEqual(["retry-storm", "connection-pool-exhaustion"]);
    expect(ranked[0]?.crossTeam).toBe(true);
    expect(ranked[1]?.crossTeam).toBe(false);
    expect((ranked[1]?.score ?? 0) > (ranked[0]?.score ?? 0)).toBe(true);
  });

  it("explains itself as text and as fields", () => {
    const l = globalLearnings(incidents, tax, { now })[0];
    expect(l?.summary).toBe(
      "seen in 3 incidents across 2 teams in 8 months; 2 services affected; 1 countermeasure done, 1 open; recurred twice after a countermeasure was done",
    );
    expect(l).toMatchObject({ incidents: 3, teams: ["search", "checkout"], spanMonths: 8, countermeasures: { done: 1, open: 1, wontDo: 0 }, recurrences: 2 });
  });

  it("leaves out factors seen once", () => {
    expect(globalLearnings(incidents, tax, { now }).some((l) => l.factor === "clock-skew")).toBe(false);
  });

  it("filters by category, team and period", () => {
    expect(globalLearnings(incidents, tax, { now, team: "ledger" }).map((l) => l.factor)).toEqual(["connection-pool-exhaustion"]);
    expect(globalLearnings(incidents, tax, { now, category: "observability" })).toEqual([]);
    const recent = globalLearnings(incidents, tax, { now, from: "2026-01-01", to: "2026-05-31" });
    const retry = recent.find((l) => l.factor === "retry-storm");
    expect(retry).toMatchObject({ incidents: 2, crossTeam: false, recurrences: 2 });
  });

  it("decays with age: the same history scores half as much one half-life later", () => {
    const at = (d: string) => globalLearnings(incidents, tax, { now: new Date(d), halfLifeDays: 180 }).find((l) => l.factor === "retry-storm");
    const fresh = at("2026-05-01T00:00:00Z");
    const old = at("2026-10-28T00:00:00Z");
    expect(fresh?.weights.recency).toBe(1);
    expect(old?.weights.recency).toBe(0.5);
    expect(old?.score).toBeCloseTo((fresh?.score ?? 0) / 2, 2);
  });
});
