import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContentStore } from "../../lib/content/store";
import { INTERNAL_AUDIENCE, type Channel } from "../../lib/notify/channels";
import { buildDigest, digestMessage, digestText, isEmptyDigest } from "../../lib/notify/digest";
import { publishedSince, statusOfText } from "../../lib/notify/published-since";
import { removeTempDirs } from "../fixtures/git-repo";
import { commitAt, incidentText, makeContentRepo } from "./notify-fixtures";

const NOW = new Date("2026-12-03T12:00:00Z");
const SINCE = new Date("2026-11-26T12:00:00Z");
const BASE = "https://kaizen.example.com";
const SECURITY: Channel = { label: "group security", url: "https://hooks.example.com/sec", audience: { id: "channel:sec", name: "sec", email: "", role: "reader", groups: ["security"] }, teams: [], groups: ["security"], internal: false };

const yearOld = incidentText("Warehouse scanner outage", [
  "severity: SEV1",
  "started_at: 2025-11-28T09:00:00Z",
  "teams: [warehouse]",
  "contributing_factors:",
  "  - factor: missing-alert",
  "countermeasures:",
  "  - { id: scanner-alert, title: Alert on scanner errors, type: detect, owner: wes@example.com, due: 2025-12-10, status: done, done_at: 2025-12-01, addresses: [missing-alert] }",
  "  - { id: runbook, title: Write the scanner runbook, type: process, owner: wes@example.com, due: 2026-11-20, status: open }",
]);
const routeDraft = (status: string) =>
  incidentText("Route planner timeouts", [`status: ${status}`, "started_at: 2026-11-30T08:00:00Z", "teams: [routing]", "contributing_factors:", "  - factor: missing-alert"]);
const secret = incidentText("Badge system intrusion", [
  "started_at: 2026-11-29T08:00:00Z",
  "teams: [secops]",
  "visibility: restricted",
  "groups: [security]",
  "contributing_factors:",
  "  - factor: missing-alert",
  "countermeasures:",
  "  - { id: badge-rotate, title: Rotate badge keys, type: prevent, owner: sam@example.com, due: 2026-11-01, status: open }",
]);

let root = "";
let store: ContentStore;

beforeAll(async () => {
  ({ root, store } = await makeContentRepo({ "warehouse-scanners": yearOld, "route-timeouts": routeDraft("draft") }, {}, "2026-11-01T10:00:00Z"));
  await fs.writeFile(path.join(root, "incidents", "route-timeouts.mdx"), routeDraft("published"));
  await fs.writeFile(path.join(root, "incidents", "badge-intrusion.mdx"), secret);
  commitAt(root, "Publish route timeouts; badge intrusion", "2026-12-01T10:00:00Z");
});
afterAll(removeTempDirs);

describe("what was published in the window", () => {
  it("counts a draft published and a new file, not an unchanged post-mortem", async () => {
    const ids = await publishedSince(store, await store.snapshot(), SINCE);
    expect([...ids].sort()).toEqual(["badge-intrusion", "route-timeouts"]);
  });

  it("reads the status of an old revision without parsing the rest", () => {
    expect(statusOfText("---\ntitle: x: y: [\nstatus: 'in-review' # still\n---\nbody")).toBe("in-review");
    expect(statusOfText("no frontmatter")).toBeNull();
  });
});

