import { describe, expect, it } from "vitest";
import { buildSearchIndex } from "../../lib/search/build";
import { MAX_GROUPS } from "../../lib/search/plan";
import { draftQuery, similarToDraft } from "../../lib/search/similar";
import { sdoc } from "./search-fixtures";

// "Seen before?" over the search engine: a draft's title, summary, timeline and factors as the query.
const NAMES = new Map([
  ["connection-pool-exhaustion", "connection-pool-exhaustion"],
  ["pool-exhaustion", "connection-pool-exhaustion"],
  ["missing-monitoring", "missing-monitoring"],
]);
const LABELS = new Map([
  ["connection-pool-exhaustion", "Connection pool exhaustion"],
  ["missing-monitoring", "Missing monitoring"],
]);

const DOCS = [
  sdoc("pool-2023", {
    title: "Checkout timeouts while the database connection pool was exhausted",
    summary: "Requests waited for a connection from the pool until they timed out.",
    factorIds: ["connection-pool-exhaustion"],
    factorText: "connection-pool-exhaustion Connection pool exhaustion",
    services: ["checkout"],
  }),
  sdoc("quiet-disk", {
    title: "Disk filled up on the log host",
    summary: "Nobody was paged while the disk filled.",
    factorIds: ["missing-monitoring"],
    factorText: "missing-monitoring Missing monitoring",
  }),
  sdoc("pool-secret", {
    title: "Ledger database connection pool exhausted by a leaked transaction",
    summary: "A transaction held connections from the pool; requests timed out waiting for one.",
    factorIds: ["connection-pool-exhaustion"],
    factorText: "connection-pool-exhaustion Connection pool exhaustion",
    restricted: true,
  }),
  sdoc("draft-itself", {
    title: "Checkout requests timed out waiting for database connections",
    summary: "The pool ran out of connections.",
  }),
];
const index = buildSearchIndex(DOCS, NAMES, LABELS);
const draft = {
  title: "Checkout requests timed out waiting for database connections",
  summary: "The pool ran out of connections during the sale.",
  timeline: ["10:02 latency alert for checkout", "10:15 pool size raised, requests recover"],
  factors: ["connection-pool-exhaustion"],
};

describe("similar incidents through the search engine", () => {
  it("finds the incident that reads like the draft and says why: shared factors and matched words", () => {
    const out = similarToDraft(index, draft, { exclude: "draft-itself", canSee: (id) => id !== "pool-secret" });
    expect(out[0]?.id).toBe("pool-2023");
    expect(out[0]?.sharedFactors).toEqual([{ factor: "connection-pool-exhaustion", name: "Connection pool exhaustion" }]);
    expect(out[0]?.matchedTerms.map((t) => t.toLowerCase())).toEqual(expect.arrayContaining(["checkout", "pool"]));
    expect(out.map((r) => r.id)).not.toContain("draft-itself");
  });

  it("never returns an incident the viewer may not see, and finds it for one who may", () => {
    const hidden = similarToDraft(index, draft, { exclude: "draft-itself", canSee: (id) => id !== "pool-secret" });
    expect(hidden.map((r) => r.id)).not.toContain("pool-secret");
    const member = similarToDraft(index, draft, { exclude: "draft-itself", canSee: () => true });
    expect(member.map((r) => r.id)).toContain("pool-secret");
  });

  it("answers a viewer outside the group exactly as an index without the restricted incident would", () => {
    const without = buildSearchIndex(DOCS.filter((d) => d.id !== "pool-secret"), NAMES, LABELS);
    const hidden = similarToDraft(index, draft, { canSee: (id) => id !== "pool-secret" });
    expect(hidden).toEqual(similarToDraft(without, draft, { canSee: () => true }));
  });

  it("finds incidents by the draft's factors alone, and nothing for an empty draft", () => {
    const out = similarToDraft(index, { factors: ["missing-monitoring"] }, { canSee: () => true });
    expect(out[0]?.id).toBe("quiet-disk");
    expect(out[0]?.sharedFactors.map((f) => f.name)).toEqual(["Missing monitoring"]);
    expect(similarToDraft(index, { title: "  ", summary: "the of and" })).toEqual([]);
  });

  it("turns a draft into plain words: title first, no query syntax, no repeats, at most MAX_GROUPS words", () => {
    const q = draftQuery(index, { title: 'Pool "exhausted" -checkout severity:SEV1', summary: "pool pools exhausted", timeline: ["a b c"] });
    expect(q).toBe("pool exhausted checkout severity sev1");
    const long = draftQuery(index, { summary: Array.from({ length: 80 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`).join(" ") });
    expect(long.split(" ")).toHaveLength(MAX_GROUPS);
  });
});
