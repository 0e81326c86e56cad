import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { getStore } from "../../lib/content";
import { GitRepository } from "../../lib/content/repository";
import { initKnowledgeBase, STARTER_FACTORS } from "../../lib/content/starter";
import { parseTaxonomy } from "../../lib/content/store";
import { getFactorsIndex, taxonomyFileState } from "../../lib/pages/factors";
import { getOverview } from "../../lib/pages/overview";
import { git, removeTempDirs, tempDir, tempDirSync } from "../fixtures/git-repo";
import { restoreServerEnv, serveContentFrom } from "../fixtures/server-env";

const root = path.resolve(__dirname, "../..");
const RAE: Viewer = { id: "rae", name: "Rae Reader", email: "rae@example.com", role: "reader", groups: [] };

async function emptyRepo(): Promise<string> {
  const d = await tempDir("kaizen-empty-");
  git(d, "init", "-q", "-b", "main");
  return d;
}

let data = "";
beforeAll(async () => {
  data = await tempDir("kaizen-empty-data-");
});

afterAll(async () => {
  restoreServerEnv();
  await removeTempDirs();
});

describe("an empty knowledge base", { timeout: 60_000 }, () => {
  it("the starter taxonomy is valid and covers the architecture's categories", () => {
    const { taxonomy, problems } = parseTaxonomy(STARTER_FACTORS);
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(taxonomy.categories.map((c) => c.id)).toEqual(expect.arrayContaining(["change-management", "observability", "capacity", "dependencies", "automation", "configuration", "time", "human-system-interface", "process-and-communication"]));
    expect(taxonomy.active.length).toBeGreaterThanOrEqual(20);
  });

  it("init commits factors.yml and kaizen.yml into an empty repository, once; an existing taxonomy is never overwritten", async () => {
    const dir = await emptyRepo();
    const r = await initKnowledgeBase(new GitRepository(dir), { name: "Ada Admin", email: "ada@example.com" });
    expect(r).toMatchObject({ ok: true, files: ["factors.yml", "kaizen.yml"] });
    expect(git(dir, "log", "--format=%an %s").trim()).toBe("Ada Admin kaizen init: starter factors.yml and kaizen.yml");
    expect(git(dir, "show", "HEAD:factors.yml")).toBe(STARTER_FACTORS);
    expect(git(dir, "status", "--porcelain").trim()).toBe("");
    await fs.writeFile(path.join(dir, "factors.yml"), "- id: ours\n  name: Ours\n  category: ours\n  description: Ours.\n");
    git(dir, "commit", "-qam", "ours");
    const again = await initKnowledgeBase(new GitRepository(dir), { name: "Ada Admin", email: "ada@example.com" });
    expect(again.ok).toBe(false);
    expect(git(dir, "show", "HEAD:factors.yml")).toContain("id: ours");
  });

  it("kaizen init on a new directory makes the repository and commits the starter; lint then passes", () => {
    const parent = tempDirSync("kaizen-init-");
    const dir = path.join(parent, "new-kb");
    const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/kaizen.ts"), ...args, "--content", dir], { cwd: root, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada", GIT_COMMITTER_EMAIL: "ada@example.com" } });
    const r = run("init");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("committed factors.yml and kaizen.yml");
    expect(git(dir, "ls-tree", "--name-only", "HEAD").trim().split("\n")).toEqual(["factors.yml", "kaizen.yml"]);
    expect(run("lint").status).toBe(0);
    const twice = run("init");
    expect(twice.status).toBe(1);
    expect(twice.stderr).toContain("factors.yml already exists");
  });

  it("/factors and the overview say factors.yml is missing instead of showing nothing", async () => {
    const dir = await emptyRepo();
    serveContentFrom(dir, data);
    await getStore(dir).forceRefresh();
    const factors = await getFactorsIndex(RAE);
    expect(factors.categories).toEqual([]);
    expect(factors.taxonomyFile).toEqual({ state: "missing", problems: [] });
    const overview = await getOverview(RAE);
    expect(overview.taxonomyFile.state).toBe("missing");
    expect(overview.recent).toEqual([]);

    await initKnowledgeBase(new GitRepository(dir), { name: "Ada", email: "ada@example.com" });
    await getStore(dir).forceRefresh();
    const after = await getFactorsIndex(RAE);
    expect(after.taxonomyFile.state).toBe("ok");
    expect(after.categories.length).toBeGreaterThan(0);
  });

  it("a broken factors.yml is reported with its located problems", () => {
    const { problems } = parseTaxonomy("factors:\n  - id: x\n    name: X\n");
    const state = taxonomyFileState(problems);
    expect(state.state).toBe("broken");
    expect(state.problems.join("\n")).toMatch(/^factors\.yml:\d+:\d+ /);
  });
});
