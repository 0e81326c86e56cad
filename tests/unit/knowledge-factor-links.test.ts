import { describe, expect, it } from "vitest";
import { coOccurrences, factorLink, factorLinks, factorLinksInSteps, monthlySeries } from "../../lib/knowledge/factor-links";
import { doneCm, factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const tax = makeTaxonomy();

describe("factor links", () => {
  const incidents = [
    inc("b", { started_at: "2026-03-02T10:00:00Z", severity: "SEV1", teams: ["payments"], services: ["ledger"], contributing_factors: [{ factor: "retry-storm", note: "clients retried" }] }),
    inc("a", {
      started_at: "2026-01-05T10:00:00Z",
      severity: "SEV2",
      teams: ["checkout"],
      services: ["checkout-api", "ledger"],
      contributing_factors: factors("retry-storm", "missing-monitoring"),
      countermeasures: [doneCm("cm-1", "2026-01-20", ["retry-storm"]), { id: "cm-2", title: "alert", type: "detect", owner: "o", due: "2026-02-01", status: "open", addresses: ["missing-monitoring"] }],
    }),
    inc("c", { started_at: "2026-03-20T10:00:00Z", teams: ["search"], contributing_factors: factors("bad-config-push") }),
    inc("d", { started_at: "2026-04-01T10:00:00Z", teams: ["search"], contributing_factors: factors("unvalidated-config-change") }),
  ];

  it("lists a factor's incidents oldest first with teams, services, severity mix and notes", () => {
    const link = factorLink(incidents, tax, "retry-storm");
    expect(link?.incidents.map((i) => i.id)).toEqual(["a", "b"]);
    expect(link?.incidents[1]?.note).toBe("clients retried");
    expect(link?.teams.map((t) => t.name).sort()).toEqual(["checkout", "payments"]);
    expect(link?.services).toEqual([{ name: "ledger", count: 2 }, { name: "checkout-api", count: 1 }]);
    expect(link?.severity).toMatchObject({ SEV1: 1, SEV2: 1, SEV3: 0 });
    expect(link?.monthly).toEqual([{ month: "2026-01", count: 1 }, { month: "2026-03", count: 1 }]);
    expect(link?.firstSeen).toBe("2026-01-05T10:00:00Z");
  });

  it("counts an old merged id under the factor it was merged into", () => {
    const link = factorLink(incidents, tax, "unvalidated-config-change");
    expect(link?.incidents.map((i) => i.id)).toEqual(["c", "d"]);
    expect(link?.mergedIds).toEqual(["bad-config-push"]);
    expect(factorLink(incidents, tax, "bad-config-push")?.factor).toBe("unvalidated-config-change");
    expect(factorLinks(incidents, tax).some((l) => l.factor === "bad-config-push")).toBe(false);
  });

  it("lists the countermeasures addressing a factor with their status", () => {
    const link = factorLink(incidents, tax, "missing-monitoring");
    expect(link?.countermeasures).toEqual([
      { incidentId: "a", incidentTitle: "a", id: "cm-2", title: "alert", type: "detect", owner: "o", due: "2026-02-01", status: "open", done_at: null },
    ]);
    expect(factorLink(incidents, tax, "retry-storm")?.countermeasureCounts).toEqual({ done: 1, open: 0, wontDo: 0 });
  });

  it("includes unused active factors with no incidents", () => {
    expect(factorLink(incidents, tax, "never-used")?.incidents).toEqual([]);
  });

  it("buckets occurrences into the last N months relative to now, zeros included", () => {
    const monthly = factorLink(incidents, tax, "retry-storm")?.monthly ?? [];
    expect(monthlySeries(monthly, new Date("2026-03-15T00:00:00Z"), 3)).toEqual([
      { month: "2026-01", count: 1 },
      { month: "2026-02", count: 0 },
      { month: "2026-03", count: 1 },
    ]);
  });
});

describe("co-occurrence", () => {
  // "retry-storm" is in almost every incident; "clock-skew" and "certificate-expiry" meet only in two, but always together.
  const list = [
    inc("1", { contributing_factors: factors("retry-storm", "clock-skew", "certificate-expiry") }),
    inc("2", { contributing_factors: factors("retry-storm", "clock-skew", "certificate-expiry") }),
    inc("3", { contributing_factors: factors("retry-storm", "alert-fatigue") }),
    inc("4", { contributing_factors: factors("retry-storm") }),
    inc("5", { contributing_factors: factors("retry-storm") }),
    inc("6", { contributing_factors: factors("retry-storm") }),
    inc("7", { contributing_factors: factors("missing-monitoring") }),
    inc("8", { contributing_factors: factors("missing-monitoring") }),
  ];

  it("ranks by lift so a frequent factor does not crowd out a specific partner", () => {
    const co = coOccurrences(list, tax).get("clock-skew") ?? [];
    expect(co.map((c) => c.factor)).toEqual(["certificate-expiry", "retry-storm"]);
    expect(co[0]).toMatchObject({ count: 2, lift: 4, jaccard: 1 });
    expect(co[1]).toMatchObject({ count: 2, lift: 1.333, jaccard: 0.333 });
  });

  it("needs a minimum support of two shared incidents", () => {
    expect((coOccurrences(list, tax).get("alert-fatigue") ?? []).length).toBe(0);
    expect((coOccurrences(list, tax, 1).get("alert-fatigue") ?? []).map((c) => c.factor)).toEqual(["retry-storm"]);
  });
});

describe("factor links built in steps", () => {
  const many = Array.from({ length: 30 }, (_, n) =>
    inc(`i${n}`, {
      started_at: `2026-01-${String((n % 28) + 1).padStart(2, "0")}T10:00:00Z`,
      teams: [n % 2 ? "search" : "payments"],
      contributing_factors: factors(...(n % 3 ? ["retry-storm", "missing-monitoring"] : ["bad-config-push", "retry-storm"])),
      countermeasures: n % 4 ? [] : [doneCm(`cm-${n}`, "2026-01-03", ["retry-storm"])],
    }),
  );

  it("give the links of one build, a slice per pause, memoized for the pages", async () => {
    const list = [...many];
    let pauses = 0;
    await factorLinksInSteps(list, tax, async () => void pauses++, { sliceMs: 0, chunk: 7 });
    expect(pauses).toBe(Math.ceil(list.length / 7));
    const links = factorLinks(list, tax);
    expect(links).toEqual(factorLinks([...many], tax));
    expect(factorLinks(list, tax)).toBe(links);
    expect(links.find((l) => l.factor === "retry-storm")?.coOccurring).toEqual(coOccurrences(list, tax).get("retry-storm"));
  });

  it("a request during the build finishes it and the background build stops", async () => {
    const list = [...many];
    let pauses = 0;
    let fromRequest: ReturnType<typeof factorLinks> | null = null;
    await factorLinksInSteps(
      list,
      tax,
      async () => {
        pauses++;
        if (pauses === 2) fromRequest = factorLinks(list, tax);
      },
      { sliceMs: 0, chunk: 7 },
    );
    expect(pauses).toBe(2);
    expect(fromRequest).toEqual(factorLinks([...many], tax));
    expect(factorLinks(list, tax)).toBe(fromRequest);
  });

  it("does nothing for a list whose links are memoized", async () => {
    const list = [...many];
    const links = factorLinks(list, tax);
    let pauses = 0;
    await factorLinksInSteps(list, tax, async () => void pauses++, { sliceMs: 0, chunk: 7 });
    expect(pauses).toBe(0);
    expect(factorLinks(list, tax)).toBe(links);
  });
});
