import { describe, expect, it } from "vitest";
import { parseQuery, MAX_QUERY_LENGTH } from "../../lib/search/query";

describe("parseQuery", () => {
  it("splits free words, phrases and exclusions", () => {
    const q = parseQuery('redis "connection pool" -staging timeout');
    expect(q.words.map((w) => w.text)).toEqual(["redis", "timeout"]);
    expect(q.phrases).toEqual(["connection pool"]);
    expect(q.excludes).toEqual(["staging"]);
    expect(q.errors).toEqual([]);
  });

  it("reads every filter", () => {
    const q = parseQuery("severity:sev1 status:published kind:near-miss service:checkout-api team:payments factor:clock-skew tag:dns after:2024-01-01 before:2024-12-31 disk");
    expect(q.filters.severity).toEqual(["SEV1"]);
    expect(q.filters.status).toEqual(["published"]);
    expect(q.filters.kind).toEqual(["near-miss"]);
    expect(q.filters.service).toEqual(["checkout-api"]);
    expect(q.filters.team).toEqual(["payments"]);
    expect(q.filters.factor).toEqual(["clock-skew"]);
    expect(q.filters.tag).toEqual(["dns"]);
    expect(q.after).toBe(Date.UTC(2024, 0, 1));
    expect(q.before).toBe(Date.UTC(2024, 11, 31));
    expect(q.words.map((w) => w.text)).toEqual(["disk"]);
    expect(q.errors).toEqual([]);
  });

  it("accepts comma lists and quoted filter values", () => {
    const q = parseQuery('severity:SEV1,SEV2 service:"checkout api"');
    expect(q.filters.severity).toEqual(["SEV1", "SEV2"]);
    expect(q.filters.service).toEqual(["checkout api"]);
  });

  it("explains an unknown filter with the closest known one", () => {
    const q = parseQuery("sevrity:SEV1 disk");
    expect(q.errors).toHaveLength(1);
    expect(q.errors[0]).toMatch(/unknown filter "sevrity:".*severity:/);
  });

  it("rejects a bad date, a bad severity and a bad status", () => {
    expect(parseQuery("after:2024-13-01").errors[0]).toMatch(/after: expects a date as YYYY-MM-DD/);
    expect(parseQuery("before:yesterday").errors[0]).toMatch(/before: expects a date/);
    expect(parseQuery("severity:SEV9").errors[0]).toMatch(/severity: expects one of/);
    expect(parseQuery("status:closed").errors[0]).toMatch(/status: expects one of draft, in-review, published/);
  });

  it("reports an unclosed quote", () => {
    const q = parseQuery('"connection pool');
    expect(q.errors[0]).toMatch(/unclosed quote/);
  });

  it("refuses a query longer than the limit without parsing it", () => {
    const q = parseQuery("a".repeat(MAX_QUERY_LENGTH + 1));
    expect(q.errors[0]).toMatch(/too long/);
    expect(q.words).toEqual([]);
  });

  it("keeps identifiers with colons and dashes as words", () => {
    const q = parseQuery("us-east-1 http://example.com 10:30");
    expect(q.errors).toEqual([]);
    expect(q.words.map((w) => w.text)).toEqual(["us-east-1", "http://example.com", "10:30"]);
  });

  it("marks a trailing * as a prefix", () => {
    const q = parseQuery("repl*");
    expect(q.words).toEqual([{ text: "repl", prefix: true }]);
  });

  it("separates words by every space \\s knows (tabs, no-break and ideographic spaces), and a - before one is no exclusion", () => {
    const q = parseQuery("disk\tfull\u00a0node\u3000pool\u2009x - y");
    expect(q.words.map((w) => w.text)).toEqual(["disk", "full", "node", "pool", "x", "-", "y"]);
    expect(q.excludes).toEqual([]);
  });
});
