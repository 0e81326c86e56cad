import { describe, expect, it } from "vitest";
import { relatedIncidents, similarIncidentsForText } from "../../lib/knowledge/related";
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
