import { describe, expect, it } from "vitest";
import { recurrences, recurrencesForCountermeasure, recurrencesForFactor, recurrencesForIncident } from "../../lib/knowledge/recurrence";
import { doneCm, factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const tax = makeTaxonomy();

const first = inc("first", {
  started_at: "2026-01-05T10:00:00Z",
  contributing_factors: factors("retry-storm", "missing-monitoring"),
  countermeasures: [
    doneCm("cm-1", "2026-01-20", ["retry-storm"]),
    { id: "cm-2", title: "not yet", type: "detect", owner: "o", due: "2026-02-01", status: "in-progress", addresses: ["missing-monitoring"] },
  ],
});

describe("recurrence after countermeasure", () => {
  it("flags a later incident with the factor after the countermeasure was done", () => {
    const later = inc("later", { title: "Later", started_at: "2026-03-01T08:00:00Z", contributing_factors: factors("retry-storm") });
    expect(recurrences([first, later], tax)).toEqual([
      {
        factor: "retry-storm",
        factorName: "Retry storm",
        countermeasure: { incidentId: "first", incidentTitle: "first", id: "cm-1", title: "cm cm-1", type: "prevent", done_at: "2026-01-20" },
        recurredIn: { incidentId: "later", title: "Later", started_at: "2026-03-01T08:00:00Z" },
      },
    ]);
  });

  it("does not flag an incident that started before done_at, or on the done day itself", () => {
    const before = inc("before", { started_at: "2026-01-10T08:00:00Z", contributing_factors: factors("retry-storm") });
    const sameDay = inc("same-day", { started_at: "2026-01-20T18:00:00Z", contributing_factors: factors("retry-storm") });
    expect(recurrences([first, before, sameDay], tax)).toEqual([]);
  });

  it("does not flag a countermeasure that is not done", () => {
    const later = inc("later", { started_at: "2026-03-01T08:00:00Z", contributing_factors: factors("missing-monitoring") });
    expect(recurrences([first, later], tax)).toEqual([]);
  });

  it("matches through merged_into on either side", () => {
    const fix = inc("fix", { started_at: "2026-01-01T00:00:00Z", countermeasures: [doneCm("cm-1", "2026-01-02", ["bad-config-push"])] });
    const again = inc("again", { started_at: "2026-02-01T00:00:00Z", contributing_factors: factors("unvalidated-config-change") });
    expect(recurrencesForFactor([fix, again], tax, "bad-config-push").map((r) => r.recurredIn.incidentId)).toEqual(["again"]);
  });

  it("answers per incident (both roles) and per countermeasure", () => {
    const later = inc("later", {
      started_at: "2026-03-01T08:00:00Z",
      contributing_factors: factors("retry-storm"),
      countermeasures: [doneCm("cm-9", "2026-03-02", ["retry-storm"])],
    });
    const latest = inc("latest", { started_at: "2026-05-01T08:00:00Z", contributing_factors: factors("retry-storm") });
    const list = [first, later, latest];
    const forLater = recurrencesForIncident(list, tax, "later");
    expect(forLater.recurred.map((r) => r.countermeasure.id)).toEqual(["cm-1"]);
    expect(forLater.notHeld.map((r) => r.recurredIn.incidentId)).toEqual(["latest"]);
    expect(recurrencesForCountermeasure(list, tax, "first", "cm-1").map((r) => r.recurredIn.incidentId)).toEqual(["later", "latest"]);
  });
});