describe("digest contents", () => {
  const digestFor = async (channel: Channel) => {
    const snapshot = await store.snapshot();
    return buildDigest({ incidents: snapshot.incidents, taxonomy: snapshot.taxonomy, newlyPublished: await publishedSince(store, snapshot, SINCE), channel, since: SINCE, now: NOW, timeZone: "UTC" });
  };

  it("new post-mortems, overdue countermeasures by team, recurrences and one year ago, for internal readers", async () => {
    const d = await digestFor(INTERNAL_AUDIENCE);
    expect(d.from).toBe("2026-11-26");
    expect(d.to).toBe("2026-12-03");
    expect(d.published.map((i) => i.id)).toEqual(["route-timeouts"]);
    expect(d.overdueByTeam).toEqual([{ team: "warehouse", rows: [expect.objectContaining({ id: "runbook", daysOverdue: 13, dueDate: "2026-11-20" })] }]);
    expect(d.recurrences.map((r) => [r.factor, r.countermeasure.id, r.recurredIn.incidentId])).toEqual([["missing-alert", "scanner-alert", "route-timeouts"]]);
    expect(d.yearAgo.map((i) => i.id)).toEqual(["warehouse-scanners"]);

    const text = digestText(d, BASE);
    expect(text).toContain("*New post-mortems (1)*\n• <https://kaizen.example.com/incidents/route-timeouts|Route planner timeouts> — SEV2 · routing · factors: Missing alert");
    expect(text).toContain("_warehouse_ (1)\n• <https://kaizen.example.com/incidents/warehouse-scanners|Write the scanner runbook> — wes@example.com, 13 days overdue (due 20 Nov 2026)");
    expect(text).toContain("_Missing alert_ came back in <https://kaizen.example.com/incidents/route-timeouts|Route planner timeouts> (started 30 Nov 2026) although");
    expect(text).toContain("*One year ago: worth rereading (1)*\n• <https://kaizen.example.com/incidents/warehouse-scanners|Warehouse scanner outage> — SEV1 · warehouse · started 28 Nov 2025");
  });

  it("a restricted incident is in no digest of a channel outside its groups: not listed, counted or recurring", async () => {
    const d = await digestFor(INTERNAL_AUDIENCE);
    const all = JSON.stringify(d) + digestText(d, BASE) + JSON.stringify(digestMessage(d, BASE));
    expect(all).not.toMatch(/Badge|badge-intrusion|secops|Rotate badge/);
    expect(d.overdue).toBe(1);
    expect(d.recurrences).toHaveLength(1);
  });

  it("the channel mapped to its group hears about it, and only about it", async () => {
    const d = await digestFor(SECURITY);
    expect(d.published.map((i) => i.id)).toEqual(["badge-intrusion"]);
    expect(d.overdueByTeam.flatMap((g) => g.rows.map((r) => r.id))).toEqual(["badge-rotate"]);
    expect(d.recurrences.map((r) => r.recurredIn.incidentId)).toEqual(["badge-intrusion"]);
    expect(d.yearAgo).toEqual([]);
  });

  it("with a follow-up policy, countermeasures breaking it are listed by team, and only those the channel may read", async () => {
    const snapshot = await store.snapshot();
    const newlyPublished = await publishedSince(store, snapshot, SINCE);
    const policy = { due_days: { default: 1 }, evidence_required: false };
    const internal = buildDigest({ incidents: snapshot.incidents, taxonomy: snapshot.taxonomy, newlyPublished, channel: INTERNAL_AUDIENCE, since: SINCE, now: NOW, timeZone: "UTC", policy });
    expect(internal.breaching).toBeGreaterThan(0);
    const text = digestText(internal, BASE);
    expect(text).toContain("Breaking the follow-up policy, by team");
    expect(text).toMatch(/after the policy target/);
    expect(JSON.stringify(internal.breachesByTeam)).not.toMatch(/badge/i);
    const without = buildDigest({ incidents: snapshot.incidents, taxonomy: snapshot.taxonomy, newlyPublished, channel: INTERNAL_AUDIENCE, since: SINCE, now: NOW, timeZone: "UTC" });
    expect(without.breaching).toBe(0);
    expect(digestText(without, BASE)).not.toContain("Breaking the follow-up policy");
  });

  it("an empty window says so in every section", async () => {
    const snapshot = await store.snapshot();
    const d = buildDigest({ incidents: [], taxonomy: snapshot.taxonomy, newlyPublished: new Set(), channel: INTERNAL_AUDIENCE, since: SINCE, now: NOW, timeZone: "UTC" });
    expect(isEmptyDigest(d)).toBe(true);
    expect(digestText(d, BASE)).toContain("_Nothing is overdue._");
  });
});

