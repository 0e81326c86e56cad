import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { incidentSchema } from "../../lib/schema/incident";
import { buildFollowupRows, type FollowupSource } from "../../lib/followups/rows";
import { buildNudgeMessage, postWebhook } from "../../lib/followups/notify";

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

const servers: http.Server[] = [];

async function serve(handler: Handler): Promise<{ url: string; requests: { body: string; contentType: string | undefined }[] }> {
  const requests: { body: string; contentType: string | undefined }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      requests.push({ body, contentType: req.headers["content-type"] });
      handler(req, body, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/T000/B000/secret`, requests };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

describe("postWebhook", () => {
  it("posts JSON and reports success", async () => {
    const { url, requests } = await serve((_req, _body, res) => res.end("ok"));
    const result = await postWebhook(url, { text: "hello" });
    expect(result).toEqual({ ok: true, status: 200, attempts: 1 });
    expect(requests).toEqual([{ body: '{"text":"hello"}', contentType: "application/json" }]);
  });

  it("retries after a 5xx and succeeds on the second attempt", async () => {
    let calls = 0;
    const { url, requests } = await serve((_req, _body, res) => {
      calls++;
      res.statusCode = calls === 1 ? 500 : 200;
      res.end(calls === 1 ? "boom" : "ok");
    });
    const result = await postWebhook(url, { text: "x" }, { backoffMs: 5 });
    expect(result).toEqual({ ok: true, status: 200, attempts: 2 });
    expect(requests).toHaveLength(2);
  });

  it("gives up after the retries on repeated 5xx", async () => {
    const { url, requests } = await serve((_req, _body, res) => {
      res.statusCode = 503;
      res.end("down");
    });
    const result = await postWebhook(url, {}, { retries: 2, backoffMs: 1 });
    expect(result).toMatchObject({ ok: false, status: 503, attempts: 3, error: "HTTP 503: down" });
    expect(requests).toHaveLength(3);
  });

  it("does not retry a 4xx", async () => {
    const { url, requests } = await serve((_req, _body, res) => {
      res.statusCode = 400;
      res.end("invalid_payload");
    });
    const result = await postWebhook(url, {}, { backoffMs: 1 });
    expect(result).toEqual({ ok: false, status: 400, attempts: 1, error: "HTTP 400: invalid_payload" });
    expect(requests).toHaveLength(1);
  });

  it("times out against a server that never answers, a bounded number of times", { timeout: 5000 }, async () => {
    const { url, requests } = await serve(() => {
      /* never answers */
    });
    const result = await postWebhook(url, {}, { retries: 1, timeoutMs: 150, backoffMs: 1 });
    expect(result.ok).toBe(false);
    expect(result.status).toBeNull();
    expect(result.attempts).toBe(2);
    expect(result.error).toMatch(/timed out after 150 ms/);
    expect(requests).toHaveLength(2);
  });

  it("reports a refused connection as an error and keeps the secret URL out of it", async () => {
    const { url } = await serve(() => undefined);
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    const result = await postWebhook(url, {}, { retries: 1, backoffMs: 1 });
    expect(result).toMatchObject({ ok: false, status: null, attempts: 2 });
    expect(result.error).not.toContain("secret");
  });

  it("refuses non-http URLs without sending anything", async () => {
    expect(await postWebhook("file:///etc/passwd", {})).toMatchObject({ ok: false, attempts: 0 });
    expect(await postWebhook("not a url", {})).toMatchObject({ ok: false, attempts: 0 });
  });

  it("can use an injected fetch", async () => {
    const seen: string[] = [];
    const fetchImpl: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response("ok", { status: 200 });
    };
    expect(await postWebhook("https://hooks.example/x", {}, { fetchImpl })).toEqual({ ok: true, status: 200, attempts: 1 });
    expect(seen).toEqual(["https://hooks.example/x"]);
  });
});

function incident(id: string, fm: Record<string, unknown>): FollowupSource {
  return { id, frontmatter: incidentSchema.parse({ title: `Incident ${id}`, status: "published", severity: "SEV2", ...fm }) };
}

describe("buildNudgeMessage", () => {
  const rows = buildFollowupRows(
    [
      incident("db-outage", {
        title: "DB <outage> & more",
        countermeasures: [
          { id: "cm-1", title: "Alert on <pool> & queue", type: "detect", owner: "ana@x.example", due: "2026-03-01", status: "open" },
          { id: "cm-2", title: "Cap pool", type: "prevent", owner: "bo@x.example", due: "2026-03-20", status: "in-progress", ticket: "https://t.example/1" },
          { id: "cm-3", title: "Runbook", type: "process", owner: "ana@x.example", due: "2026-03-16", status: "open" },
        ],
      }),
    ],
    undefined,
    { now: new Date("2026-03-15T12:00:00Z"), timeZone: "UTC" },
  );
  const msg = buildNudgeMessage(rows, "https://kaizen.example/");

  it("summarizes in text and groups by owner with links to the incident", () => {
    expect(msg.text).toBe("3 countermeasures need attention (1 overdue): https://kaizen.example/countermeasures");
    const sections = msg.blocks.filter((b) => b.type === "section").map((b) => b.text?.text ?? "");
    expect(sections).toHaveLength(2);
    expect(sections[0]).toMatch(/^\*ana@x\.example\* \(2\)\n• <https:\/\/kaizen\.example\/incidents\/db-outage\|Alert on &lt;pool&gt; &amp; queue>/);
    expect(sections[0]).toContain("*14 days overdue*");
    expect(sections[0]).toContain("due in 1 day");
    expect(sections[0]).toContain("DB &lt;outage&gt; &amp; more");
    expect(sections[1]).toContain("<https://t.example/1|ticket>");
    expect(JSON.parse(JSON.stringify(msg))).toEqual(msg);
  });

  it("stays within Slack's 50 blocks for many owners", () => {
    const many = buildFollowupRows(
      [
        incident("big", {
          countermeasures: Array.from({ length: 80 }, (_, i) => ({ id: `cm-${i}`, title: `T${i}`, type: "detect" as const, owner: `o${i}@x`, due: "2026-03-01", status: "open" as const })),
        }),
      ],
      undefined,
      { now: new Date("2026-03-15T12:00:00Z"), timeZone: "UTC" },
    );
    const big = buildNudgeMessage(many, "https://kaizen.example");
    expect(big.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(big.blocks.at(-1))).toContain("more group(s) not shown");
  });
});
