import { describe, expect, it } from "vitest";
import { categoryConfidences, factorCategoryMap } from "../../lib/knowledge/category-map";
import { suggestFactors } from "../../lib/knowledge/suggest";
import { Taxonomy } from "../../lib/schema/taxonomy";
import { phraseStems, stems } from "../../lib/text/analyze";
import { taxonomySchema } from "../../lib/schema/factors";

const tax = new Taxonomy(
  taxonomySchema.parse({
    categories: [
      { id: "capacity", name: "Capacity", maps_to: ["cascading-failure"] },
      { id: "security", name: "Security", maps_to: ["security"] },
      { id: "time", name: "Time", maps_to: ["time"] },
    ],
    factors: [
      { id: "cascade", name: "Failure cascaded", category: "capacity", description: "d", aliases: ["cascading failure", "domino effect"] },
      // Local exhaustion is not a cascade: an explicit empty mapping overrides the category's.
      { id: "pool-exhaustion", name: "Pool exhaustion", category: "capacity", description: "d", aliases: ["connection pool"], maps_to: [] },
      { id: "mfa-bypass", name: "MFA bypass", category: "security", description: "d", aliases: ["two-factor bypass"] },
      { id: "leap-second-skew", name: "Leap second", category: "time", description: "d", aliases: ["leap second"] },
      { id: "expiry", name: "Expiry", category: "time", description: "d", aliases: ["expired certificate"], maps_to: ["time", "security"] },
    ],
  }),
);

describe("phraseStems", () => {
  it("keeps the numerals that stems drops as stopwords", () => {
    expect(stems("leap second")).toEqual(["leap"]);
    expect(phraseStems("leap second")).toEqual(["leap", "second"]);
    expect(phraseStems("two-factor")).toEqual(["two", "factor"]);
    expect(phraseStems("a new version of the proxy")).toEqual(["new", "version", "proxy"]);
  });
});

describe("suggestFactors phrases with numerals", () => {
  it("does not let a phrase shrink to a generic word of it", () => {
    const none = suggestFactors("the factor that bypassed review", tax, undefined, { minConfidence: 0 });
    expect(none.map((s) => s.factor)).not.toContain("mfa-bypass");
    const some = suggestFactors("an attacker used a two-factor bypass", tax, undefined, { minConfidence: 0 });
    expect(some[0]?.factor).toBe("mfa-bypass");
  });

  it("needs both words of \"leap second\"", () => {
    expect(suggestFactors("a leap in traffic", tax, undefined, { minConfidence: 0 }).map((s) => s.factor)).not.toContain("leap-second-skew");
    expect(suggestFactors("the leap second at midnight", tax, undefined, { minConfidence: 0 })[0]?.factor).toBe("leap-second-skew");
  });
});

describe("factorCategoryMap", () => {
  it("uses a factor's own maps_to, even an empty one, before its category's", () => {
    const map = factorCategoryMap(tax);
    expect(map.get("cascade")).toEqual(["cascading-failure"]);
    expect(map.get("pool-exhaustion")).toEqual([]);
    expect(map.get("expiry")).toEqual(["time", "security"]);
  });
});

describe("categoryConfidences", () => {
  const map = factorCategoryMap(tax);

  it("combines factors pointing at the same category by noisy-or", () => {
    const c = categoryConfidences(
      [
        { factor: "leap-second-skew", confidence: 0.5 },
        { factor: "expiry", confidence: 0.5 },
      ],
      map,
    );
    expect(c.get("time")).toBe(0.75);
    expect(c.get("security")).toBe(0.5);
    expect(c.has("cascading-failure")).toBe(false);
  });

  it("ignores factors mapped to no category and clamps confidences", () => {
    const c = categoryConfidences(
      [
        { factor: "pool-exhaustion", confidence: 0.9 },
        { factor: "cascade", confidence: 1.2 },
        { factor: "unknown", confidence: 0.9 },
      ],
      map,
    );
    expect([...c]).toEqual([["cascading-failure", 1]]);
  });

  it("turns suggestions for a text into category confidences", () => {
    const s = suggestFactors("A domino effect: the cascading failure took the connection pool with it.", tax, undefined, { minConfidence: 0 });
    const c = categoryConfidences(s, map);
    expect(c.get("cascading-failure")).toBeGreaterThan(0.5);
    expect(c.size).toBe(1);
  });
});
