import { describe, expect, it } from "vitest";
import { suggestFactors } from "../../lib/knowledge/suggest";
import { stem } from "../../lib/text/analyze";
import { factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const tax = makeTaxonomy();

describe("stemmer", () => {
  it("brings inflections of a word together", () => {
    expect(new Set(["expired", "expires", "expiring", "expire"].map(stem)).size).toBe(1);
    expect(stem("retries")).toBe(stem("retry"));
    expect(stem("connections")).toBe(stem("connection"));
  });
});

describe("suggestFactors", () => {
  it("suggests a factor from an alias phrase, stemmed", () => {
    const s = suggestFactors("A thundering herd of clients hammered the API; too many connections were opened.", tax);
    expect(s.map((x) => x.factor)).toEqual(expect.arrayContaining(["retry-storm", "connection-pool-exhaustion"]));
    const retry = s.find((x) => x.factor === "retry-storm");
    expect(retry?.confidence).toBeGreaterThanOrEqual(0.5);
    expect(retry?.reasons).toContain('phrase "thundering herd"');
    expect(suggestFactors("The certificates expired overnight", tax, undefined, { minConfidence: 0 })[0]?.factor).toBe("certificate-expiry");
  });

  it("resolves a merged factor's alias to the factor it was merged into", () => {
    expect(suggestFactors("a config push broke routing", tax, undefined, { minConfidence: 0 }).map((x) => x.factor)).toEqual(["unvalidated-config-change"]);
  });

  it("catches a misspelt word by edit distance", () => {
    const s = suggestFactors("the certifcate lapsed", tax, undefined, { minConfidence: 0 });
    expect(s[0]?.factor).toBe("certificate-expiry");
    expect(s[0]?.reasons).toEqual(['close to "certificate"']);
  });

  it("gives nothing above the threshold for unrelated text", () => {
    expect(suggestFactors("The cafeteria menu changed on Tuesday and lunch was served later than usual.", tax)).toEqual([]);
  });

  it("learns from past incidents that used a factor (notes and summaries)", () => {
    const past = [
      inc("p1", { summary: "Partner batch flooded the quote endpoint.", contributing_factors: [{ factor: "alert-fatigue", note: "warning drowned among forty others in the channel" }] }),
      inc("p2", { summary: "Billing export.", contributing_factors: [{ factor: "alert-fatigue", note: "the warning was lost in a busy channel" }] }),
      inc("p3", { summary: "Cache flush.", contributing_factors: factors("retry-storm") }),
    ];
    const text = "The warning was lost among many others in the channel.";
    expect(suggestFactors(text, tax)).toEqual([]);
    const s = suggestFactors(text, tax, past);
    expect(s[0]?.factor).toBe("alert-fatigue");
    expect(s[0]?.reasons[0]).toMatch(/^like 2 past incidents with this factor: /);
  });

  it("weighs the title above the body and leaves out excluded factors", () => {
    const inTitle = suggestFactors({ title: "retries everywhere", body: "" }, tax, undefined, { minConfidence: 0 })[0]?.confidence ?? 0;
    const inBody = suggestFactors({ title: "", body: "retries everywhere" }, tax, undefined, { minConfidence: 0 })[0]?.confidence ?? 0;
    expect(inTitle).toBeGreaterThan(inBody);
    expect(suggestFactors("thundering herd", tax, undefined, { exclude: ["retry-storm"], minConfidence: 0 })).toEqual([]);
  });
});
