import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { AppError } from "../../lib/errors";

// The routes' own authorization is replaced by a switchable viewer, so the tests see what a route does with the body
// for each role without a signed cookie.
const who: { viewer: Viewer } = { viewer: { id: "rae", name: "Rae", email: "rae@example.com", role: "reader", groups: [] } };
vi.mock("@/lib/auth/session", () => ({
  assertSameOrigin: async () => undefined,
  requireApiViewer: async () => who.viewer,
  denied: async (_v: unknown, _a: string, _t: string, reason: string) => new AppError("forbidden", `not allowed: ${reason}`),
}));

const { MAX_BODY_BYTES, readBodyText, readJsonBody } = await import("../../lib/http");

/** A chunked upload of `total` bytes that is produced only as it is read; `pulled` counts what the reader took. */
function upload(total: number, chunk = 64 * 1024, headers: Record<string, string> = {}) {
  const meter = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (meter.pulled >= total) return ctl.close();
      const n = Math.min(chunk, total - meter.pulled);
      meter.pulled += n;
      ctl.enqueue(new Uint8Array(n).fill(0x20));
    },
    // Nothing is produced before the first read, so "nothing read" is observable.
  }, { highWaterMark: 0 });
  // No Content-Length: the size is known only by reading, as with Transfer-Encoding: chunked.
  const req = new Request("http://localhost/api/incidents", { method: "POST", body, duplex: "half", headers: { "content-type": "application/json", ...headers } } as RequestInit);
  return { req, meter };
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    return err instanceof AppError ? err.status : 500;
  }
}

describe("capped body reader", () => {
  it("answers 413 to a chunked body over the cap after reading about the cap, not the whole body", async () => {
    const { req, meter } = upload(400 * 1024 * 1024);
    expect(await status(readJsonBody(req))).toBe(413);
    expect(meter.pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + 2 * 64 * 1024);
  });

  it("refuses a declared Content-Length over the cap without reading", async () => {
    const { req, meter } = upload(MAX_BODY_BYTES + 1, 64 * 1024, { "content-length": String(MAX_BODY_BYTES + 1) });
    expect(await status(readBodyText(req))).toBe(413);
    expect(meter.pulled).toBe(0);
  });

  it("reads a body under the cap, and names bad JSON and bad UTF-8 as 400", async () => {
    const ok = new Request("http://localhost/x", { method: "POST", body: JSON.stringify({ text: "héllo" }) });
    expect(await readJsonBody(ok)).toEqual({ text: "héllo" });
    expect(await status(readJsonBody(new Request("http://localhost/x", { method: "POST", body: "{nope" })))).toBe(400);
    expect(await status(readBodyText(new Request("http://localhost/x", { method: "POST", body: new Uint8Array([0xff, 0xfe]) })))).toBe(400);
    expect(await status(readBodyText(new Request("http://localhost/x", { method: "POST", body: "x".repeat(100) }), 99))).toBe(413);
  });
});

describe("routes that take a body check the role first", () => {
  beforeEach(() => {
    who.viewer = { id: "rae", name: "Rae", email: "rae@example.com", role: "reader", groups: [] };
  });

  it("refuses a reader's writes with 403 before reading a byte of the body", async () => {
    const routes = [
      ["POST /api/incidents", async (req: Request) => (await import("../../app/api/incidents/route")).POST(req)],
      ["PUT /api/incidents/[id]", async (req: Request) => (await import("../../app/api/incidents/[id]/route")).PUT(req, { params: Promise.resolve({ id: "some-incident" }) })],
      ["POST /api/countermeasures", async (req: Request) => (await import("../../app/api/countermeasures/route")).POST(req)],
      ["POST /api/incidents/similar", async (req: Request) => (await import("../../app/api/incidents/similar/route")).POST(req)],
    ] as const;
    for (const [name, call] of routes) {
      const { req, meter } = upload(10 * 1024 * 1024);
      const res = await call(req);
      expect([name, res.status]).toEqual([name, 403]);
      expect([name, meter.pulled]).toEqual([name, 0]);
    }
  });

  it("lets an author's oversized chunked body through the role check to a 413", async () => {
    who.viewer = { id: "ari", name: "Ari", email: "ari@example.com", role: "author", groups: [] };
    const { POST } = await import("../../app/api/incidents/route");
    const { req, meter } = upload(50 * 1024 * 1024);
    const res = await POST(req);
    expect(res.status).toBe(413);
    expect(meter.pulled).toBeLessThan(2 * MAX_BODY_BYTES);
  });
});
