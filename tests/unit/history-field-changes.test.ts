import { describe, expect, it } from "vitest";
import { fieldChanges } from "../../lib/knowledge/field-changes";
import { incidentSchema, type IncidentFrontmatter } from "../../lib/schema/incident";

function fm(extra: Record<string, unknown> = {}): IncidentFrontmatter {
  return incidentSchema.parse({
    title: "Queue stalled",
    status: "draft",
    severity: "SEV2",
    started_at: "2026-03-14T10:00:00Z",
    summary: "The queue stalled.",
    timeline: [
      { at: "2026-03-14T10:00:00Z", event: "Deploy started", kind: "trigger" },
      { at: "2026-03-14T10:05:00Z", event: "Alert fired", kind: "detection" },
    ],
    contributing_factors: [{ factor: "missing-alert", note: "No lag alert" }],
    countermeasures: [{ id: "cm-1", title: "Add a lag alert", type: "detect", owner: "ana", due: "2026-04-01", status: "open" }],
    ...extra,
  });
}

describe("fieldChanges: a history diff a person can read", () => {
  it("finds nothing between identical versions", () => {
    expect(fieldChanges(fm(), fm())).toEqual([]);
  });

  it("names changed scalar fields with before and after", () => {
    const c = fieldChanges(fm(), fm({ status: "published", summary: "The queue stalled for 20 minutes.", impact: "Orders were late." }));
    expect(c).toEqual([
      { section: "Status", op: "changed", before: "draft", after: "published" },
      { section: "Summary", op: "changed", before: "The queue stalled.", after: "The queue stalled for 20 minutes." },
      { section: "Impact", op: "added", after: "Orders were late." },
    ]);
  });

  it("lists timeline rows added, removed and changed, in time order", () => {
    const before = fm();
    const after = fm({
      timeline: [
        { at: "2026-03-14T10:00:00Z", event: "Deploy of v2 started", kind: "trigger" },
        { at: "2026-03-14T10:20:00Z", event: "Rolled back", kind: "mitigation" },
      ],
    });
    expect(fieldChanges(before, after)).toEqual([
      { section: "Timeline", op: "changed", at: "2026-03-14T10:00:00Z", item: "Deploy of v2 started", before: "Deploy started", after: "Deploy of v2 started" },
      { section: "Timeline", op: "removed", at: "2026-03-14T10:05:00Z", item: "Alert fired", before: "Alert fired" },
      { section: "Timeline", op: "added", at: "2026-03-14T10:20:00Z", item: "Rolled back", after: "Rolled back" },
    ]);
  });

  it("a timeline row that only moved in the list is not a change", () => {
    const a = fm();
    const b = fm({ timeline: [...a.timeline] });
    expect(fieldChanges(a, b)).toEqual([]);
  });

  it("lists factors by name and countermeasures by id, with what changed in each", () => {
    const after = fm({
      contributing_factors: [{ factor: "alert-fatigue" }],
      countermeasures: [
        { id: "cm-1", title: "Add a lag alert", type: "detect", owner: "bo", due: "2026-04-01", status: "done", done_at: "2026-03-20" },
        { id: "cm-2", title: "Runbook for the queue", type: "process", owner: "ana", due: "2026-05-01", status: "open" },
      ],
    });
    const names: Record<string, string> = { "missing-alert": "Missing alert", "alert-fatigue": "Alert fatigue" };
    expect(fieldChanges(fm(), after, (id) => names[id] ?? id)).toEqual([
      { section: "Contributing factors", op: "added", item: "Alert fatigue" },
      { section: "Contributing factors", op: "removed", item: "Missing alert", before: "No lag alert" },
      { section: "Countermeasures", op: "changed", item: "cm-1: Add a lag alert", details: ["owner ana → bo", "status open → done", "done_at (none) → 2026-03-20"] },
      { section: "Countermeasures", op: "added", item: "cm-2: Runbook for the queue", after: "process, ana, due 2026-05-01, open" },
    ]);
  });

  it("reports list fields (services, tags) item by item", () => {
    expect(fieldChanges(fm({ services: ["queue"] }), fm({ services: ["queue", "billing"], tags: ["kafka"] }))).toEqual([
      { section: "Services", op: "added", item: "billing" },
      { section: "Tags", op: "added", item: "kafka" },
    ]);
  });
});
