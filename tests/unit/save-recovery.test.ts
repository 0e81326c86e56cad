import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { blobId } from "../../lib/content/git";
import { GitRepository, type Author } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { processStart } from "../../lib/content/write-lock";
import { git, gitRepo, removeTempDirs } from "../fixtures/git-repo";

const ANA: Author = { name: "Ana Lima", email: "ana@example.com" };
const FACTORS = "- id: missing-alert\n  name: Missing alert\n  category: observability\n  description: No alert fired.\n";
afterAll(async () => {
  await removeTempDirs();
});

function incident(title: string): string {
  return ["---", `title: ${title}`, "status: published", "severity: SEV2", "---", "", "# Summary\n\nSomething happened.\n"].join("\n");
}

async function makeRepo(): Promise<string> {
  return gitRepo({ "factors.yml": FACTORS, "incidents/a.mdx": incident("Committed"), "incidents/b.mdx": incident("Other") }, { prefix: "kaizen-recovery-" });
}

/** The pid of a process that has exited (and been reaped), so nothing holds it. */
async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((r) => child.on("exit", r));
  return child.pid!;
}

async function liveProcess(): Promise<{ pid: number; stop: () => void }> {
  const child = spawn("sleep", ["60"]);
  await new Promise((r) => child.on("spawn", r));
  return { pid: child.pid!, stop: () => child.kill("SIGKILL") };
}

const lockOf = (root: string) => path.join(root, ".git", "kaizen-write.lock");
const edit = (title: string, from = "Committed") => [{ path: "incidents/a.mdx", content: incident(title), baseBlob: blobId(incident(from)) }];

describe("git's own locks left by a killed git", () => {
  it("saves despite a stale .git/index.lock, and removes it", async () => {
    const root = await makeRepo();
    const lock = path.join(root, ".git", "index.lock");
    await fs.writeFile(lock, "");
    await fs.utimes(lock, new Date(Date.now() - 5_000), new Date(Date.now() - 5_000));
    const commit = await new GitRepository(root).commit(edit("Edited"), "Edit a", ANA);
    expect(git(root, "rev-parse", "HEAD").trim()).toBe(commit);
    expect(git(root, "status", "--porcelain").trim()).toBe("");
    await expect(fs.stat(lock)).rejects.toThrow();
  });

  it("saves despite stale locks on the branch ref and on HEAD", async () => {
    const root = await makeRepo();
    for (const lock of [path.join(root, ".git", "refs", "heads", "main.lock"), path.join(root, ".git", "HEAD.lock")]) {
      await fs.writeFile(lock, "");
      await fs.utimes(lock, new Date(Date.now() - 5_000), new Date(Date.now() - 5_000));
    }
    const commit = await new GitRepository(root).commit(edit("Edited"), "Edit a", ANA);
    expect(git(root, "rev-parse", "main").trim()).toBe(commit);
  });
});

describe("Kaizen's write lock", () => {
  it("is taken at once from a process that no longer runs", async () => {
    const root = await makeRepo();
    await fs.writeFile(lockOf(root), JSON.stringify({ pid: await deadPid(), start: "1", host: os.hostname(), token: "gone" }));
    await new GitRepository(root).commit(edit("Edited"), "Edit a", ANA);
    expect(git(root, "log", "-1", "--format=%s").trim()).toBe("Edit a");
    await expect(fs.stat(lockOf(root))).rejects.toThrow();
  });

  it("is taken at once from a pid that now belongs to another process", async () => {
    const root = await makeRepo();
    const other = await liveProcess();
    try {
      await fs.writeFile(lockOf(root), JSON.stringify({ pid: other.pid, start: "1", host: os.hostname(), token: "reused" }));
      await new GitRepository(root).commit(edit("Edited"), "Edit a", ANA);
      expect(git(root, "log", "-1", "--format=%s").trim()).toBe("Edit a");
    } finally {
      other.stop();
    }
  });

  it("is taken at once when written by an older Kaizen whose pid is gone", async () => {
    const root = await makeRepo();
    await fs.writeFile(lockOf(root), `${await deadPid()}\n`);
    await new GitRepository(root).commit(edit("Edited"), "Edit a", ANA);
    expect(git(root, "log", "-1", "--format=%s").trim()).toBe("Edit a");
  });

  it("waits for a live holder and goes ahead once it releases", async () => {
    const root = await makeRepo();
    const holder = await liveProcess();
    try {
      await fs.writeFile(lockOf(root), JSON.stringify({ pid: holder.pid, start: processStart(holder.pid), host: os.hostname(), token: "live" }));
      let done = false;
      const saving = new GitRepository(root).commit(edit("Edited"), "Edit a", ANA).then((c) => ((done = true), c));
      await new Promise((r) => setTimeout(r, 400));
      expect(done).toBe(false);
      expect(git(root, "log", "-1", "--format=%s").trim()).toBe("Initial content");
      await fs.rm(lockOf(root));
      expect(await saving).toBe(git(root, "rev-parse", "HEAD").trim());
    } finally {
      holder.stop();
    }
  });
});

