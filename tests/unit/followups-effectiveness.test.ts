import { describe, expect, it } from "vitest";
import { factorEffectiveness } from "../../lib/followups/effectiveness";
import { buildFollowupRows } from "../../lib/followups/rows";
import { filterRows, parseFollowupFilters } from "../../lib/followups/filters";
import { followupPolicySchema } from "../../lib/schema/followup-policy";
import { factorHold } from "../../lib/knowledge/recurrence";
import { doneCm, factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const taxonomy = makeTaxonomy();
const link = { url: "https://github.com/o/r/pull/1", added_by: "ana", added_at: "2026-01-05" };
const NOW = new Date("2026-06-01T12:00:00Z");

function knowledgeBase() {
  return [
    inc("a-first", {
      started_at: "2026-01-01T10:00:00Z",
      teams: ["payments"],
      contributing_factors: factors("retry-storm", "missing-monitoring"),
      countermeasures: [
        // Retry storm comes back on 2026-03-01: failed.
        { ...doneCm("cm-1", "2026-01-05", ["retry-storm"]), evidence: [link], verify_by: "2026-02-01" },
        // Evidence and verify_by passed, no recurrence: verified.
        { ...doneCm("cm-2", "2026-01-05", ["missing-monitoring"]), type: "detect" as const, evidence: [link], verify_by: "2026-02-01" },
        // No evidence, verify_by reached: unverified, and asks "did it hold?".
        { ...doneCm("cm-3", "2026-01-06", ["missing-monitoring"]), type: "detect" as const, verify_by: "2026-05-01" },
        { id: "cm-4", title: "late", type: "prevent" as const, owner: "bo", due: "2026-05-01", status: "open" as const },
      ],
    }),
    inc("b-again", { started_at: "2026-03-01T10:00:00Z", teams: ["payments"], contributing_factors: factors("retry-storm") }),
  ];
}

describe("countermeasure effectiveness", () => {
  const rows = buildFollowupRows(knowledgeBase(), taxonomy, { now: NOW, timeZone: "UTC", policy: followupPolicySchema.parse({ due_days: { SEV3: 28 }, evidence_required: ["detect"] }) });
  const row = (id: string) => rows.find((r) => r.key === `a-first#${id}`);

  it("failed after a recurrence, verified with evidence past verify_by, unverified otherwise, with days without recurrence", () => {
    expect(row("cm-1")?.outcome).toEqual({ verification: "failed", daysWithoutRecurrence: 55, askIfHeld: true });
    expect(row("cm-2")?.outcome).toEqual({ verification: "verified", daysWithoutRecurrence: 147, askIfHeld: true });
    expect(row("cm-3")?.outcome).toEqual({ verification: "unverified", daysWithoutRecurrence: 146, askIfHeld: true });
    expect(row("cm-4")?.outcome).toBeNull();
  });

  it("an answer of 'held' verifies it and stops asking", () => {
    const kb = knowledgeBase();
    const cm3 = kb[0]?.frontmatter.countermeasures[2];
    if (cm3) cm3.evidence = [{ note: "held", verdict: "held", added_by: "ana", added_at: "2026-05-02" }];
    const held = buildFollowupRows(kb, taxonomy, { now: NOW, timeZone: "UTC" }).find((r) => r.key === "a-first#cm-3");
    expect(held?.outcome).toEqual({ verification: "verified", daysWithoutRecurrence: 146, askIfHeld: false });
  });

  it("policy breaches on the rows: due after the target and open past it, done without required evidence", () => {
    expect(row("cm-4")?.breaches.map((b) => b.kind)).toEqual(["due-beyond-target", "past-target"]);
    expect(row("cm-3")?.breaches.map((b) => b.kind)).toEqual(["missing-evidence"]);
    expect(row("cm-2")?.breaches).toEqual([]);
  });

  it("the dashboard's outcome filter keeps done countermeasures with that outcome, never open ones", () => {
    const keys = (f: Parameters<typeof filterRows>[1]) => filterRows(rows, f).map((r) => r.key).filter((k) => k.startsWith("a-first"));
    expect(keys({ outcome: ["verified"] })).toEqual(["a-first#cm-2"]);
    expect(keys({ outcome: ["failed", "unverified"] }).sort()).toEqual(["a-first#cm-1", "a-first#cm-3"]);
    expect(keys(parseFollowupFilters(new URLSearchParams("outcome=failed,held")))).toEqual(["a-first#cm-1"]);
  });

  it("per factor: verified / unverified / failed counts and how long since the latest fix it has held", () => {
    expect(factorEffectiveness(rows, "missing-monitoring")).toEqual({ done: 2, verified: 1, unverified: 1, failed: 0 });
    expect(factorEffectiveness(rows, "retry-storm")).toEqual({ done: 1, verified: 0, unverified: 0, failed: 1 });
    const kb = knowledgeBase();
    expect(factorHold(kb, taxonomy, "retry-storm", "UTC").recurredIn?.incidentId).toBe("b-again");
    expect(factorHold(kb, taxonomy, "missing-monitoring", "UTC")).toMatchObject({ latest: { id: "cm-3" }, recurredIn: null });
  });
});
