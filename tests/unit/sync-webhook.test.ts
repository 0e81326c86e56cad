import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/git/webhook/route";
import { getStore } from "../../lib/content";
import { getSync } from "../../lib/sync/service";
import { ReplayGuard } from "../../lib/sync/webhook";
import { bareRemote, outsideGit, removeTempDirs } from "../fixtures/git-repo";

const SECRET = "webhook-secret-for-tests";
const FACTORS = "- id: missing-alert\n  name: Missing alert\n  category: observability\n  description: No alert fired.\n";
const incident = (title: string) => ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", "---", "", "Body.", ""].join("\n");
const git = outsideGit;

let base = "";
let outside = "";
const saved = { ...process.env };

beforeAll(async () => {
  const remote = await bareRemote({ "factors.yml": FACTORS, "incidents/first.mdx": incident("First") }, { prefix: "kaizen-hook-" });
  ({ base, outside } = remote);
  Object.assign(process.env, {
    KAIZEN_GIT_REMOTE: remote.url,
    KAIZEN_SYNC_INTERVAL: "3600",
    KAIZEN_WEBHOOK_SECRET: SECRET,
    KAIZEN_CONTENT_DIR: path.join(base, "content"),
    KAIZEN_DATA_DIR: path.join(base, "data"),
  });
  await getSync().ready;
});

afterAll(async () => {
  getSync().syncer?.stop();
  process.env = saved;
  await removeTempDirs();
});

const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
const post = (body: string, headers: Record<string, string>) => POST(new Request("http://localhost/api/git/webhook", { method: "POST", body, headers: { "content-type": "application/json", ...headers } }));

async function auditLines(): Promise<string[]> {
  return (await fs.readFile(path.join(base, "data", "audit.log"), "utf8").catch(() => "")).split("\n").filter(Boolean);
}

describe("POST /api/git/webhook", () => {
  it("a GitHub push with a good signature answers 202 and syncs in the background", async () => {
    await fs.writeFile(path.join(outside, "incidents", "merged-pr.mdx"), incident("Merged through a PR"));
    git(outside, "add", "-A");
    git(outside, "commit", "-qm", "PR");
    git(outside, "push", "-q", "origin", "HEAD:main");
    const body = JSON.stringify({ ref: "refs/heads/main" });
    const res = await post(body, { "x-hub-signature-256": sign(body), "x-github-delivery": randomUUID(), "x-github-event": "push" });
    expect(res.status).toBe(202);
    await getSync().syncer!.idle();
    expect((await getStore().snapshot()).byId.has("merged-pr")).toBe(true);
  });

  it("a GitLab push with the right token answers 202", async () => {
    const res = await post("{}", { "x-gitlab-token": SECRET, "x-gitlab-event": "Push Hook" });
    expect(res.status).toBe(202);
  });

  it("missing or wrong signatures answer 401 and are audited", async () => {
    const body = JSON.stringify({ ref: "refs/heads/main" });
    const before = (await auditLines()).length;
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { "x-hub-signature-256": sign(body, "wrong-secret") })).status).toBe(401);
    expect((await post(body, { "x-hub-signature-256": sign("another body") })).status).toBe(401);
    expect((await post(body, { "x-gitlab-token": "wrong" })).status).toBe(401);
    const lines = (await auditLines()).slice(before);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ type: "denied", action: "git webhook" });
    expect(lines.join("\n")).not.toContain(SECRET);
  });

  it("a replayed GitHub delivery is refused", async () => {
    const body = JSON.stringify({ ref: "refs/heads/main" });
    const headers = { "x-hub-signature-256": sign(body), "x-github-delivery": randomUUID() };
    expect((await post(body, headers)).status).toBe(202);
    expect((await post(body, headers)).status).toBe(409);
  });

  it("a huge body is refused without being read whole", async () => {
    const body = "x".repeat(2 * 1024 * 1024);
    const res = await post(body, { "x-hub-signature-256": sign(body) });
    expect(res.status).toBe(413);
  });

  it("a burst of webhooks coalesces into at most two fetches", async () => {
    const syncer = getSync().syncer!;
    await syncer.idle();
    const before = syncer.fetches;
    const body = JSON.stringify({ ref: "refs/heads/main" });
    const answers = await Promise.all(Array.from({ length: 15 }, () => post(body, { "x-hub-signature-256": sign(body), "x-github-delivery": randomUUID() })));
    expect(answers.every((r) => r.status === 202)).toBe(true);
    await syncer.idle();
    expect(syncer.fetches - before).toBeLessThanOrEqual(2);
  });
});

describe("ReplayGuard", () => {
  it("forgets ids after the window and stays bounded", () => {
    const g = new ReplayGuard(1000, 3);
    expect(g.firstTime("a", 0)).toBe(true);
    expect(g.firstTime("a", 500)).toBe(false);
    expect(g.firstTime("a", 2000)).toBe(true);
    for (const id of ["b", "c", "d", "e"]) g.firstTime(id, 2100);
    expect(g.firstTime("e", 2200)).toBe(false);
  });
});
