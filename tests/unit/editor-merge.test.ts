import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { ContentStore } from "../../lib/content/store";
import { threeWayMerge } from "../../lib/editor/merge";
import { saveIncident } from "../../lib/editor/save";
import { git, gitRepo, removeTempDirs, tempDir } from "../fixtures/git-repo";

const FACTORS = `- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
`;

const ANA: Viewer = { id: "ana", name: "Ana Lima", email: "ana@example.com", role: "author", groups: [] };
const BO: Viewer = { id: "bo", name: "Bo Berg", email: "bo@example.com", role: "author", groups: [] };
const ADA: Viewer = { id: "ada", name: "Ada Admin", email: "ada@example.com", role: "admin", groups: ["security"] };

function incident(o: { title?: string; summary?: string; extra?: string[]; lessons?: string } = {}): string {
  return [
    "---",
    `title: ${o.title ?? "Database failover"}`,
    "status: published",
    "severity: SEV2",
    "started_at: 2026-03-14T14:00:00Z",
    `summary: ${o.summary ?? "The primary database failed over."}`,
    ...(o.extra ?? []),
    "---",
    "",
    "## What happened",
    "",
    "The primary lost its disk.",
    "",
    "## Lessons",
    "",
    o.lessons ?? "Watch the disks.",
    "",
  ].join("\n");
}

let prevDataDir: string | undefined;

async function makeRepo(text = incident()): Promise<{ root: string; store: ContentStore }> {
  const root = await gitRepo({ "factors.yml": FACTORS, "incidents/db-failover.mdx": text }, { prefix: "kaizen-merge-" });
  return { root, store: new ContentStore(root) };
}

const blobOf = (root: string) => git(root, "rev-parse", "HEAD:incidents/db-failover.mdx").trim();
const head = (root: string) => git(root, "show", "HEAD:incidents/db-failover.mdx");
const commits = (root: string) => Number(git(root, "rev-list", "--count", "HEAD").trim());

beforeAll(async () => {
  prevDataDir = process.env.KAIZEN_DATA_DIR;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-merge-data-");
});

afterAll(async () => {
  if (prevDataDir === undefined) delete process.env.KAIZEN_DATA_DIR;
  else process.env.KAIZEN_DATA_DIR = prevDataDir;
  await removeTempDirs();
});

describe("threeWayMerge", () => {
  it("merges edits of different lines", async () => {
    const r = await threeWayMerge({ base: "a\nb\nc\nd\ne\n", mine: "A\nb\nc\nd\ne\n", theirs: "a\nb\nc\nd\nE\n" });
    expect(r).toEqual({ clean: true, text: "A\nb\nc\nd\nE\n" });
  });

  it("returns only the overlapping region, with each side's lines and the base", async () => {
    const r = await threeWayMerge({ base: "a\nb\nc\nd\ne\nf\ng\n", mine: "A\nb\nc\nd\ne\nmine\ng\n", theirs: "a\nb\nc\nd\ne\ntheirs\ng\n" });
    expect(r.clean).toBe(false);
    if (r.clean) return;
    expect(r.hunks).toEqual([{ line: 6, base: ["f"], mine: ["mine"], theirs: ["theirs"] }]);
  });

  it("does not mistake a line of text that starts with git's usual marker for a conflict", async () => {
    const base = "x\n<<<<<<< not a marker\ny\nz\nw\n";
    const r = await threeWayMerge({ base, mine: base.replace("x", "X"), theirs: base.replace("w", "W") });
    expect(r).toEqual({ clean: true, text: "X\n<<<<<<< not a marker\ny\nz\nW\n" });
  });
});

