import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../lib/auth/users";
import type { Viewer } from "../../lib/auth/viewer";
import { ContentStore } from "../../lib/content/store";
import { configSection, kaizenConfigOf } from "../../lib/content/kaizen-config";
import { isAppError } from "../../lib/errors";
import type { DeliveryReport } from "../../lib/notify/deliver";
import { getReviewPanel } from "../../lib/pages/reviews";
import { performReviewAction } from "../../lib/reviews/actions";
import { reviewCommitMessage } from "../../lib/reviews/commit-message";
import { appendReviewEntry, parseReviewFile, timelineRowIds } from "../../lib/reviews/file";
import { reviewsAt } from "../../lib/reviews/read";
import { decisionBlocker, reviewState } from "../../lib/reviews/state";
import { reviewsWaitingFor } from "../../lib/reviews/waiting";
import { incidentSchema } from "../../lib/schema/incident";
import { DEFAULT_REVIEW_POLICY, reviewPolicySchema } from "../../lib/schema/review-policy";
import { git, gitRepo, inIncidents, removeTempDirs, tempDir } from "../fixtures/git-repo";

const ARI: Viewer = { id: "ari", name: "Ari Author", email: "ari@example.com", role: "author", groups: [] };
const BO: Viewer = { id: "bo", name: "Bo Reviewer", email: "bo@example.com", role: "author", groups: [] };
const CY: Viewer = { id: "cy", name: "Cy Reader", email: "cy@example.com", role: "reader", groups: [] };
const SAM: Viewer = { id: "sam", name: "Sam Security", email: "sam@example.com", role: "reader", groups: ["security"] };

const FACTORS = "- id: missing-alert\n  name: Missing alert\n  category: observability\n  description: No alert fired.\n";

function incident(title: string, extra: string[] = []): string {
  return [
    "---",
    `title: ${title}`,
    "status: draft",
    "severity: SEV2",
    "# who wrote it",
    "authors: [ari]",
    ...extra,
    "timeline:",
    "  - at: 2026-03-14T10:02:00Z",
    "    event: Deploy started",
    "  - at: 2026-03-14T10:09:00Z",
    "    event: Alert fired",
    "---",
    "",
    "## Summary",
    "",
    "Something happened.",
    "",
    "## What happened",
    "",
    "A deploy went out.",
    "",
  ].join("\n");
}

let prevDataDir: string | undefined;

async function makeRepo(files: Record<string, string>, policy?: string): Promise<{ root: string; store: ContentStore }> {
  const root = await gitRepo({ "factors.yml": FACTORS, ...(policy ? { "kaizen.yml": policy } : {}), ...inIncidents(files) }, { prefix: "kaizen-reviews-" });
  return { root, store: new ContentStore(root) };
}

const RESTRICTED = ["visibility: restricted", "groups: [security]"];
const noNotify = () => undefined;

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a refusal");
}

beforeAll(async () => {
  prevDataDir = process.env.KAIZEN_DATA_DIR;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-reviews-data-");
  // Local accounts: the request checks that a named reviewer may read the incident.
  await addUser({ username: "bo", role: "author", name: "Bo Reviewer", email: "bo@example.com", password: "bo-password-123" });
  await addUser({ username: "cy", role: "reader", name: "Cy Reader", email: "cy@example.com", password: "cy-password-123" });
});

afterAll(async () => {
  if (prevDataDir === undefined) delete process.env.KAIZEN_DATA_DIR;
  else process.env.KAIZEN_DATA_DIR = prevDataDir;
  await removeTempDirs();
});

describe("review file", () => {
  it("appends an entry without changing a byte of what was there", () => {
    const first = appendReviewEntry("x", null, { id: "aaaa1", action: "comment", by: "bo", at: "2026-03-14T10:00:00Z", text: "Why no alert?" });
    const edited = first.replace("Why no alert?", "Why no alert?  # hand-edited") + "\n# a note someone added\n";
    const second = appendReviewEntry("x", edited, { id: "bbbb2", action: "approve", by: "bo", at: "2026-03-14T11:00:00Z" });
    expect(second.startsWith(edited)).toBe(true);
    const parsed = parseReviewFile("x", second);
    expect(parsed.ok && parsed.entries.map((e) => e.action)).toEqual(["comment", "approve"]);
  });

  it("reports a broken file with its line and field, and refuses to append to it", () => {
    const bad = "- id: aaaa1\n  action: approve\n  by: bo\n  at: yesterday\n";
    const parsed = parseReviewFile("x", bad);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]).toMatchObject({ file: "reviews/x.yml", line: 4, field: "[0].at" });
    expect(() => appendReviewEntry("x", bad, { id: "bbbb2", action: "approve", by: "bo", at: "2026-03-14T11:00:00Z" })).toThrow(/does not validate/);
  });

  it("gives timeline rows ids from their time, distinct for rows at the same minute", () => {
    expect(timelineRowIds([{ at: "2026-03-14T10:02:00Z" }, { at: "2026-03-14T10:02:00Z" }, { at: "2026-03-14T12:02:30+02:00" }])).toEqual(["t-20260314-1002", "t-20260314-1002-2", "t-20260314-100230"]);
  });
});

