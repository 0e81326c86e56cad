import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { ContentStore } from "../../lib/content/store";
import { saveIncident } from "../../lib/editor/save";

// With `review: { required: true }` in kaizen.yml, only a review publishes: a save that sets status: published is
// refused with the field named, and the author's other saves (drafts, in review, edits of published ones) go through.
const ANA: Viewer = { id: "ana", name: "Ana Lima", email: "ana@example.com", role: "author", groups: [] };
const FACTORS = "- id: missing-alert\n  name: Missing alert\n  category: observability\n  description: No alert fired.\n";
const text = (status: string, title = "Checkout outage") =>
  ["---", `title: ${title}`, `status: ${status}`, "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", "---", "", "## What happened", "", "Text.", ""].join("\n");

const dirs: string[] = [];
let prevDataDir: string | undefined;
beforeAll(async () => {
  prevDataDir = process.env.KAIZEN_DATA_DIR;
  process.env.KAIZEN_DATA_DIR = await tmp("kaizen-review-required-data-");
});
afterAll(async () => {
  if (prevDataDir === undefined) delete process.env.KAIZEN_DATA_DIR;
  else process.env.KAIZEN_DATA_DIR = prevDataDir;
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});
async function tmp(prefix: string): Promise<string> {
  const d = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
  dirs.push(d);
  return d;
}
const git = (root: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: root, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "S", GIT_AUTHOR_EMAIL: "s@example.com", GIT_COMMITTER_NAME: "S", GIT_COMMITTER_EMAIL: "s@example.com" } });

async function repo(kaizenYml: string): Promise<{ root: string; store: ContentStore }> {
  const root = await tmp("kaizen-review-required-");
  git(root, "init", "-q", "-b", "main");
  await fs.mkdir(path.join(root, "incidents"));
  await fs.writeFile(path.join(root, "factors.yml"), FACTORS);
  await fs.writeFile(path.join(root, "kaizen.yml"), kaizenYml);
  await fs.writeFile(path.join(root, "incidents", "draft-one.mdx"), text("draft"));
  await fs.writeFile(path.join(root, "incidents", "old-one.mdx"), text("published", "Old outage"));
  git(root, "add", "-A");
  git(root, "commit", "-qm", "content");
  return { root, store: new ContentStore(root) };
}
const blob = (root: string, id: string) => git(root, "rev-parse", `HEAD:incidents/${id}.mdx`).trim();

describe("review.required in kaizen.yml", { timeout: 60_000 }, () => {
  it("refuses a save that publishes, naming the status line; drafts, in-review and published edits still save", async () => {
    const { root, store } = await repo("review:\n  required: true\n  approvals: 2\n");
    const refused = await saveIncident(ANA, { id: "draft-one", baseBlob: blob(root, "draft-one"), text: text("published") }, store);
    expect(refused.ok).toBe(false);
    if (refused.ok || refused.reason !== "invalid") throw new Error("expected invalid");
    expect(refused.problems).toEqual([expect.objectContaining({ field: "status", line: 3, message: expect.stringContaining("publishing needs 2 approvals in review") })]);
    expect(git(root, "rev-list", "--count", "HEAD").trim()).toBe("1");

    expect((await saveIncident(ANA, { id: "draft-one", baseBlob: blob(root, "draft-one"), text: text("in-review") }, store)).ok).toBe(true);
    expect((await saveIncident(ANA, { id: "old-one", baseBlob: blob(root, "old-one"), text: text("published", "Old outage, revised") }, store)).ok).toBe(true);
    const created = await saveIncident(ANA, { text: text("published", "New outage"), baseBlob: null }, store);
    expect(created.ok).toBe(false);
  });

  it("is off unless asked for", async () => {
    const { root, store } = await repo("review:\n  approvals: 1\n");
    expect((await saveIncident(ANA, { id: "draft-one", baseBlob: blob(root, "draft-one"), text: text("published") }, store)).ok).toBe(true);
  });
});
