import { describe, expect, it } from "vitest";
import { buildSearchIndex } from "../../lib/search/build";
import { recognizeConcepts } from "../../lib/search/concepts";
import { RANKING } from "../../lib/search/ranking";
import { search } from "../../lib/search/search";
import { sdoc } from "./search-fixtures";

// A small knowledge base where the factor is recorded on incidents whose text describes it in other words.
// Normalized factor names and aliases → canonical id, as build.ts makes them from a taxonomy.
const NAMES = new Map([
  ["missing-monitoring", "missing-monitoring"],
  ["no-alert", "missing-monitoring"],
  ["retry-storm", "retry-storm"],
  ["thundering-herd", "retry-storm"],
]);
const LABELS = new Map([
  ["missing-monitoring", "Missing monitoring"],
  ["retry-storm", "Retry storm"],
]);

const DOCS = [
  sdoc("quiet-queue", {
    title: "Queue backlog grew for hours unnoticed",
    summary: "Nobody was paged while the checkout queue backed up.",
    services: ["checkout"],
    factorIds: ["missing-monitoring"],
    factorText: "missing-monitoring Missing monitoring",
    startedAt: "2024-01-01T00:00:00Z",
  }),
  sdoc("loud-queue", {
    title: "Queue backlog after a deploy",
    summary: "The checkout queue backed up after a deploy; the alert fired at once.",
    services: ["checkout"],
    startedAt: "2024-06-01T00:00:00Z",
  }),
  sdoc("reconnects", {
    title: "Clients reconnected all at once",
    summary: "Every client reconnected when the broker came back and overloaded it.",
    services: ["broker"],
    factorIds: ["retry-storm"],
    factorText: "retry-storm Retry storm",
    severity: "SEV1",
  }),
  sdoc("secret-herd", {
    title: "Clients reconnected all at once to the vault",
    summary: "Every client reconnected when the vault came back and overloaded it.",
    services: ["vault"],
    teams: ["security"],
    factorIds: ["retry-storm"],
    factorText: "retry-storm Retry storm",
    restricted: true,
  }),
];
const index = buildSearchIndex(DOCS, NAMES, LABELS);
const everyone = (id: string) => id !== "secret-herd";

describe("query understanding", () => {
  it("recognizes a factor alias, a service and a severity in a free query, with one typo and words apart", () => {
    const concepts = recognizeConcepts(index.view(), "sev1 no alert when the chekout queue grew");
    expect(concepts.map((c) => `${c.kind}: ${c.label}`).sort()).toEqual(["factor: Missing monitoring", "service: checkout", "severity: SEV1"]);
  });

  it("boosts the incidents carrying the named factor, without filtering the others out", () => {
    const query = "checkout queue backlog with no alert";
    const scores = () => new Map(search(index, query, { canSee: everyone }).results.map((r) => [r.id, r.score]));
    const saved = RANKING.conceptWeight;
    let without: Map<string, number>;
    try {
      RANKING.conceptWeight = 0;
      without = scores();
    } finally {
      RANKING.conceptWeight = saved;
    }
    const withBoost = scores();
    const gain = (id: string) => (withBoost.get(id) ?? 0) - (without.get(id) ?? 0);
    // Both are checkout incidents (the service boosts both); only one carries the factor.
    expect(gain("quiet-queue")).toBeGreaterThan(gain("loud-queue"));
    expect(withBoost.has("loud-queue")).toBe(true);
    const r = search(index, query, { canSee: everyone });
    expect(r.results.find((x) => x.id === "quiet-queue")?.why).toContain("factor: Missing monitoring");
    expect(r.results.find((x) => x.id === "loud-queue")?.why).not.toContain("factor: Missing monitoring");
  });

  it("gives a factor the share of the query its name accounts for; services and other names count as accounted for", () => {
    const share = (query: string, label: string) => recognizeConcepts(index.view(), query).find((c) => c.label === label)?.share;
    // The query is the name (or the name and a service): the factor is all it asks about.
    expect(share("thundering herd", "Retry storm")).toBe(1);
    expect(share("thundering herd broker", "Retry storm")).toBe(1);
    expect(share("thundring herd", "Retry storm")).toBe(1);
    // Two words of the name against two the names do not account for ("clients", "reconnected"): half.
    expect(share("thundering herd clients reconnected", "Retry storm")).toBeCloseTo(0.5, 9);
    expect(share("thundering herd clients reconnected", "Retry storm")).toBeGreaterThan(share("thundering herd clients reconnected to the queue backlog", "Retry storm") ?? 1);
    // A service is a name of one thing wherever it stands.
    expect(share("thundering herd clients reconnected to the broker", "broker")).toBe(1);
  });

  it("boosts the incidents carrying a factor less when its name is one part of a longer description", () => {
    // The boost alone (feedback off, so nothing else moves with it): the score with it less the score without.
    const gain = (query: string) => {
      const score = () => search(index, query, { canSee: everyone }).results.find((r) => r.id === "reconnects")?.score ?? 0;
      const saved = { ...RANKING };
      try {
        RANKING.feedbackWeight = 0;
        const withBoost = score();
        RANKING.conceptWeight = 0;
        return withBoost - score();
      } finally {
        Object.assign(RANKING, saved);
      }
    };
    const short = "clients reconnected thundering herd";
    const long = "clients reconnected thundering herd when it came back overloaded";
    const share = (query: string) => recognizeConcepts(index.view(), query).find((c) => c.label === "Retry storm")?.share ?? 0;
    expect(share(long)).toBeLessThan(share(short));
    expect(gain(long)).toBeGreaterThan(0);
    // Scores come back rounded, hence three places.
    expect(gain(long) / gain(short)).toBeCloseTo(share(long) / share(short), 3);
  });

  it("says why a result matched: the factor, the service", () => {
    const r = search(index, "thundering herd on the broker", { canSee: everyone });
    const top = r.results.find((x) => x.id === "reconnects");
    expect(top?.why).toEqual(expect.arrayContaining(["factor: Retry storm", "service: broker"]));
  });

  it("never recognizes, boosts or names what only a restricted incident has", () => {
    const concepts = recognizeConcepts(index.view([3]), "vault security team outage");
    expect(concepts).toEqual([]);
    const r = search(index, "thundering herd vault", { canSee: everyone });
    expect(r.results.map((x) => x.id)).not.toContain("secret-herd");
    expect(JSON.stringify(r)).not.toMatch(/vault|security/i);
  });

  it("counts a name only hidden incidents have like any other word in a factor's share, and scores the same", () => {
    const hidden = index.view([3]);
    const share = (query: string) => recognizeConcepts(hidden, query).find((c) => c.label === "Retry storm")?.share;
    // "vault" is a service of the restricted incident only: to this viewer it is a word no name accounts for.
    expect(share("thundering herd vault")).toBeCloseTo(share("thundering herd kettle") ?? 0, 9);
    expect(share("thundering herd vault")).toBeLessThan(1);
    const scores = (query: string) => search(index, query, { canSee: everyone }).results.map((x) => [x.id, x.score]);
    expect(scores("clients reconnected thundering herd vault")).toEqual(scores("clients reconnected thundering herd kettle"));
  });
});