const parseReviewPolicy = (raw: string | null) => configSection(kaizenConfigOf(raw), "review");

describe("review policy", () => {
  it("defaults to one approval from any requested reviewer, no self-approval", () => {
    expect(parseReviewPolicy(null).policy).toEqual(DEFAULT_REVIEW_POLICY);
    expect(DEFAULT_REVIEW_POLICY).toMatchObject({ approvals: 1, self_approval: false, required: false });
    expect(parseReviewPolicy("redact: [Atlas]\n").policy).toEqual(DEFAULT_REVIEW_POLICY);
  });

  it("reads review: from kaizen.yml and locates each mistake", () => {
    const ok = parseReviewPolicy("review:\n  approvals: 2\n  approvers: { roles: [admin] }\n  required: true\n");
    expect(ok.problems).toEqual([]);
    expect(ok.policy).toMatchObject({ approvals: 2, approvers: { roles: ["admin"] }, required: true });
    const bad = parseReviewPolicy("redact: []\nreview:\n  approvals: 0\n  approverz: []\n");
    expect(bad.policy).toEqual(DEFAULT_REVIEW_POLICY);
    expect(bad.problems.map((p) => `${p.line} ${p.field}: ${p.message}`)).toEqual(["3 review.approvals: at least 1", "2 review: unknown field(s): approverz"]);
  });
});

describe("review state", () => {
  const fm = incidentSchema.parse({ title: "T", status: "in-review", severity: "SEV2", authors: ["ari@example.com"], reviewers: ["bo", "cy@example.com"] });
  const policy = reviewPolicySchema.parse({ approvals: 2 });
  const at = (m: number) => `2026-03-14T10:${String(m).padStart(2, "0")}:00Z`;

  it("counts decisions of the latest round only, matching reviewers by id or e-mail", () => {
    const entries = [
      { id: "e1", action: "request_review" as const, by: "ari", at: at(0), reviewers: ["bo", "cy@example.com"] },
      { id: "e2", action: "approve" as const, by: "bo", at: at(1) },
      { id: "e3", action: "request_changes" as const, by: "cy", email: "cy@example.com", at: at(2), text: "Add the alert gap" },
    ];
    const s1 = reviewState(fm, entries, policy);
    expect(s1.reviewers.map((r) => r.decision)).toEqual(["approved", "changes_requested"]);
    expect(s1.approvals).toBe(1);
    // Asked again after the changes: everyone decides afresh.
    const s2 = reviewState(fm, [...entries, { id: "e4", action: "request_review" as const, by: "ari", at: at(3), reviewers: ["bo", "cy@example.com"] }], policy);
    expect(s2.reviewers.map((r) => r.decision)).toEqual(["pending", "pending"]);
  });

  it("lets only requested reviewers decide, by the policy's approvers, and not an author by default", () => {
    expect(decisionBlocker(BO, fm, policy)).toBeNull();
    expect(decisionBlocker(ARI, fm, policy)).toBe("only requested reviewers decide");
    expect(decisionBlocker(CY, fm, reviewPolicySchema.parse({ approvers: { roles: ["author", "admin"] } }))).toMatch(/policy/);
    const selfReview = incidentSchema.parse({ ...fm, reviewers: ["ari"] });
    expect(decisionBlocker(ARI, selfReview, policy)).toMatch(/self_approval/);
    expect(decisionBlocker(ARI, selfReview, reviewPolicySchema.parse({ self_approval: true }))).toBeNull();
  });

  it("keeps the old frontmatter valid and refuses a reviewer listed twice", () => {
    expect(incidentSchema.safeParse({ title: "T", status: "draft", severity: "SEV3" }).success).toBe(true);
    const twice = incidentSchema.safeParse({ title: "T", status: "draft", severity: "SEV3", reviewers: ["bo", "BO"] });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]).toMatchObject({ path: ["reviewers", 1], message: '"BO" is listed twice' });
  });
});

