import { describe, expect, it } from "vitest";
import { buildSearchIndex } from "../../lib/search/build";
import { RANKING, search } from "../../lib/search/search";
import { sdoc } from "./search-fixtures";

// Words the best matches share besides the query's: what pseudo-relevance feedback adds to a longer query.
const SHARED = Array.from({ length: 30 }, (_, i) => `shared${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
const filler = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");

const docs = [
  // Short reports that say exactly what the query says (and a little of the shared vocabulary).
  ...["a", "b", "c"].map((k) =>
    sdoc(`exact-${k}`, { title: `Fencing token expired during leader handoff ${k}`, summary: `${SHARED.join(" ")}.`, text: filler(20) }),
  ),
  // A long "cluster" report: none of the query's words, every shared word many times.
  sdoc("cluster", { title: "Storage platform retrospective", summary: SHARED.join(" "), text: `${SHARED.join(" ")} `.repeat(30) + filler(400) }),
  // Unrelated incidents, so the shared words are rare enough to be chosen.
  ...Array.from({ length: 30 }, (_, i) => sdoc(`other-${i}`, { title: `Unrelated incident ${i}`, text: `${filler(50)} other${i}` })),
];
const index = buildSearchIndex(docs);

describe("pseudo-relevance feedback", () => {
  it("gives the expansion a share of the query's weight: a document matching only feedback words stays below exact matches", () => {
    const res = search(index, "fencing token expired leader handoff", { limit: 10 }).results;
    const ids = res.map((r) => r.id);
    expect(ids.slice(0, 3).sort()).toEqual(["exact-a", "exact-b", "exact-c"]);
    // At most feedbackWeight times what the query's own words give a document matching them all.
    const exact = res[0]?.score ?? 0;
    const cluster = res.find((r) => r.id === "cluster")?.score ?? Infinity;
    expect(cluster).toBeLessThan(RANKING.feedbackWeight * exact);
    // It is still found: feedback exists to reach incidents that describe the same thing in other words.
    expect(ids).toContain("cluster");
  });

  it("scales with feedbackWeight, not with how many terms were added", () => {
    const saved = { ...RANKING };
    try {
      const scoreOf = () => search(index, "fencing token expired leader handoff", { limit: 10 }).results.find((r) => r.id === "cluster")?.score ?? 0;
      RANKING.feedbackTerms = 4;
      const few = scoreOf();
      RANKING.feedbackTerms = 30;
      const many = scoreOf();
      // More expansion terms spread the same mass; they do not multiply it.
      expect(many).toBeLessThan(few * 2);
      expect(many).toBeGreaterThan(0);
    } finally {
      Object.assign(RANKING, saved);
    }
  });
});
