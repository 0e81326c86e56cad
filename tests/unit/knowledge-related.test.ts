import { describe, expect, it } from "vitest";
import { buildTextIndex, buildTextIndexInBackground, relatedIncidents, similarIncidentsForText, vectorOf } from "../../lib/knowledge/related";
import { factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const tax = makeTaxonomy();

const incidents = [
  inc("base", { title: "Checkout errors", summary: "Clients retried and the connection pool saturated.", contributing_factors: factors("retry-storm", "clock-skew", "missing-monitoring") }),
  inc("twin", { title: "Ledger errors", summary: "Storage write amplification.", contributing_factors: factors("retry-storm", "clock-skew") }),
  inc("common", { title: "Search slow", summary: "Indexing lagged behind.", contributing_factors: factors("missing-monitoring") }),
  inc("common-2", { title: "Mail delayed", summary: "Queue paused.", contributing_factors: factors("missing-monitoring") }),
  inc("common-3", { title: "Maps down", summary: "Tiles missing.", contributing_factors: factors("missing-monitoring") }),
  inc("texty", { title: "Quote latency", summary: "The connection pool saturated under a partner batch; connection pool wait time rose." }),
  inc("unrelated", { title: "Office wifi", summary: "Printer queue jammed in the lobby." }),
];

describe("related incidents", () => {
  const related = relatedIncidents(incidents, tax, "base", { limit: 10 });

  it("ranks rare shared factors above a common one and says which factors are shared", () => {
    expect(related[0]?.id).toBe("twin");
    expect(related[0]?.reasons).toContain("shares 2 factors: clock-skew, retry-storm");
    const common = related.find((r) => r.id === "common");
    expect(common?.reasons).toContain("shares 1 factor: missing-monitoring");
    expect((common?.factorScore ?? 1) < (related[0]?.factorScore ?? 0)).toBe(true);
  });

  it("finds text-similar incidents with the shared words as the reason", () => {
    const texty = related.find((r) => r.id === "texty");
    expect(texty?.sharedFactors).toEqual([]);
    expect(texty?.reasons.some((r) => r.startsWith("similar text:") && r.includes("connection pool"))).toBe(true);
  });

  it("never returns the incident itself or unrelated ones, and respects the limit", () => {
    expect(related.some((r) => r.id === "base" || r.id === "unrelated")).toBe(false);
    expect(relatedIncidents(incidents, tax, "base", { limit: 1 })).toHaveLength(1);
    expect(relatedIncidents(incidents, tax, "missing")).toEqual([]);
  });

  it("finds past incidents like a draft's text", () => {
    expect(similarIncidentsForText(incidents, "our connection pool saturated again")[0]?.id).toBe("texty");
  });
});

describe("related-incidents index built in the background", () => {
  const many = Array.from({ length: 230 }, (_, n) => inc(`i-${n}`, { title: `Incident ${n} ${n % 7 ? "queue backlog" : "connection pool"}`, summary: `Service ${n % 11} slowed.` }));

  it("builds the same index as the synchronous build, and a request meanwhile finishes that build instead of starting over", async () => {
    const reference = buildTextIndex([...many]);
    const list = [...many];
    const pending = buildTextIndexInBackground(list);
    // Let a few steps run, then ask synchronously (a request arriving mid-build).
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    const now = buildTextIndex(list);
    expect(await pending).toBe(now);
    expect(now.size).toBe(230);
    expect(now.ids).toEqual(reference.ids);
    expect(vectorOf(now, "i-14")).toEqual(vectorOf(reference, "i-14"));
    expect([...now.termNames].sort()).toEqual([...reference.termNames].sort());
  });

  it("gives a related-incidents answer identical to one built on the request path", async () => {
    const list = [...many];
    await buildTextIndexInBackground(list);
    expect(relatedIncidents(list, tax, "i-7", { limit: 5 })).toEqual(relatedIncidents([...many], tax, "i-7", { limit: 5 }));
  });
});

describe("related-incidents index layout", () => {
  it("keeps each incident's vector as a unit vector whose terms list that incident in their postings", () => {
    const index = buildTextIndex(incidents);
    const v = vectorOf(index, "texty");
    expect(v.size).toBeGreaterThan(0);
    expect(Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 9);
    const doc = index.byId.get("texty") ?? -1;
    for (const [t, w] of v) {
      const tid = index.termIds.get(t) ?? -1;
      const at = [...(index.postDocs[tid] ?? [])].indexOf(doc);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(index.postWeights[tid]?.[at]).toBe(w);
    }
    expect(vectorOf(index, "no-such-incident").size).toBe(0);
  });
});