describe("the weekly review in the digest: what waits for review and what should be confirmed to hold", () => {
  const files = {
    "dock-timeouts": incidentText("Dock scheduler timeouts", ["status: in-review", "reviewers: [bo, cy]", "started_at: 2026-11-20T08:00:00Z", "teams: [warehouse]"]),
    "vault-leak": incidentText("Vault token in a build log", ["status: in-review", "reviewers: [sam]", "started_at: 2026-11-21T08:00:00Z", "teams: [secops]", "visibility: restricted", "groups: [security]"]),
    "label-printer": incidentText("Label printer queue stuck", [
      "started_at: 2026-06-01T08:00:00Z",
      "teams: [warehouse]",
      "countermeasures:",
      "  - id: queue-alert",
      "    title: Alert on a stuck print queue",
      "    type: detect",
      "    owner: wes@example.com",
      "    due: 2026-07-01",
      "    status: done",
      "    done_at: 2026-06-20",
      "    evidence: [{ url: 'https://github.com/acme/printing/pull/7', added_by: wes, added_at: 2026-06-20 }]",
      "    verify_by: 2026-09-20",
      "  - { id: later, title: Confirm next month, type: process, owner: wes@example.com, due: 2026-07-01, status: done, done_at: 2026-11-30, verify_by: 2026-12-30 }",
    ]),
    "badge-keys": incidentText("Badge keys rotated late", [
      "started_at: 2026-05-01T08:00:00Z",
      "visibility: restricted",
      "groups: [security]",
      "countermeasures:",
      "  - { id: rotate, title: Rotate badge keys monthly, type: prevent, owner: sam@example.com, due: 2026-06-01, status: done, done_at: 2026-05-20, verify_by: 2026-08-20 }",
    ]),
  };
  const digestFor = async (channel: Channel) => {
    const { store: s } = await makeContentRepo(files, {}, "2026-11-25T10:00:00Z");
    const snapshot = await s.snapshot();
    return buildDigest({ incidents: snapshot.incidents, taxonomy: snapshot.taxonomy, newlyPublished: new Set(), channel, since: SINCE, now: NOW, timeZone: "UTC" });
  };

  it("lists post-mortems in review with their reviewers and countermeasures whose verify_by has passed", async () => {
    const d = await digestFor(INTERNAL_AUDIENCE);
    expect(d.inReview.map((i) => [i.id, i.reviewers])).toEqual([["dock-timeouts", ["bo", "cy"]]]);
    expect(d.toVerify.map((r) => [r.incidentId, r.id, r.verifyBy])).toEqual([["label-printer", "queue-alert", "2026-09-20"]]);
    expect(isEmptyDigest(d)).toBe(false);
    const text = digestText(d, BASE);
    expect(text).toContain("*Waiting for review (1)*\n• <https://kaizen.example.com/incidents/dock-timeouts#review|Dock scheduler timeouts> — SEV2 · warehouse · reviewers: bo, cy");
    expect(text).toContain("*Did it hold? (1)*\n• <https://kaizen.example.com/incidents/label-printer|Alert on a stuck print queue> — wes@example.com, done 20 Jun 2026, verify by 20 Sep 2026 · Label printer queue stuck");
  });

  it("restricted reviews and countermeasures reach only the channel of their group", async () => {
    const internal = await digestFor(INTERNAL_AUDIENCE);
    const all = JSON.stringify(internal) + digestText(internal, BASE) + JSON.stringify(digestMessage(internal, BASE));
    expect(all).not.toMatch(/Vault|vault-leak|badge|Badge|sam/);
    const sec = await digestFor(SECURITY);
    expect(sec.inReview.map((i) => i.id)).toEqual(["vault-leak"]);
    expect(sec.toVerify.map((r) => r.id)).toEqual(["rotate"]);
  });
});

describe("kaizen digest", () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // Asynchronous: a webhook server in this process must keep answering while the CLI runs.
      const child = spawn(process.execPath, ["--import", "tsx", path.resolve("scripts/kaizen.ts"), ...args], {
        env: { ...process.env, KAIZEN_SLACK_WEBHOOK: "", KAIZEN_BASE_URL: BASE, ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (status: number | null) => resolve({ status, stdout, stderr }));
    });

  it("--dry-run without any webhook prints what internal readers would get and sends nothing", async () => {
    const r = await cli(["digest", "--dry-run", "--since", "400d", "--content", root]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("# Kaizen digest");
    expect(r.stdout).toContain("(for internal readers)");
    expect(r.stdout).toContain("Route planner timeouts");
    expect(r.stdout).not.toContain("Badge");
  });

  it("without --dry-run and without a webhook it fails with what to configure; bad flags are usage errors", async () => {
    const r = await cli(["digest", "--content", root]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no webhook configured: set KAIZEN_SLACK_WEBHOOK");
    expect((await cli(["digest", "--since", "soon", "--content", root])).stderr).toContain('--since expects a period such as 7d, 2w or 36h, got "soon"');
    expect(spawnSync(process.execPath, ["--import", "tsx", "scripts/kaizen.ts", "digest", "--sincee", "7d"], { encoding: "utf8" }).status).toBe(2);
  });

  it("sends each channel its own digest", async () => {
    const bodies: { path: string; text: string }[] = [];
    const server = http.createServer((req, res) => {
      let b = "";
      req.on("data", (c: Buffer) => (b += c.toString()));
      req.on("end", () => {
        bodies.push({ path: req.url ?? "", text: b });
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await fs.writeFile(path.join(root, "kaizen.yml"), "notifications:\n  groups:\n    security: SEC_HOOK\n");
      commitAt(root, "Notification policy", "2026-12-02T10:00:00Z");
      const r = await cli(["digest", "--since", "400d", "--content", root], { KAIZEN_SLACK_WEBHOOK: `http://127.0.0.1:${port}/all`, SEC_HOOK: `http://127.0.0.1:${port}/sec` });
      expect(r.stderr).toContain("digest: sent to default");
      expect(r.status).toBe(0);
      const byPath = new Map(bodies.map((b) => [b.path, b.text]));
      expect(byPath.get("/all")).toContain("Route planner timeouts");
      expect(byPath.get("/all")).not.toContain("Badge");
      expect(byPath.get("/sec")).toContain("Badge system intrusion");
      expect(r.stderr).not.toContain(String(port));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