describe("commit messages", () => {
  it("name the incident and the action", () => {
    expect(reviewCommitMessage("db", { action: "request_review", reviewers: ["bo", "cy"] })).toBe("review(db): request review from bo, cy");
    expect(reviewCommitMessage("db", { action: "comment", timeline: "t-20260314-1002" })).toBe("review(db): comment on timeline row t-20260314-1002");
    expect(reviewCommitMessage("db", { action: "publish" }, { have: 2, needed: 2 })).toBe("incident(db): publish after review (2 of 2 approvals)");
  });
});

describe("performReviewAction on a real repository", () => {
  it("request → comment on a timeline row → approve publishes, one commit per action authored by the user", async () => {
    const { root, store } = await makeRepo({ db: incident("Database failover") });
    const before = await fs.readFile(path.join(root, "incidents/db.mdx"), "utf8");
    const sent: (() => Promise<DeliveryReport[]>)[] = [];

    const req = await performReviewAction(ARI, "db", { action: "request_review", reviewers: ["bo"] }, { store, notify: (s) => sent.push(s) });
    expect(req).toMatchObject({ ok: true, status: "in-review", published: false });
    expect(sent).toHaveLength(1);
    const after = git(root, "show", "HEAD:incidents/db.mdx");
    // Only the status line changed and the reviewers line was added: comments and layout stay.
    expect(after).toBe(before.replace("status: draft", "status: in-review").replace("authors: [ari]\n", "authors: [ari]\nreviewers:\n  - bo\n"));
    expect(git(root, "log", "-1", "--format=%an <%ae>|%s")).toBe("Ari Author <ari@example.com>|review(db): request review from bo\n");
    expect(git(root, "show", "--name-only", "--format=", "HEAD").trim().split("\n").sort()).toEqual(["incidents/db.mdx", "reviews/db.yml"]);

    await performReviewAction(BO, "db", { action: "comment", timeline: "t-20260314-1002", text: "Which deploy was it?" }, { store, notify: noNotify });
    expect(git(root, "log", "-1", "--format=%an|%s")).toBe("Bo Reviewer|review(db): comment on timeline row t-20260314-1002\n");

    const count = Number(git(root, "rev-list", "--count", "HEAD"));
    const approved = await performReviewAction(BO, "db", { action: "approve" }, { store, notify: noNotify });
    expect(approved).toMatchObject({ status: "published", published: true });
    expect(approved.commits).toHaveLength(2);
    expect(Number(git(root, "rev-list", "--count", "HEAD"))).toBe(count + 2);
    expect(git(root, "log", "-2", "--format=%an|%s")).toBe("Bo Reviewer|incident(db): publish after review (1 of 1 approvals)\nBo Reviewer|review(db): approve (1 of 1)\n");
    expect(git(root, "show", "HEAD:incidents/db.mdx")).toContain("status: published");

    const panel = await getReviewPanel(ARI, "db", store);
    expect(panel?.items.map((i) => i.action)).toEqual(["request_review", "comment", "approve", "publish"]);
    expect(panel?.items[1]?.anchor).toEqual({ kind: "timeline", id: "t-20260314-1002", label: "10:02 Deploy started" });
    expect(JSON.stringify(panel)).not.toContain("@example.com");
  });

  it("request changes keeps the incident in review; two approvals are needed when the policy says so", async () => {
    const { store } = await makeRepo({ db: incident("Database failover") }, "review:\n  approvals: 2\n");
    expect((await refusal(performReviewAction(ARI, "db", { action: "request_review", reviewers: ["bo"] }, { store, notify: noNotify }))).message).toMatch(/^reviewers: .*at least 2/);
    await performReviewAction(ARI, "db", { action: "request_review", reviewers: ["bo", "cy"] }, { store, notify: noNotify });
    expect(await performReviewAction(CY, "db", { action: "request_changes", text: "Add the missing alert as a factor" }, { store, notify: noNotify })).toMatchObject({ status: "in-review" });
    expect(await performReviewAction(BO, "db", { action: "approve" }, { store, notify: noNotify })).toMatchObject({ status: "in-review", published: false });
    await performReviewAction(CY, "db", { action: "approve" }, { store, notify: noNotify });
    expect((await store.snapshot()).byId.get("db")).toMatchObject({ frontmatter: { status: "published" } });
  });

  it("refuses bad input with the field named, and people who were not asked", async () => {
    const { store } = await makeRepo({ db: incident("Database failover") });
    expect(await refusal(performReviewAction(ARI, "db", { action: "comment", text: "" }, { store }))).toMatchObject({ code: "bad_request", message: expect.stringMatching(/^text: /) });
    expect(await refusal(performReviewAction(ARI, "db", { action: "shout" }, { store }))).toMatchObject({ code: "bad_request", message: expect.stringContaining("action") });
    expect(await refusal(performReviewAction(ARI, "db", { action: "comment", text: "x", timeline: "t-19990101-0000" }, { store }))).toMatchObject({ code: "bad_request", message: expect.stringMatching(/^timeline: no timeline row/) });
    expect(await refusal(performReviewAction(ARI, "db", { action: "comment", text: "x", section: "nope" }, { store }))).toMatchObject({ message: expect.stringMatching(/^section: /) });
    expect(await refusal(performReviewAction(CY, "db", { action: "comment", text: "drive-by" }, { store }))).toMatchObject({ code: "forbidden" });
    expect(await refusal(performReviewAction(CY, "db", { action: "request_review", reviewers: ["bo"] }, { store }))).toMatchObject({ code: "forbidden" });
    expect(await refusal(performReviewAction(ARI, "db", { action: "request_review", reviewers: ["ari"] }, { store }))).toMatchObject({ message: expect.stringMatching(/yourself/) });
    await performReviewAction(ARI, "db", { action: "request_review", reviewers: ["bo"] }, { store, notify: noNotify });
    expect(await refusal(performReviewAction(ARI, "db", { action: "approve" }, { store }))).toMatchObject({ code: "forbidden" });
    // A comment on a section heading works for the author too.
    await performReviewAction(ARI, "db", { action: "comment", section: "what-happened", text: "Added the deploy id." }, { store, notify: noNotify });
  });

  it("two comments at the same moment both land (the second is rebuilt on the first)", async () => {
    const { root, store } = await makeRepo({ db: incident("Database failover") });
    await performReviewAction(ARI, "db", { action: "request_review", reviewers: ["bo"] }, { store, notify: noNotify });
    await Promise.all([
      performReviewAction(ARI, "db", { action: "comment", text: "first" }, { store, notify: noNotify }),
      performReviewAction(BO, "db", { action: "comment", text: "second" }, { store: new ContentStore(root), notify: noNotify }),
    ]);
    const file = parseReviewFile("db", git(root, "show", "HEAD:reviews/db.yml"));
    expect(file.ok && file.entries.filter((e) => e.action === "comment").map((e) => e.text).sort()).toEqual(["first", "second"]);
  });
});

