import { describe, expect, it } from "vitest";
import { incidentCommitMessage } from "../../lib/editor/commit-message";
import { incidentSchema, type IncidentFrontmatter, type IncidentFrontmatterInput } from "../../lib/schema/incident";

function fm(extra: Partial<IncidentFrontmatterInput> = {}): IncidentFrontmatter {
  return incidentSchema.parse({ title: "Queue stall", status: "draft", severity: "SEV3", ...extra });
}
const doc = (extra: Partial<IncidentFrontmatterInput> = {}, body = "## Summary\n") => ({ frontmatter: fm(extra), body });

describe("incidentCommitMessage", () => {
  it("names a new file as a create with its title", () => {
    expect(incidentCommitMessage("q", null, doc())).toBe('incident(q): create "Queue stall"');
  });

  it("names status, severity and visibility transitions", () => {
    expect(incidentCommitMessage("q", doc(), doc({ status: "published", severity: "SEV1" }))).toBe("incident(q): status draft → published; severity SEV3 → SEV1");
    expect(incidentCommitMessage("q", doc(), doc({ visibility: "restricted", groups: ["sec"] }))).toBe("incident(q): visibility internal → restricted; update groups");
  });

  it("lists the changed parts once each, times grouped", () => {
    const before = doc();
    const after = doc({ started_at: "2026-03-14T14:00:00Z", detected_at: "2026-03-14T14:05:00Z", timeline: [{ at: "2026-03-14T14:00:00Z", event: "deploy" }], contributing_factors: [{ factor: "missing-alert" }] }, "## Summary\n\nMore.\n");
    expect(incidentCommitMessage("q", before, after)).toBe("incident(q): update timeline, factors, times, body");
  });

  it("names a rename and a save without changes", () => {
    expect(incidentCommitMessage("new-id", doc(), doc(), "old-id")).toBe("incident(new-id): rename from old-id");
    expect(incidentCommitMessage("q", doc(), doc(), "q")).toBe("incident(q): save without changes");
  });

  it("ignores whitespace-only body edits at the ends", () => {
    expect(incidentCommitMessage("q", doc({}, "text\n"), doc({}, "\ntext\n\n"))).toBe("incident(q): save without changes");
  });
});
