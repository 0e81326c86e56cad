import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Viewer } from "../../lib/auth/viewer";

// The search itself is replaced, so the tests see only what the routes' query schemas accept and refuse.
const reader: Viewer = { id: "rae", name: "Rae", email: "rae@example.com", role: "reader", groups: [] };
const calls: unknown[] = [];
vi.mock("@/lib/auth/session", () => ({ requireApiViewer: async () => reader }));
vi.mock("@/lib/pages/search", () => ({
  SEARCH_PAGE_SIZE: 20,
  searchJsonFor: async (_v: Viewer, q: string, opts: unknown) => (calls.push({ q, opts }), JSON.stringify({ results: [] })),
}));
vi.mock("@/lib/pages/factor-suggestions", () => ({ MAX_SUGGEST_TEXT: 5000, suggestFactorsFor: async () => [] }));

const { parseRequest, queryOf } = await import("../../lib/http");
const search = (qs: string) => import("../../app/api/search/route").then((m) => m.GET(new Request(`http://localhost/api/search${qs}`)));
const suggest = (qs: string) => import("../../app/api/factors/suggest/route").then((m) => m.GET(new Request(`http://localhost/api/factors/suggest${qs}`)));

describe("route query schemas", () => {
  it("parses a valid search query with its defaults", async () => {
    calls.length = 0;
    expect((await search("?q=dns")).status).toBe(200);
    expect((await search("?q=dns&limit=5&offset=10&typing=1")).status).toBe(200);
    expect(calls).toEqual([
      { q: "dns", opts: { limit: 20, offset: 0, asYouType: false } },
      { q: "dns", opts: { limit: 5, offset: 10, asYouType: true } },
    ]);
  });

  it.each([
    ["?q=dns&limit=abc", "query field limit"],
    ["?q=dns&limit=0", "query field limit"],
    ["?q=dns&offset=-1", "query field offset"],
    ["?q=a&q=b", "query field q"],
    ["?q=dns&typing=yes", "query field typing"],
    ["?q=dns&lmit=5", "lmit"],
  ])("refuses %s with a 400 naming the field", async (qs, field) => {
    const res = await search(qs);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe("bad_request");
    expect(body.message).toContain(field);
  });

  it("refuses a missing or oversized suggestion text with the reason", async () => {
    const missing = await suggest("");
    expect(missing.status).toBe(400);
    expect((await missing.json()).message).toContain("?text=");
    const long = await suggest(`?text=${"a".repeat(5001)}`);
    expect(long.status).toBe(400);
    expect((await long.json()).message).toContain("5000 characters");
    expect((await suggest("?text=certificate")).status).toBe(200);
  });

  it("turns repeated keys into arrays and names nested fields", () => {
    expect(queryOf(new Request("http://x/?a=1&b=2&a=3"))).toEqual({ a: ["1", "3"], b: "2" });
    const schema = z.object({ patch: z.object({ due: z.string() }) });
    expect(() => parseRequest(schema, { patch: {} }, "body")).toThrow(/body field patch\.due/);
  });
});
