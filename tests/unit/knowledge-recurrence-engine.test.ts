import { afterEach, describe, expect, it, vi } from "vitest";
import { buildFollowupRows } from "../../lib/followups/rows";
import { buildKnowledge } from "../../lib/knowledge/model";
import { recurrencesForCountermeasure, recurrencesForFactor, recurrencesForIncident, recurringIncidentCounts } from "../../lib/knowledge/recurrence";
import { factors, inc, makeTaxonomy } from "./knowledge-fixtures";

afterEach(() => {
  vi.unstubAllEnvs();
});

const done = (id: string, done_at: string, addresses: string[]) => ({ id, title: id, type: "prevent" as const, owner: "o", due: "2024-01-01", status: "done" as const, done_at, addresses });

// Start times around the end of a Tokyo day (15:00 UTC) so that a UTC reading of "after" would disagree.
function knowledgeBase() {
  return [
    inc("a", { started_at: "2024-01-01T00:00:00Z", contributing_factors: factors("retry-storm", "bad-config-push"), countermeasures: [done("cm-1", "2024-02-01", ["retry-storm"]), done("cm-2", "2024-03-01T12:00:00Z", ["unvalidated-config-change", "retry-storm"])] }),
    inc("b", { started_at: "2024-02-01T14:59:00Z", contributing_factors: factors("retry-storm") }),
    inc("c", { started_at: "2024-02-01T15:00:00Z", contributing_factors: factors("retry-storm", "unvalidated-config-change") }),
    inc("d", { started_at: "2024-03-01T12:00:01Z", contributing_factors: factors("bad-config-push"), countermeasures: [done("cm-3", "2024-03-02", ["clock-skew"])] }),
    inc("e", { detected_at: "2024-03-02T16:00:00Z", contributing_factors: factors("clock-skew", "retry-storm") }),
    inc("f", { timeline: [{ at: "2024-04-01T00:00:00Z", event: "x" }], contributing_factors: factors("retry-storm") }),
    inc("undated", { contributing_factors: factors("retry-storm") }),
  ];
}

describe("one recurrence engine", () => {
  it("the dashboard rows, the incident page, factor pages and learnings count the same later incidents (Asia/Tokyo)", () => {
    vi.stubEnv("KAIZEN_TIME_ZONE", "Asia/Tokyo");
    const incidents = knowledgeBase();
    const taxonomy = makeTaxonomy();
    const rows = buildFollowupRows(incidents, taxonomy, { now: new Date("2024-05-01T00:00:00Z") });
    for (const row of rows.filter((r) => r.status === "done")) {
      const later = [...new Set(recurrencesForCountermeasure(incidents, taxonomy, row.incident.id, row.id).map((r) => r.recurredIn.incidentId))].filter((id) => id !== row.incident.id);
      expect(row.recurredAfterDone.map((h) => h.incidentId), row.key).toEqual(later.slice(0, 5));
      expect(row.recurrenceCount, row.key).toBe(later.length);
    }
    expect(rows.find((r) => r.id === "cm-1")?.recurredAfterDone.map((h) => h.incidentId)).toEqual(["c", "e", "f"]);
    expect(rows.find((r) => r.id === "cm-2")?.recurredAfterDone.map((h) => h.incidentId)).toEqual(["d", "e", "f"]);
    expect(rows.find((r) => r.id === "cm-3")?.recurredAfterDone.map((h) => h.incidentId)).toEqual(["e"]);

    const k = buildKnowledge({ incidents, taxonomy }, new Date("2024-05-01T00:00:00Z"));
    const counts = recurringIncidentCounts(incidents, taxonomy);
    for (const f of ["retry-storm", "unvalidated-config-change", "clock-skew"]) {
      const distinct = new Set(recurrencesForFactor(incidents, taxonomy, f).map((r) => r.recurredIn.incidentId));
      expect(counts.get(f) ?? 0, f).toBe(distinct.size);
      expect(k.factorRecurrences(f, 5).incidents, f).toBe(distinct.size);
      // Learnings rank factors seen in two or more incidents.
      const learning = k.learnings({}).find((l) => l.factor === f);
      if (f !== "clock-skew") expect(learning?.recurrences, f).toBe(distinct.size);
    }
    expect(recurrencesForIncident(incidents, taxonomy, "b").recurred).toEqual([]);
    expect(recurrencesForIncident(incidents, taxonomy, "c").recurred.map((r) => r.countermeasure.id)).toEqual(["cm-1"]);
  });
});
