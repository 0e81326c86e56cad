import { describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { canReadEntry } from "../../lib/knowledge/facts";
import { memoByList } from "../../lib/knowledge/incident-view";
import { buildKnowledge } from "../../lib/knowledge/model";
import { overview } from "../../lib/knowledge/overview";
import { taxonomyCare } from "../../lib/knowledge/taxonomy-care";
import { doneCm, factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const tax = makeTaxonomy();
const now = new Date("2026-06-15T00:00:00Z");

const incidents = [
  inc("open-1", { started_at: "2026-05-01T00:00:00Z", severity: "SEV1", teams: ["checkout"], services: ["api"], contributing_factors: factors("retry-storm", "missing-monitoring") }),
  inc("open-2", {
    started_at: "2026-06-01T00:00:00Z",
    severity: "SEV2",
    teams: ["search"],
    services: ["search"],
    contributing_factors: factors("retry-storm", "bad-config-push"),
    countermeasures: [doneCm("cm-1", "2026-06-02", ["retry-storm"])],
  }),
  inc("secret", {
    started_at: "2026-06-10T00:00:00Z",
    visibility: "restricted",
    groups: ["security"],
    teams: ["red-team"],
    services: ["vault"],
    summary: "The vault secret expired during rotation.",
    contributing_factors: factors("retry-storm", "certificate-expiry"),
  }),
];
const snapshot = { incidents, taxonomy: tax };
const reader: Viewer = { id: "r", name: "R", email: "r@example.com", role: "reader", groups: ["ops"] };
const admin: Viewer = { ...reader, id: "a", role: "admin", groups: [] };
/** What the page layer does: the model over the incidents the viewer may read. */
const visibleKnowledge = (s: typeof snapshot, viewer: Viewer, at: Date) =>
  buildKnowledge({ incidents: s.incidents.filter((i) => canReadEntry(viewer, { ...i, ok: true, path: "", body: "", bodyLine: 1, blob: "", warnings: [] })), taxonomy: s.taxonomy }, at);

describe("restricted incidents", () => {
  it("leave no trace in figures computed for a viewer outside their groups", () => {
    const k = visibleKnowledge(snapshot, reader, now);
    expect(k.incidents.map((i) => i.id)).toEqual(["open-1", "open-2"]);
    const retry = k.factorLink("retry-storm");
    expect(retry?.teams.map((t) => t.name)).not.toContain("red-team");
    expect(retry?.services.map((s) => s.name)).not.toContain("vault");
    expect(k.factorLink("certificate-expiry")?.incidents).toEqual([]);
    expect(k.recurrences()).toEqual([]);
    expect(k.learnings().flatMap((l) => l.incidentIds)).not.toContain("secret");
    expect(k.overview().totals.incidents).toBe(2);
    expect(k.suggest("vault secret expired", { minConfidence: 0 })).toEqual([]);
  });

  it("are counted for an admin", () => {
    const k = visibleKnowledge(snapshot, admin, now);
    expect(k.factorLink("retry-storm")?.teams.map((t) => t.name)).toContain("red-team");
    expect(k.recurrences().map((r) => r.recurredIn.incidentId)).toEqual(["secret"]);
    expect(k.suggest("vault secret expired", { minConfidence: 0 }).map((s) => s.factor)).toContain("certificate-expiry");
  });
});

describe("buildKnowledge", () => {
  it("is memoized per list, taxonomy and day", () => {
    const k = buildKnowledge(snapshot, now);
    expect(buildKnowledge({ incidents, taxonomy: tax }, new Date("2026-06-15T18:00:00Z"))).toBe(k);
    expect(buildKnowledge({ incidents: [...incidents], taxonomy: tax }, now)).not.toBe(k);
  });

  it("memoByList keys on both identities", () => {
    let calls = 0;
    const f = memoByList((list: number[], key: { k: number }) => {
      calls++;
      return list.length + key.k;
    });
    const list = [1, 2];
    const key = { k: 1 };
    expect(f(list, key)).toBe(3);
    expect(f(list, key)).toBe(3);
    expect(f([1, 2], key)).toBe(3);
    expect(calls).toBe(2);
  });
});

describe("overview", () => {
  it("counts incidents by severity per month over the last months and lists recurring factors", () => {
    const o = overview(incidents.slice(0, 2), tax, now, { months: 3 });
    expect(o.byMonth).toEqual([
      { month: "2026-04", total: 0, SEV1: 0, SEV2: 0, SEV3: 0, SEV4: 0, none: 0 },
      { month: "2026-05", total: 1, SEV1: 1, SEV2: 0, SEV3: 0, SEV4: 0, none: 0 },
      { month: "2026-06", total: 1, SEV1: 0, SEV2: 1, SEV3: 0, SEV4: 0, none: 0 },
    ]);
    expect(o.topFactors.map((f) => f.factor)).toEqual(["retry-storm"]);
    expect(o.countermeasures).toEqual({ open: 0, done: 1, overdue: 0 });
  });

  it("counts in its window exactly the incidents its chart shows (the home page's cards use both)", () => {
    for (const months of [1, 2, 3, 12]) {
      const o = overview(incidents, tax, now, { months });
      expect(o.totals.inWindow).toBe(o.byMonth.reduce((n, m) => n + m.total, 0));
    }
  });
});

describe("taxonomy care", () => {
  it("finds unused factors, factors used once, merged ids still in use and unknown ids", () => {
    const list = [...incidents.slice(0, 2), inc("typo", { contributing_factors: factors("retry-strom") })];
    const care = taxonomyCare(list, tax);
    expect(care.unused.map((u) => u.factor)).toContain("never-used");
    expect(care.usedOnce.map((u) => u.factor)).toEqual(expect.arrayContaining(["missing-monitoring", "unvalidated-config-change"]));
    expect(care.mergedInUse).toEqual([{ oldId: "bad-config-push", newId: "unvalidated-config-change", incidentIds: ["open-2"] }]);
    expect(care.unknownInUse).toEqual([{ id: "retry-strom", incidentIds: ["typo"], suggestions: ["retry-storm"] }]);
  });
});