describe("restricted means invisible", () => {
  it("a reviewer who may not read the incident cannot act on it, see its panel, or find it waiting", async () => {
    const { store } = await makeRepo({ sec: incident("Token exposed", RESTRICTED), db: incident("Database failover") });
    const ADMIN: Viewer = { id: "ada", name: "Ada Admin", email: "ada@example.com", role: "admin", groups: [] };
    // Asking a local user who cannot read it is refused, naming them (the requester can read it).
    expect(await refusal(performReviewAction(ADMIN, "sec", { action: "request_review", reviewers: ["cy"] }, { store, notify: noNotify }))).toMatchObject({ message: "reviewers: cy may not read this incident" });
    // An account unknown locally (an identity-provider user) may be asked; what they may see still follows visibility.
    await performReviewAction(ADMIN, "sec", { action: "request_review", reviewers: ["sam", "dee"] }, { store, notify: noNotify });
    await performReviewAction(ARI, "db", { action: "request_review", reviewers: ["bo", "dee"] }, { store, notify: noNotify });
    const DEE: Viewer = { id: "dee", name: "Dee", email: "dee@example.com", role: "author", groups: [] };

    expect(await refusal(performReviewAction(DEE, "sec", { action: "approve" }, { store }))).toMatchObject({ code: "not_found", message: "not found" });
    expect(await refusal(performReviewAction(DEE, "sec", { action: "comment", text: "hi" }, { store }))).toMatchObject({ code: "not_found" });
    expect(await getReviewPanel(DEE, "sec", store)).toBeNull();

    const snap = await store.snapshot();
    const { files } = await reviewsAt(store, snap);
    const policy = configSection(snap, "review");
    // Even handed every incident, the list keeps only what the viewer may read.
    expect(reviewsWaitingFor(DEE, snap.incidents, files, policy.policy).map((w) => w.incident.id)).toEqual(["db"]);
    expect(reviewsWaitingFor(SAM, snap.incidents, files, policy.policy).map((w) => w.incident.id)).toEqual(["sec"]);
    expect(reviewsWaitingFor(BO, snap.incidents, files, policy.policy).map((w) => w.incident.id)).toEqual(["db"]);
    await performReviewAction(BO, "db", { action: "approve" }, { store, notify: noNotify });
    const after = await store.snapshot();
    const now = await reviewsAt(store, after);
    expect(reviewsWaitingFor(BO, after.incidents, now.files, after.config.review)).toEqual([]);
  });
});

