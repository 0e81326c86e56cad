import { createHmac } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/hooks/tickets/route";
import { findReferences, sameTicketUrl } from "../../lib/editor/ticket-hook";
import { git, gitRepo, removeTempDirs, tempDir } from "../fixtures/git-repo";

const SECRET = "tickets-secret-for-tests";
const TOKEN = "tickets-token-for-tests";

function incident(title: string, extra: string[], cms: string): string {
  return ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", ...extra, "countermeasures:", cms, "---", "", "## Summary", "", "Something happened.", ""].join("\n");
}

const cm = (id: string, ticket?: string) =>
  [`  - id: ${id}`, `    title: Fix ${id}`, "    type: prevent", "    owner: ana@example.com", "    due: 2026-04-30", "    status: open", ...(ticket ? [`    ticket: ${ticket}`] : [])].join("\n");

let root = "";
const saved: Record<string, string | undefined> = {};

const fileAtHead = (id: string) => git(root, "show", `HEAD:incidents/${id}.mdx`);
const commits = () => Number(git(root, "rev-list", "--count", "HEAD").trim());

beforeAll(async () => {
  root = await gitRepo(
    {
      "factors.yml": "[]\n",
      "incidents/db-failover.mdx": incident("Database failover", [], [cm("cm-1"), cm("cm-2", "https://github.com/acme/ops/issues/77")].join("\n")),
      "incidents/secret-outage.mdx": incident("Secret outage", ["visibility: restricted", "groups: [security]"], cm("cm-1")),
    },
    { prefix: "kaizen-tickets-" },
  );
  const data = await tempDir("kaizen-tickets-data-");
  for (const k of ["KAIZEN_CONTENT_DIR", "KAIZEN_DATA_DIR", "KAIZEN_TICKETS_SECRET", "KAIZEN_TICKETS_TOKEN"]) saved[k] = process.env[k];
  Object.assign(process.env, { KAIZEN_CONTENT_DIR: root, KAIZEN_DATA_DIR: data, KAIZEN_TICKETS_SECRET: SECRET, KAIZEN_TICKETS_TOKEN: TOKEN });
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await removeTempDirs();
});

const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

function github(body: string, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/api/hooks/tickets", { method: "POST", headers: { "content-type": "application/json", "x-github-event": "issues", ...headers }, body });
}

const issueClosed = (text: string, url = "https://github.com/acme/ops/issues/12") => JSON.stringify({ action: "closed", issue: { title: "Backoff shipped", body: text, html_url: url } });

describe("ticket references", () => {
  it("finds <incident-id>#cm-N references and compares ticket URLs loosely", () => {
    expect(findReferences("Fixes db-failover#cm-1 and DB-FAILOVER#cm-1, see org/repo#12")).toEqual(["db-failover#cm-1"]);
    expect(sameTicketUrl("https://GitHub.com/acme/ops/issues/77/", "https://github.com/acme/ops/issues/77")).toBe(true);
    expect(sameTicketUrl("PAY-77", "PAY-77")).toBe(false);
  });
});

describe("POST /api/hooks/tickets", () => {
  it("refuses an unsigned request, a wrong signature and a valid signature replayed with another body", async () => {
    const before = commits();
    const body = issueClosed("closes db-failover#cm-1");
    expect((await POST(github(body))).status).toBe(401);
    expect((await POST(github(body, { "x-hub-signature-256": sign(body, "wrong") }))).status).toBe(401);
    const other = issueClosed("closes secret-outage#cm-1");
    expect((await POST(github(other, { "x-hub-signature-256": sign(body), "x-github-delivery": "d-1" }))).status).toBe(401);
    expect(commits()).toBe(before);
    expect(await fs.readFile(path.join(process.env.KAIZEN_DATA_DIR ?? "", "audit.log"), "utf8")).toContain("bad X-Hub-Signature-256");
  });

  it("a signed `issues` closed event marks the referenced countermeasure done, as the bot, with the issue as evidence", async () => {
    const before = commits();
    const body = issueClosed("This closes db-failover#cm-1.");
    const res = await POST(github(body, { "x-hub-signature-256": sign(body), "x-github-delivery": "d-2" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", closed: 1, unchanged: 0, references: ["db-failover#cm-1"] });
    expect(commits()).toBe(before + 1);
    expect(git(root, "log", "-1", "--format=%an <%ae>").trim()).toBe("Kaizen tickets bot <tickets-bot@kaizen.invalid>");
    const text = fileAtHead("db-failover");
    expect(text).toMatch(/id: cm-1\n(?:.*\n)*?\s+status: done\n\s+done_at: \d{4}-\d{2}-\d{2}\n/);
    expect(text).toContain("url: https://github.com/acme/ops/issues/12");
    expect(text).toContain("added_by: tickets-bot@kaizen.invalid");
    expect(await fs.readFile(path.join(process.env.KAIZEN_DATA_DIR ?? "", "audit.log"), "utf8")).toContain('"type":"ticket-close"');
    // The same delivery again is a replay.
    expect((await POST(github(body, { "x-hub-signature-256": sign(body), "x-github-delivery": "d-2" }))).status).toBe(409);
    expect(commits()).toBe(before + 1);
  });

  it("matches a countermeasure by its ticket URL; events that close nothing are accepted and ignored", async () => {
    const opened = JSON.stringify({ action: "opened", issue: { title: "x", body: "db-failover#cm-2", html_url: "https://github.com/acme/ops/issues/77" } });
    expect((await POST(github(opened, { "x-hub-signature-256": sign(opened), "x-github-delivery": "d-3" }))).status).toBe(202);
    const body = issueClosed("no reference here", "https://github.com/acme/ops/issues/77");
    const res = await POST(github(body, { "x-hub-signature-256": sign(body), "x-github-delivery": "d-4" }));
    expect(await res.json()).toMatchObject({ closed: 1, references: ["db-failover#cm-2"] });
  });

  it("generic form: bearer token, zod errors name the field, restricted incidents closed but never echoed, unknown → 404 without detail", async () => {
    const req = (body: unknown, token = TOKEN) =>
      new Request("http://127.0.0.1/api/hooks/tickets", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await POST(req({ reference: "secret-outage#cm-1" }, "nope"))).status).toBe(401);
    const bad = await POST(req({ reference: "not a ref" }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("reference");
    const unknown = await POST(req({ reference: "no-such-incident#cm-9" }));
    expect(unknown.status).toBe(404);
    const unknownBody = JSON.stringify(await unknown.json());
    expect(unknownBody).not.toMatch(/secret|db-failover/);

    const res = await POST(req({ reference: "secret-outage#cm-1", url: "https://tracker.example/SEC-1", note: "rotated" }));
    const out = await res.json();
    expect(out).toMatchObject({ status: "ok", closed: 1, references: [] });
    expect(JSON.stringify(out)).not.toContain("secret-outage");
    expect(fileAtHead("secret-outage")).toContain("url: https://tracker.example/SEC-1");
    // Already done: nothing to commit.
    const before = commits();
    expect(await (await POST(req({ reference: "secret-outage#cm-1" }))).json()).toMatchObject({ closed: 0, unchanged: 1 });
    expect(commits()).toBe(before);
  });

  it("refuses a body over the size limit before reading it whole", async () => {
    const big = "x".repeat(600 * 1024);
    const res = await POST(github(big, { "x-hub-signature-256": sign(big), "content-length": String(big.length) }));
    expect(res.status).toBe(413);
  });
});
