import { afterEach, describe, expect, it, vi } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import type { BrokenIncident } from "../../lib/content/store";
import { buildFollowupRows } from "../../lib/followups/rows";
import { canReadEntry, doneAtMs, isOpen, isOverdue, startedAt, startedMs } from "../../lib/knowledge/facts";
import { overview } from "../../lib/knowledge/overview";
import { factorRecurrenceSummary, recurrencesForFactor, recurrencesForIncident, recurringIncidentCounts } from "../../lib/knowledge/recurrence";
import { toSearchDoc } from "../../lib/search/document";
import { factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const LA = "America/Los_Angeles";
const reader: Viewer = { id: "r", name: "R", email: "r@x.example", role: "reader", groups: [] };
const member: Viewer = { id: "m", name: "M", email: "m@x.example", role: "reader", groups: ["security"] };
const admin: Viewer = { id: "a", name: "A", email: "a@x.example", role: "admin", groups: [] };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("when an incident started", () => {
  it("is started_at, else detected_at, else the first timeline entry", () => {
    const timeline = [{ at: "2024-01-01T08:00:00Z", event: "first page" }];
    expect(startedAt(inc("a", { started_at: "2024-01-03T00:00:00Z", detected_at: "2024-01-04T00:00:00Z", timeline }))).toBe("2024-01-03T00:00:00Z");
    expect(startedAt(inc("b", { detected_at: "2024-01-04T00:00:00Z", timeline }))).toBe("2024-01-04T00:00:00Z");
    expect(startedAt(inc("c", { timeline }))).toBe("2024-01-01T08:00:00Z");
    expect(startedAt(inc("d"))).toBeNull();
    expect(startedMs(inc("d"))).toBeNull();
  });

  it("the search index, the countermeasure dashboard and the knowledge model date an incident without started_at alike", () => {
    const i = inc("detected-only", { detected_at: "2024-05-02T10:00:00Z", countermeasures: [{ id: "cm-1", title: "t", type: "detect", owner: "o", due: "2024-06-01", status: "open" }] });
    const doc = { ...i, ok: true as const, path: "incidents/detected-only.mdx", body: "", bodyLine: 1, blob: "b", warnings: [] };
    expect(toSearchDoc(doc, makeTaxonomy()).startedAt).toBe("2024-05-02T10:00:00Z");
    const [row] = buildFollowupRows([i], makeTaxonomy(), { now: new Date("2024-05-10T00:00:00Z"), timeZone: "UTC" });
    expect(row?.createdAt).toBe("2024-05-02T10:00:00Z");
    expect(row?.incident.started_at).toBe("2024-05-02T10:00:00Z");
  });
});

describe("open and overdue", () => {
  it("open means open or in progress", () => {
    expect(["open", "in-progress", "done", "wont-do"].map((s) => isOpen(s as "open"))).toEqual([true, true, false, false]);
  });

  it("a calendar due date ends at the end of that day in the organization's time zone", () => {
    const cm = { status: "open" as const, due: "2024-03-10" };
    // 19:00 on 10 March in Los Angeles, already 11 March in UTC.
    expect(isOverdue(cm, new Date("2024-03-11T02:00:00Z"), "UTC")).toBe(true);
    expect(isOverdue(cm, new Date("2024-03-11T02:00:00Z"), LA)).toBe(false);
    expect(isOverdue(cm, new Date("2024-03-11T08:00:00Z"), LA)).toBe(true);
    expect(isOverdue({ ...cm, status: "done" }, new Date("2025-01-01T00:00:00Z"), LA)).toBe(false);
  });

  it("the overview counts overdue countermeasures in the organization's time zone, as the dashboard does", () => {
    const incidents = [inc("x", { started_at: "2024-03-01T00:00:00Z", countermeasures: [{ id: "cm-1", title: "t", type: "detect", owner: "o", due: "2024-03-10", status: "open" }] })];
    const now = new Date("2024-03-11T02:00:00Z");
    const rows = buildFollowupRows(incidents, makeTaxonomy(), { now, timeZone: LA });
    expect(rows.filter((r) => r.overdue)).toHaveLength(0);
    expect(overview(incidents, makeTaxonomy(), now, { timeZone: LA }).countermeasures.overdue).toBe(0);
    expect(overview(incidents, makeTaxonomy(), now, { timeZone: "UTC" }).countermeasures.overdue).toBe(1);
  });
});

describe("after a countermeasure was done", () => {
  it("a calendar done_at lasts until the end of that day in the organization's time zone (across a DST change)", () => {
    expect(doneAtMs("2024-03-10", "UTC")).toBe(Date.parse("2024-03-10T23:59:59.999Z"));
    // Daylight saving time starts in Los Angeles on 10 March 2024: the day ends at 07:00 UTC, not 08:00.
    expect(doneAtMs("2024-03-10", LA)).toBe(Date.parse("2024-03-11T06:59:59.999Z"));
    expect(doneAtMs("2024-11-03", LA)).toBe(Date.parse("2024-11-04T07:59:59.999Z"));
    expect(doneAtMs("2024-03-10", "Asia/Tokyo")).toBe(Date.parse("2024-03-10T14:59:59.999Z"));
    expect(doneAtMs("2024-03-10T12:00:00Z", LA)).toBe(Date.parse("2024-03-10T12:00:00Z"));
    expect(doneAtMs(undefined)).toBeNull();
    expect(doneAtMs("not a date")).toBeNull();
  });

  it("factor pages, the incident page and the dashboard agree: an incident the same local day is not a recurrence", () => {
    vi.stubEnv("KAIZEN_TIME_ZONE", LA);
    const taxonomy = makeTaxonomy();
    const incidents = [
      inc("fixed", {
        started_at: "2024-03-01T00:00:00Z",
        contributing_factors: factors("retry-storm"),
        countermeasures: [{ id: "cm-1", title: "jitter", type: "prevent", owner: "o", due: "2024-03-05", status: "done", done_at: "2024-03-10", addresses: ["retry-storm"] }],
      }),
      // 19:00 on 10 March in Los Angeles: the day the countermeasure was done, not after it.
      inc("same-day", { started_at: "2024-03-11T02:00:00Z", contributing_factors: factors("retry-storm") }),
      inc("next-day", { started_at: "2024-03-11T08:00:00Z", contributing_factors: factors("retry-storm") }),
    ];
    const rows = buildFollowupRows(incidents, taxonomy, { now: new Date("2024-04-01T00:00:00Z"), timeZone: LA });
    expect(rows[0]?.recurredAfterDone.map((h) => h.incidentId)).toEqual(["next-day"]);
    expect(recurrencesForFactor(incidents, taxonomy, "retry-storm").map((r) => r.recurredIn.incidentId)).toEqual(["next-day"]);
    expect(recurrencesForIncident(incidents, taxonomy, "same-day").recurred).toEqual([]);
    expect(recurringIncidentCounts(incidents, taxonomy).get("retry-storm")).toBe(1);
    expect(factorRecurrenceSummary(incidents, taxonomy, "retry-storm").incidents).toBe(1);
  });
});

describe("who may see an entry", () => {
  const broken = (access: BrokenIncident["access"]): BrokenIncident => ({ ok: false, id: "b", path: "incidents/b.mdx", blob: "x", problems: [], access });

  it("incidents: internal for every reader, restricted for admins and the groups", () => {
    const restricted = { ...inc("r", { visibility: "restricted", groups: ["security"] }), ok: true as const, path: "", body: "", bodyLine: 1, blob: "", warnings: [] };
    expect([reader, member, admin].map((v) => canReadEntry(v, restricted))).toEqual([false, true, true]);
  });

  it("broken files: their readable visibility, else admins only", () => {
    expect([reader, member, admin].map((v) => canReadEntry(v, broken({ visibility: "internal", groups: [] })))).toEqual([true, true, true]);
    expect([reader, member, admin].map((v) => canReadEntry(v, broken({ visibility: "restricted", groups: ["security"] })))).toEqual([false, true, true]);
    expect([reader, member, admin].map((v) => canReadEntry(v, broken(null)))).toEqual([false, false, true]);
    expect(canReadEntry(null, broken({ visibility: "internal", groups: [] }))).toBe(false);
  });
});