describe("review notifications go through lib/notify's channels", () => {
  // One loopback server stands for every webhook; the path says which channel a message went to.
  let server: http.Server;
  let base = "";
  const received: { path: string; text: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let b = "";
      req.on("data", (c: Buffer) => (b += c.toString("utf8")));
      req.on("end", () => {
        const body = JSON.parse(b) as { text: string; blocks: { text?: { text: string } }[] };
        received.push({ path: req.url ?? "", text: [body.text, ...body.blocks.map((x) => x.text?.text ?? "")].join("\n") });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const ADMIN: Viewer = { id: "ada", name: "Ada Admin", email: "ada@example.com", role: "admin", groups: [] };
  const NOTIFY = "notifications:\n  teams:\n    sre: SRE_HOOK\n  groups:\n    security: SEC_HOOK\n";

  /** Runs one action with the webhook variables set and waits for what it sends. */
  async function run(viewer: Viewer, store: ContentStore, id: string, action: unknown): Promise<{ path: string; text: string }[]> {
    const vars = { KAIZEN_SLACK_WEBHOOK: `${base}/default`, SRE_HOOK: `${base}/team-sre`, SEC_HOOK: `${base}/group-security` };
    const prev = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    received.length = 0;
    try {
      const sends: Promise<DeliveryReport[]>[] = [];
      await performReviewAction(viewer, id, action, { store, baseUrl: "https://kaizen.example", notify: (send) => void sends.push(send()) });
      const reports = (await Promise.all(sends)).flat();
      expect(reports.every((r) => r.ok)).toBe(true);
      return [...received].sort((a, b) => a.path.localeCompare(b.path));
    } finally {
      for (const [k, v] of Object.entries(prev)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  it("a request on an internal incident goes to KAIZEN_SLACK_WEBHOOK and the team's channel from kaizen.yml", async () => {
    const { store } = await makeRepo({ db: incident("Database failover", ["teams: [sre]"]) }, NOTIFY);
    const sent = await run(ARI, store, "db", { action: "request_review", reviewers: ["bo"] });
    expect(sent.map((m) => m.path)).toEqual(["/default", "/team-sre"]);
    expect(sent[0]!.text).toContain("Review requested: Database failover (SEV2)");
    expect(sent[0]!.text).toContain("*Ari Author* asks bo to review");
    expect(sent[0]!.text).toContain("https://kaizen.example/incidents/db#review");
  });

  it("a restricted incident's request never reaches a channel its groups are not mapped to", async () => {
    const unmapped = await makeRepo({ sec: incident("Token exposed", RESTRICTED) }, "notifications:\n  teams:\n    sre: SRE_HOOK\n");
    expect(await run(ADMIN, unmapped.store, "sec", { action: "request_review", reviewers: ["sam"] })).toEqual([]);

    const mapped = await makeRepo({ sec: incident("Token exposed", [...RESTRICTED, "teams: [sre]"]) }, NOTIFY);
    const sent = await run(ADMIN, mapped.store, "sec", { action: "request_review", reviewers: ["sam"] });
    // Only the security group's channel: neither the default one nor the team's, though the incident is the team's.
    expect(sent.map((m) => m.path)).toEqual(["/group-security"]);
    expect(sent[0]!.text).toContain("Token exposed");
  });

  it("an approval that publishes announces the publication; events.review_requested: false silences requests", async () => {
    const { store } = await makeRepo({ db: incident("Database failover") }, "notifications:\n  events:\n    review_requested: false\n");
    expect(await run(ARI, store, "db", { action: "request_review", reviewers: ["bo"] })).toEqual([]);
    const sent = await run(BO, store, "db", { action: "approve" });
    expect(sent.map((m) => m.path)).toEqual(["/default"]);
    expect(sent[0]!.text).toContain("Post-mortem published: Database failover (SEV2)");
  });

  it("names where the old review.channel settings went", () => {
    const { problems } = parseReviewPolicy("review:\n  approvals: 1\n  channel: '#incident-reviews'\n");
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`)).toEqual([
      expect.stringMatching(/^kaizen\.yml:1 review: channel is no longer a review setting: review requests go to the notifications: channels/),
    ]);
  });
});