describe("saveIncident: a save that hits a newer version", () => {
  it("merges edits of different sections, commits the result once, and names whose change it was merged with", async () => {
    const { root, store } = await makeRepo();
    const base = blobOf(root);
    const bo = await saveIncident(BO, { id: "db-failover", baseBlob: base, text: incident({ summary: "The primary database failed over twice." }) }, store);
    expect(bo.ok).toBe(true);
    const before = commits(root);
    const ana = await saveIncident(ANA, { id: "db-failover", baseBlob: base, text: incident({ lessons: "Alert on disk latency." }) }, store);
    expect(ana).toMatchObject({ ok: true, merged: { name: "Bo Berg" } });
    expect(commits(root)).toBe(before + 1);
    const text = head(root);
    expect(text).toContain("failed over twice");
    expect(text).toContain("Alert on disk latency.");
    expect(git(root, "log", "-1", "--format=%an").trim()).toBe("Ana Lima");
    if (ana.ok) expect(ana.blob).toBe(blobOf(root));
  });

  it("a merged result is validated like any save: two valid edits that make an invalid file are a conflict, nothing committed", async () => {
    const { root, store } = await makeRepo(incident({ extra: ["detected_at: 2026-03-14T14:10:00Z", "", "", "resolved_at: 2026-03-14T15:00:00Z"] }));
    const base = blobOf(root);
    const baseText = head(root);
    // Bo moves detection later, Ana moves resolution earlier: each alone is in order, together resolved < detected.
    await saveIncident(BO, { id: "db-failover", baseBlob: base, text: baseText.replace("detected_at: 2026-03-14T14:10:00Z", "detected_at: 2026-03-14T14:50:00Z") }, store);
    const before = commits(root);
    const r = await saveIncident(ANA, { id: "db-failover", baseBlob: base, text: baseText.replace("resolved_at: 2026-03-14T15:00:00Z", "resolved_at: 2026-03-14T14:30:00Z") }, store);
    expect(r).toMatchObject({ ok: false, reason: "conflict", savedBy: { name: "Bo Berg" }, hunks: [] });
    if (!r.ok && r.reason === "conflict") expect(r.message).toMatch(/not valid/);
    expect(commits(root)).toBe(before);
  });

  it("edits of the same line are a conflict that says who saved and when, with only that region, and commit nothing", async () => {
    const { root, store } = await makeRepo();
    const base = blobOf(root);
    await saveIncident(BO, { id: "db-failover", baseBlob: base, text: incident({ title: "Database failover (Bo)", lessons: "Bo's lesson." }) }, store);
    const when = git(root, "log", "-1", "--format=%aI").trim();
    const before = commits(root);
    const mine = incident({ title: "Database failover (Ana)" });
    const r = await saveIncident(ANA, { id: "db-failover", baseBlob: base, text: mine }, store);
    expect(r.ok).toBe(false);
    if (r.ok || r.reason !== "conflict") throw new Error("expected a conflict");
    expect(r.savedBy?.name).toBe("Bo Berg");
    expect(Date.parse(r.savedBy?.date ?? "")).toBe(Date.parse(when));
    expect(r.message).toMatch(/^Bo Berg saved this incident at \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC/);
    expect(r.message).toContain("1 place");
    expect(r.hunks).toEqual([{ line: 2, base: ["title: Database failover"], mine: ["title: Database failover (Ana)"], theirs: ["title: Database failover (Bo)"] }]);
    expect(r.baseText).toBe(incident());
    expect(r.currentText).toBe(head(root));
    expect(commits(root)).toBe(before);
    expect(head(root)).toContain("Bo's lesson.");
  });

  it("never merges into, nor quotes, a base revision the viewer may not read (a forged base blob)", async () => {
    const secret = incident({ summary: "SECRET-PAYROLL-DETAIL", extra: ["visibility: restricted", "groups: [security]"] });
    const { root, store } = await makeRepo(secret);
    const hiddenBase = blobOf(root);
    const open = await saveIncident(ADA, { id: "db-failover", baseBlob: hiddenBase, text: incident() }, store);
    expect(open.ok).toBe(true);
    await saveIncident(BO, { id: "db-failover", baseBlob: blobOf(root), text: incident({ lessons: "Bo's lesson." }) }, store);
    const before = commits(root);
    // Ana edits the title only: merged onto the secret base it would bring the secret summary back as "theirs".
    const r = await saveIncident(ANA, { id: "db-failover", baseBlob: hiddenBase, text: secret.replace("visibility: restricted\ngroups: [security]\n", "").replace("title: Database failover", "title: Ana's title") }, store);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain("SECRET-PAYROLL-DETAIL");
    expect(r).not.toHaveProperty("baseText");
    expect(r).not.toHaveProperty("hunks");
    expect(commits(root)).toBe(before);
  });

  it("a conflict on an incident that became hidden from the viewer says nothing about it", async () => {
    const { root, store } = await makeRepo();
    const base = blobOf(root);
    await saveIncident(ADA, { id: "db-failover", baseBlob: base, text: incident({ summary: "SECRET-NOW", extra: ["visibility: restricted", "groups: [security]"] }) }, store);
    const r = await saveIncident(ANA, { id: "db-failover", baseBlob: base, text: incident({ lessons: "Mine." }) }, store);
    expect(r).toMatchObject({ ok: false, reason: "conflict", currentText: null, currentBlob: null });
    expect(JSON.stringify(r)).not.toMatch(/SECRET-NOW|Ada/);
  });
});
