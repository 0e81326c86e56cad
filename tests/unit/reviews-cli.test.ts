import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../lib/auth/users";
import { gitRepo, removeTempDirs, tempDir } from "../fixtures/git-repo";

// `kaizen reviews` as a person runs it, over a temporary content repository with two reviews in progress.
const root = path.resolve(__dirname, "../..");
let content: string;
let data: string;

function kaizen(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/kaizen.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, KAIZEN_CONTENT_DIR: content, KAIZEN_DATA_DIR: data, KAIZEN_USER: "", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const doc = (title: string, extra: string[]) => ["---", `title: ${title}`, "status: in-review", "severity: SEV2", "authors: [ari]", ...extra, "---", "", "## Summary", "", "Text.", ""].join("\n");

beforeAll(async () => {
  content = await gitRepo(
    {
      "factors.yml": "[]\n",
      "incidents/db.mdx": doc("Database failover", ["reviewers: [bo, cy]"]),
      "incidents/sec.mdx": doc("Token exposed", ["visibility: restricted", "groups: [security]", "reviewers: [bo]"]),
      // Bo already approved the database one.
      "reviews/db.yml": "- id: aaaa1\n  action: request_review\n  by: ari\n  at: 2026-03-14T10:00:00Z\n  reviewers: [bo, cy]\n- id: bbbb2\n  action: approve\n  by: bo\n  at: 2026-03-14T11:00:00Z\n",
    },
    { prefix: "kaizen-reviews-cli-", message: "sample" },
  );
  data = path.join(await tempDir("kaizen-reviews-cli-data-"), "data");
  await addUser({ username: "bo", role: "author", groups: [], password: "bo-password-123" }, data);
  await addUser({ username: "cy", role: "reader", groups: [], password: "cy-password-123" }, data);
});
afterAll(removeTempDirs);

describe("kaizen reviews", { timeout: 120_000 }, () => {
  it("lists reviews in progress with who they wait for, restricted ones only when asked", () => {
    const r = kaizen(["reviews", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ id: "db", title: "Database failover", visibility: "internal", approvals: 1, needed: 1, waitingFor: ["cy"], requestedBy: "ari", requestedAt: "2026-03-14T10:00:00Z" }]);
    const all = JSON.parse(kaizen(["reviews", "--json", "--include-restricted"]).out) as { id: string }[];
    expect(all.map((x) => x.id).sort()).toEqual(["db", "sec"]);
  });

  it("--mine lists what waits for that user and never a restricted incident they may not read", () => {
    expect(JSON.parse(kaizen(["reviews", "--mine", "--json", "--user", "cy"]).out).map((x: { id: string }) => x.id)).toEqual(["db"]);
    // Bo approved db and may not read sec: nothing waits for him.
    const bo = kaizen(["reviews", "--mine"], { KAIZEN_USER: "bo" });
    expect(bo.code).toBe(0);
    expect(bo.out).toBe("");
    expect(bo.err).toContain("0 review(s) waiting for you");
  });

  it("refuses --mine without a user, and an unknown user", () => {
    expect(kaizen(["reviews", "--mine"]).err).toContain("--mine needs a user");
    expect(kaizen(["reviews", "--mine", "--user", "nobody"])).toMatchObject({ code: 2, err: expect.stringContaining('no local user "nobody"') });
  });
});
