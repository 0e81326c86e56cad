import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { ContentStore } from "../../lib/content/store";
import { saveIncident } from "../../lib/editor/save";
import { AppError } from "../../lib/errors";
import { git, gitRepo, inIncidents, removeTempDirs, tempDir } from "../fixtures/git-repo";

const FACTORS = `- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
- id: bad-config-push
  name: Bad configuration push
  category: change
  description: A configuration change rolled out everywhere at once.
`;

const ANA: Viewer = { id: "ana", name: "Ana Lima", email: "ana@example.com", role: "author", groups: [] };
const ADA: Viewer = { id: "ada", name: "Ada Admin", email: "ada@example.com", role: "admin", groups: [] };
const RAE: Viewer = { id: "rae", name: "Rae Reader", email: "rae@example.com", role: "reader", groups: [] };

function incident(title: string, extra: string[] = [], body = "## Summary\n\nSomething happened.\n"): string {
  return ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", ...extra, "---", "", body].join("\n");
}

let prevDataDir: string | undefined;

/** A content repository with a taxonomy and the given incidents, committed. */
async function makeRepo(files: Record<string, string> = { "db-failover.mdx": incident("Database failover") }): Promise<{ root: string; store: ContentStore }> {
  const root = await gitRepo({ "factors.yml": FACTORS, ...inIncidents(files) }, { prefix: "kaizen-editor-" });
  return { root, store: new ContentStore(root) };
}

const commits = (root: string) => Number(git(root, "rev-list", "--count", "HEAD").trim());
const blobOf = (root: string, id: string) => git(root, "rev-parse", `HEAD:incidents/${id}.mdx`).trim();

beforeAll(async () => {
  // Denials write an audit line to the data directory: keep it out of the project.
  prevDataDir = process.env.KAIZEN_DATA_DIR;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-editor-data-");
});

afterAll(async () => {
  if (prevDataDir === undefined) delete process.env.KAIZEN_DATA_DIR;
  else process.env.KAIZEN_DATA_DIR = prevDataDir;
  await removeTempDirs();
});

describe("saveIncident: compare-and-swap", () => {
  it("two saves from the same base make exactly one commit; the other gets a conflict with the current text", async () => {
    const { root, store } = await makeRepo();
    const base = blobOf(root, "db-failover");
    const before = commits(root);
    const mine = incident("Database failover (Ana's edit)");
    const theirs = incident("Database failover (Bo's edit)");
    const [a, b] = await Promise.all([
      saveIncident(ANA, { id: "db-failover", baseBlob: base, text: mine }, store),
      saveIncident({ ...ANA, id: "bo", name: "Bo Chen", email: "bo@example.com" }, { id: "db-failover", baseBlob: base, text: theirs }, store),
    ]);
    expect(commits(root)).toBe(before + 1);
    const results = [a, b];
    const ok = results.filter((r) => r.ok);
    const conflicts = results.flatMap((r) => (!r.ok && r.reason === "conflict" ? [r] : []));
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(1);
    const winner = a.ok ? mine : theirs;
    expect(conflicts[0]?.currentText).toBe(winner);
    expect(conflicts[0]?.currentBlob).toBe(blobOf(root, "db-failover"));
    expect(await fs.readFile(path.join(root, "incidents/db-failover.mdx"), "utf8")).toBe(winner);
  });

  it("a save on top of the new base after a conflict succeeds", async () => {
    const { root, store } = await makeRepo();
    const base = blobOf(root, "db-failover");
    const first = await saveIncident(ANA, { id: "db-failover", baseBlob: base, text: incident("First") }, store);
    expect(first.ok).toBe(true);
    const stale = await saveIncident(ANA, { id: "db-failover", baseBlob: base, text: incident("Second") }, store);
    expect(stale.ok).toBe(false);
    if (stale.ok || stale.reason !== "conflict") throw new Error("expected a conflict");
    const retry = await saveIncident(ANA, { id: "db-failover", baseBlob: stale.currentBlob, text: incident("Second") }, store);
    expect(retry.ok).toBe(true);
    expect(git(root, "show", "HEAD:incidents/db-failover.mdx")).toContain("title: Second");
  });

  it("50 concurrent saves to different incidents make 50 commits and a clean repository", async () => {
    const files = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`inc-${i}.mdx`, incident(`Incident ${i}`)]));
    const { root, store } = await makeRepo(files);
    const before = commits(root);
    const bases = Array.from({ length: 50 }, (_, i) => blobOf(root, `inc-${i}`));
    const results = await Promise.all(bases.map((baseBlob, i) => saveIncident(ANA, { id: `inc-${i}`, baseBlob, text: incident(`Incident ${i}, edited`) }, store)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(commits(root)).toBe(before + 50);
    expect(() => git(root, "fsck", "--strict")).not.toThrow();
    expect(git(root, "status", "--porcelain").trim()).toBe("");
    for (let i = 0; i < 50; i++) expect(git(root, "show", `HEAD:incidents/inc-${i}.mdx`)).toContain(`Incident ${i}, edited`);
  });

  it("a change to another file since the editor opened is not a conflict", async () => {
    const { root, store } = await makeRepo({ "a.mdx": incident("A"), "b.mdx": incident("B") });
    const baseA = blobOf(root, "a");
    const b = await saveIncident(ANA, { id: "b", baseBlob: blobOf(root, "b"), text: incident("B, edited") }, store);
    expect(b.ok).toBe(true);
    const a = await saveIncident(ANA, { id: "a", baseBlob: baseA, text: incident("A, edited") }, store);
    expect(a.ok).toBe(true);
  });

  it("when the git write fails it throws, makes no commit and restores the file", async () => {
    const { root, store } = await makeRepo();
    const original = await fs.readFile(path.join(root, "incidents/db-failover.mdx"), "utf8");
    const before = commits(root);
    // Commits skip hooks (--no-verify) but not signing: a signing program that fails makes `git commit` fail.
    git(root, "config", "commit.gpgSign", "true");
    git(root, "config", "gpg.program", "false");
    await expect(saveIncident(ANA, { id: "db-failover", baseBlob: blobOf(root, "db-failover"), text: incident("Never saved") }, store)).rejects.toThrow();
    expect(commits(root)).toBe(before);
    expect(await fs.readFile(path.join(root, "incidents/db-failover.mdx"), "utf8")).toBe(original);
    expect(git(root, "status", "--porcelain").trim()).toBe("");
  });
});

