import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { ContentStore } from "../../lib/content/store";
import { saveIncident } from "../../lib/editor/save";
import { git, gitRepo, removeTempDirs, tempDir } from "../fixtures/git-repo";

// With `review: { required: true }` in kaizen.yml, only a review publishes: a save that sets status: published is
// refused with the field named, and the author's other saves (drafts, in review, edits of published ones) go through.
const ANA: Viewer = { id: "ana", name: "Ana Lima", email: "ana@example.com", role: "author", groups: [] };
const FACTORS = "- id: missing-alert\n  name: Missing alert\n  category: observability\n  description: No alert fired.\n";
const text = (status: string, title = "Checkout outage") =>
  ["---", `title: ${title}`, `status: ${status}`, "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", "---", "", "## What happened", "", "Text.", ""].join("\n");

let prevDataDir: string | undefined;
beforeAll(async () => {
  prevDataDir = process.env.KAIZEN_DATA_DIR;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-review-required-data-");
});
afterAll(async () => {
  if (prevDataDir === undefined) delete process.env.KAIZEN_DATA_DIR;
  else process.env.KAIZEN_DATA_DIR = prevDataDir;
  await removeTempDirs();
});
async function repo(kaizenYml: string): Promise<{ root: string; store: ContentStore }> {
  const root = await gitRepo(
    { "factors.yml": FACTORS, "kaizen.yml": kaizenYml, "incidents/draft-one.mdx": text("draft"), "incidents/old-one.mdx": text("published", "Old outage") },
    { prefix: "kaizen-review-required-", message: "content" },
  );
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