describe("what is served is what is committed", () => {
  it("serves HEAD's text while the work tree holds an uncommitted edit", async () => {
    const root = await makeRepo();
    await fs.writeFile(path.join(root, "incidents", "a.mdx"), incident("Never saved"));
    await fs.writeFile(path.join(root, "incidents", "new.mdx"), incident("Never committed"));
    const store = new ContentStore(root);
    const snap = await store.snapshot();
    const a = snap.byId.get("a");
    expect(a?.ok && a.frontmatter.title).toBe("Committed");
    expect(a?.blob).toBe(blobId(incident("Committed")));
    expect(snap.byId.has("new")).toBe(false);
    expect(await store.repo.readFile("incidents/a.mdx")).toBe(incident("Committed"));
    // Not Kaizen's (no journal names it): the person's edit stays in their work tree.
    await store.recovered();
    expect(await fs.readFile(path.join(root, "incidents", "a.mdx"), "utf8")).toBe(incident("Never saved"));
  });

  it("checks a save's base against HEAD, not against an uncommitted edit", async () => {
    const root = await makeRepo();
    await fs.writeFile(path.join(root, "incidents", "b.mdx"), incident("Hand edit"));
    const repo = new GitRepository(root);
    await repo.commit([{ path: "incidents/b.mdx", content: incident("Saved"), baseBlob: blobId(incident("Other")) }], "Edit b", ANA);
    expect(git(root, "show", "HEAD:incidents/b.mdx")).toBe(incident("Saved"));
    // The hand edit it replaced in the work tree is kept on a ref of its own.
    const refs = git(root, "for-each-ref", "--format=%(refname)", "refs/kaizen/uncommitted").trim().split("\n");
    expect(refs).toHaveLength(1);
    expect(git(root, "show", `${refs[0]}:incidents/b.mdx`)).toBe(incident("Hand edit"));
    expect(git(root, "status", "--porcelain").trim()).toBe("");
  });
});

describe("on start, a save a crash cut off", () => {
  async function journal(root: string, edits: { path: string; blob: string | null; base: string | null }[]): Promise<void> {
    await fs.writeFile(path.join(root, ".git", "kaizen-journal.json"), JSON.stringify([{ commit: "0".repeat(40), pid: await deadPid(), edits }]));
  }

  it("sets aside a journaled file whose text was never committed and restores HEAD's", async () => {
    const root = await makeRepo();
    await fs.writeFile(path.join(root, "incidents", "a.mdx"), incident("Half written"));
    await fs.writeFile(path.join(root, "incidents", "a.mdx.123.456.kaizen-tmp"), "partial");
    await journal(root, [{ path: "incidents/a.mdx", blob: blobId(incident("Being saved")), base: blobId(incident("Committed")) }]);
    await fs.writeFile(path.join(root, "incidents", "b.mdx"), incident("Someone's edit"));
    const store = new ContentStore(root);
    await store.recovered();
    expect(await fs.readFile(path.join(root, "incidents", "a.mdx"), "utf8")).toBe(incident("Committed"));
    const refs = git(root, "for-each-ref", "--format=%(refname)", "refs/kaizen/uncommitted").trim().split("\n");
    expect(refs).toHaveLength(1);
    expect(git(root, "show", `${refs[0]}:incidents/a.mdx`)).toBe(incident("Half written"));
    // Only the journaled file was Kaizen's: the other dirty file is left as it is.
    expect(git(root, "status", "--porcelain", "--untracked-files=all").trim()).toBe("M incidents/b.mdx");
    await expect(fs.stat(path.join(root, ".git", "kaizen-journal.json"))).rejects.toThrow();
    // And saving works at once.
    await store.commit(edit("After restart"), "Edit a", ANA);
    expect(git(root, "show", "HEAD:incidents/a.mdx")).toBe(incident("After restart"));
  });

  it("brings the work tree up to a commit whose branch moved before the crash, without setting anything aside", async () => {
    const root = await makeRepo();
    // The branch has the new text; the work tree still has the old one (killed between update-ref and the write).
    const before = incident("Committed");
    await fs.writeFile(path.join(root, "incidents", "a.mdx"), incident("Landed"));
    git(root, "commit", "-q", "-am", "Landed");
    await fs.writeFile(path.join(root, "incidents", "a.mdx"), before);
    git(root, "update-index", "--", "incidents/a.mdx");
    await journal(root, [{ path: "incidents/a.mdx", blob: blobId(incident("Landed")), base: blobId(before) }]);
    await new GitRepository(root).recover();
    expect(await fs.readFile(path.join(root, "incidents", "a.mdx"), "utf8")).toBe(incident("Landed"));
    expect(git(root, "for-each-ref", "refs/kaizen").trim()).toBe("");
    expect(git(root, "status", "--porcelain").trim()).toBe("");
  });
});