describe("saveIncident: who and what", () => {
  it("commits with the signed-in user as author and a message naming the change", async () => {
    const { root, store } = await makeRepo();
    const r = await saveIncident(ANA, { id: "db-failover", baseBlob: blobOf(root, "db-failover"), text: incident("Database failover").replace("status: published", "status: in-review") }, store);
    expect(r.ok).toBe(true);
    expect(git(root, "log", "-1", "--format=%an%n%ae%n%s").trim().split("\n")).toEqual(["Ana Lima", "ana@example.com", "incident(db-failover): status published → in-review"]);
    if (r.ok) expect(r.commit).toBe(git(root, "rev-parse", "HEAD").trim());
  });

  it("refuses a reader, with no commit", async () => {
    const { root, store } = await makeRepo();
    const before = commits(root);
    const attempt = saveIncident(RAE, { id: "db-failover", baseBlob: blobOf(root, "db-failover"), text: incident("Reader edit") }, store);
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "forbidden" });
    expect(commits(root)).toBe(before);
  });

  it("an author cannot change visibility; an admin can", async () => {
    const { root, store } = await makeRepo();
    const restricted = incident("Database failover", ["visibility: restricted", "groups: [security]"]);
    await expect(saveIncident(ANA, { id: "db-failover", baseBlob: blobOf(root, "db-failover"), text: restricted }, store)).rejects.toMatchObject({ code: "forbidden" });
    expect(git(root, "show", "HEAD:incidents/db-failover.mdx")).not.toContain("restricted");
    const r = await saveIncident(ADA, { id: "db-failover", baseBlob: blobOf(root, "db-failover"), text: restricted }, store);
    expect(r.ok).toBe(true);
    expect(git(root, "show", "HEAD:incidents/db-failover.mdx")).toContain("visibility: restricted");
  });

  it("returns field problems for invalid text and commits nothing", async () => {
    const { root, store } = await makeRepo();
    const before = commits(root);
    const r = await saveIncident(ANA, { id: "db-failover", baseBlob: blobOf(root, "db-failover"), text: incident("X").replace("severity: SEV2", "severity: sev 2") }, store);
    expect(r).toMatchObject({ ok: false, reason: "invalid" });
    if (!r.ok && r.reason === "invalid") expect(r.problems.map((p) => p.field)).toContain("severity");
    expect(commits(root)).toBe(before);
  });
});

describe("saveIncident: ids and renames", () => {
  it("makes a new incident's id from its date and title, unique among existing ones", async () => {
    const { store } = await makeRepo();
    const text = incident("Checkout latency spikes during the partner batch!");
    const a = await saveIncident(ANA, { baseBlob: null, text }, store);
    const b = await saveIncident(ANA, { baseBlob: null, text }, store);
    expect(a).toMatchObject({ ok: true, created: true, id: "2026-03-14-checkout-latency-spikes-during-the-partner-batch" });
    // A taken id gets a random suffix rather than a counter (a counter would count hidden incidents too).
    expect(b.ok && b.id).toMatch(/^2026-03-14-checkout-latency-spikes-during-the-partner-batch-[a-z0-9]{4}$/);
  });

  it("a rename keeps the file's history and is listed in the repository's renames", async () => {
    const { root, store } = await makeRepo();
    const first = await saveIncident(ANA, { id: "db-failover", baseBlob: blobOf(root, "db-failover"), text: incident("Database failover", [], "## Summary\n\nEdited once.\n") }, store);
    expect(first.ok).toBe(true);
    const r = await saveIncident(ANA, { id: "db-failover", newId: "2026-03-14-db-failover", baseBlob: blobOf(root, "db-failover"), text: incident("Database failover", [], "## Summary\n\nEdited once.\n") }, store);
    expect(r).toMatchObject({ ok: true, id: "2026-03-14-db-failover" });
    const log = git(root, "log", "--follow", "--format=%s", "--", "incidents/2026-03-14-db-failover.mdx").trim().split("\n");
    expect(log).toHaveLength(3);
    expect(log[0]).toContain("rename from db-failover");
    expect((await store.repo.renames()).get("incidents/db-failover.mdx")).toBe("incidents/2026-03-14-db-failover.mdx");
    await expect(fs.access(path.join(root, "incidents/db-failover.mdx"))).rejects.toThrow();
  });

  it("refuses a rename onto an existing id", async () => {
    const { root, store } = await makeRepo({ "a.mdx": incident("A"), "b.mdx": incident("B") });
    const r = await saveIncident(ANA, { id: "a", newId: "b", baseBlob: blobOf(root, "a"), text: incident("A") }, store);
    expect(r).toMatchObject({ ok: false, reason: "invalid" });
    if (!r.ok && r.reason === "invalid") expect(r.problems[0]?.field).toBe("id");
  });
});
