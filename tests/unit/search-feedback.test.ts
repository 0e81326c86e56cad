import { describe, expect, it } from "vitest";
import { buildSearchIndex } from "../../lib/search/build";
import { isQuestion } from "../../lib/search/feedback";
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
    // Below every exact match: about feedbackWeight times what the query's own words give a document matching them all
    // (a little more when the feedback words saturate higher in it than the query's words do in the exact matches).
    const exact = Math.min(...res.filter((r) => r.id.startsWith("exact-")).map((r) => r.score));
    const cluster = res.find((r) => r.id === "cluster")?.score ?? Infinity;
    expect(cluster).toBeLessThan(exact);
    expect(cluster).toBeLessThan(1.25 * RANKING.feedbackWeight * (res[0]?.score ?? 0));
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

  it("tells a question from a description by the query's own words", () => {
    for (const q of ["why did the fencing token expire", "Has a leader handoff ever lost writes", "what went wrong", "leader handoff lost writes?", "  Did  the token expire"]) expect(isQuestion(q)).toBe(true);
    for (const q of ["fencing token expired during leader handoff", "whatever happened", "hash collision in the cache", "", "dns"]) expect(isQuestion(q)).toBe(false);
  });

  it("gives a question its own feedback share and a description the plain one", () => {
    const saved = { ...RANKING };
    try {
      const clusterOf = (q: string) => search(index, q, { limit: 10 }).results.find((r) => r.id === "cluster")?.score;
      const description = "fencing token expired leader handoff";
      const question = "why did the fencing token expire at leader handoff";
      RANKING.feedbackWeight = 0.5;
      RANKING.questionFeedbackWeight = 1;
      const d = clusterOf(description) ?? 0;
      const q = clusterOf(question) ?? 0;
      expect(d).toBeGreaterThan(0);
      // Same content words, so the same first pass: only the share differs.
      expect(q / d).toBeCloseTo(2, 5);
      RANKING.questionFeedbackWeight = 0;
      expect(clusterOf(question)).toBeUndefined();
      expect(clusterOf(description)).toBeCloseTo(d, 9);
    } finally {
      Object.assign(RANKING, saved);
    }
  });
});
