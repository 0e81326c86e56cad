import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { blobId } from "../../lib/content/git";
import { ConflictError, GitRepository, resolveInside, type Author } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { AppError } from "../../lib/errors";
import { commitAll, git, gitRepo, inIncidents, removeTempDirs, tempDir } from "../fixtures/git-repo";

const ANA: Author = { name: "Ana Lima", email: "ana@example.com" };
const BO: Author = { name: "Bo Chen", email: "bo@example.com" };

const FACTORS = `- id: bad-config-push
  name: Bad configuration push
  category: change
  description: A configuration change rolled out everywhere at once.
- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
`;

function incident(title: string, extra: string[] = [], body = "# Summary\n\nSomething happened.\n"): string {
  return ["---", `title: ${title}`, "status: published", "severity: SEV2", ...extra, "---", "", body].join("\n");
}


/** A fresh content repository with a taxonomy and the given incident files, all committed. */
async function makeRepo(files: Record<string, string> = {}): Promise<string> {
  return gitRepo({ "factors.yml": FACTORS, ...inIncidents(files) }, { prefix: "kaizen-store-" });
}

/** Commits everything in the work tree, as a person or a pull would: the store serves only what is committed. */
const commitWorkTree = (root: string, message = "Change content") => void commitAll(root, message);

function commitCount(root: string): number {
  return Number(git(root, "rev-list", "--count", "HEAD").trim());
}

afterAll(async () => {
  await removeTempDirs();
});

describe("ContentStore: reading", () => {
  it("lists and parses incidents sorted by id", async () => {
    const root = await makeRepo({
      "db-failover.mdx": incident("Database failover", ["contributing_factors:", "  - factor: missing-alert"]),
      "api-latency.mdx": incident("API latency"),
    });
    const snap = await new ContentStore(root).snapshot();
    expect(snap.incidents.map((i) => i.id)).toEqual(["api-latency", "db-failover"]);
    expect(snap.broken).toEqual([]);
    expect(snap.taxonomyProblems).toEqual([]);
    const db = snap.byId.get("db-failover");
    expect(db?.ok).toBe(true);
    if (!db?.ok) return;
    expect(db.path).toBe("incidents/db-failover.mdx");
    expect(db.frontmatter.title).toBe("Database failover");
    expect(db.frontmatter.contributing_factors).toEqual([{ factor: "missing-alert" }]);
    expect(db.body).toContain("Something happened.");
    expect(db.blob).toBe(git(root, "rev-parse", "HEAD:incidents/db-failover.mdx").trim());
    expect(snap.head).toBe(git(root, "rev-parse", "HEAD").trim());
  });

  it("opens a repository with a committed billion-laughs incident and factors.yml quickly, reporting both", async () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [i, c] of [..."bcdefghi"].entries()) laughs.push(`${c}: &${c} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(",")}]`);
    const root = await makeRepo({ "laughs.mdx": incident("Laughs", laughs), "fine.mdx": incident("Fine") });
    await fs.writeFile(path.join(root, "factors.yml"), laughs.join("\n") + "\n");
    git(root, "commit", "-qam", "laughs");
    const snap = await new ContentStore(root).snapshot();
    expect(snap.incidents.map((i) => i.id)).toEqual(["fine"]);
    expect(snap.broken.map((b) => b.problems.map((p) => `${p.file}:${p.line}:${p.col}  ${p.field}  ${p.message}`))).toEqual([
      ["incidents/laughs.mdx:6:8  frontmatter  YAML aliases (*a) are not allowed: write the value out in full"],
    ]);
    expect(snap.taxonomyProblems.map((p) => `${p.file}:${p.line}:${p.col}  ${p.message}`)).toEqual(["factors.yml:2:8  YAML aliases (*a) are not allowed: write the value out in full"]);
  });

  it("keeps a broken file from affecting the others, with its problems and access", async () => {
    const root = await makeRepo({
      "good.mdx": incident("Good"),
      "broken.mdx": incident("Broken", ["severity2: SEV1", "visibility: internal"]),
      "no-frontmatter.mdx": "# Not an incident\n",
    });
    const snap = await new ContentStore(root).snapshot();
    expect(snap.incidents.map((i) => i.id)).toEqual(["good"]);
    expect(snap.broken.map((b) => b.id)).toEqual(["broken", "no-frontmatter"]);
    const broken = snap.broken[0]!;
    expect(broken.problems.map((p) => [p.file, p.line, p.message])).toEqual([["incidents/broken.mdx", 5, "unknown field(s): severity2"]]);
    expect(broken.access).toEqual({ visibility: "internal", groups: [] });
    // Nothing in it mentions visibility, so nothing could restrict it: internal, the default.
    expect(snap.broken[1]?.access).toEqual({ visibility: "internal", groups: [] });
  });

  it("keeps a broken restricted incident restricted", async () => {
    const root = await makeRepo({
      "secret.mdx": incident("Secret", ["visibility: restricted", "groups: [security]", "impact: [not, text]"]),
      "odd.mdx": incident("Odd visibility", ["visibility: Restricted ", "groups: [security]"]),
    });
    const snap = await new ContentStore(root).snapshot();
    expect(snap.incidents).toEqual([]);
    const secret = snap.byId.get("secret");
    expect(secret?.ok).toBe(false);
    if (secret && !secret.ok) expect(secret.access).toEqual({ visibility: "restricted", groups: ["security"] });
    // Anything other than a clear "internal" is treated as restricted.
    const odd = snap.byId.get("odd");
    if (odd && !odd.ok) expect(odd.access?.visibility).toBe("restricted");
    else throw new Error("expected odd.mdx to be broken");
  });

  it("reports a file whose name is not a valid id without parsing it", async () => {
    const root = await makeRepo({ "Bad_Name.mdx": incident("Bad"), "..hidden.mdx": incident("Dots") });
    const snap = await new ContentStore(root).snapshot();
    expect(snap.incidents).toEqual([]);
    for (const id of ["Bad_Name", "..hidden"]) {
      const e = snap.byId.get(id);
      expect(e?.ok).toBe(false);
      if (e && !e.ok) expect(e.problems[0]?.field).toBe("id");
    }
  });

  it("reports taxonomy problems without failing the incidents", async () => {
    const root = await makeRepo({ "a.mdx": incident("A") });
    await fs.writeFile(path.join(root, "factors.yml"), "- id: x\n  name: X\n  category: c\n  description: d\n- id: x\n  name: X\n  category: c\n  description: d\n");
    commitWorkTree(root);
    const snap = await new ContentStore(root).snapshot();
    expect(snap.taxonomyProblems.map((p) => p.message)).toEqual(['duplicate factor id "x"']);
    expect(snap.incidents.map((i) => i.id)).toEqual(["a"]);
  });
});

describe("ContentStore: caching", () => {
  it("returns the same snapshot while nothing changed", async () => {
    const root = await makeRepo({ "a.mdx": incident("A") });
    const store = new ContentStore(root);
    const first = await store.snapshot();
    expect(await store.snapshot()).toBe(first);
    store.invalidate();
    // Re-checked, but nothing changed: still the same object and version.
    expect(await store.snapshot()).toBe(first);
    expect((await store.forceRefresh()).version).toBe(first.version);
  });

  it("refreshes after a file changes, is added or is removed", async () => {
    const root = await makeRepo({ "a.mdx": incident("A"), "b.mdx": incident("B") });
    const store = new ContentStore(root);
    const v1 = await store.snapshot();
    const untouched = v1.byId.get("b");

    await fs.writeFile(path.join(root, "incidents", "a.mdx"), incident("A, renamed in the title"));
    commitWorkTree(root);
    store.invalidate();
    const v2 = await store.snapshot();
    expect(v2).not.toBe(v1);
    expect(v2.version).toBe(v1.version + 1);
    const a = v2.byId.get("a");
    expect(a?.ok && a.frontmatter.title).toBe("A, renamed in the title");
    expect(a?.blob).toBe(blobId(incident("A, renamed in the title")));
    // Unchanged files are not parsed again.
    expect(v2.byId.get("b")).toBe(untouched);

    await fs.writeFile(path.join(root, "incidents", "c.mdx"), incident("C"));
    await fs.rm(path.join(root, "incidents", "b.mdx"));
    commitWorkTree(root);
    const v3 = await store.forceRefresh();
    expect(v3.version).toBe(v2.version + 1);
    expect(v3.incidents.map((i) => i.id)).toEqual(["a", "c"]);
  });

  it("revalidates incidents when the taxonomy changes", async () => {
    const root = await makeRepo({ "a.mdx": incident("A", ["contributing_factors:", "  - factor: retry-storm"]) });
    const store = new ContentStore(root);
    expect((await store.snapshot()).broken.map((b) => b.id)).toEqual(["a"]);
    await fs.appendFile(path.join(root, "factors.yml"), "- id: retry-storm\n  name: Retry storm\n  category: capacity\n  description: d\n");
    commitWorkTree(root);
    expect((await store.forceRefresh()).incidents.map((i) => i.id)).toEqual(["a"]);
  });

  it("notifies listeners of a new snapshot after a commit", async () => {
    const root = await makeRepo({ "a.mdx": incident("A") });
    const store = new ContentStore(root);
    const before = await store.snapshot();
    const seen: number[] = [];
    store.onChange((s) => seen.push(s.version));
    const { commit, snapshot } = await store.commit([{ path: "incidents/b.mdx", content: incident("B"), baseBlob: null }], "Add B", ANA);
    expect(snapshot.head).toBe(commit);
    expect(snapshot.version).toBe(before.version + 1);
    expect(snapshot.incidents.map((i) => i.id)).toEqual(["a", "b"]);
    expect(seen).toEqual([snapshot.version]);
  });
});

describe("GitRepository: history", () => {
  it("logs commits with author, date and subject, following renames", async () => {
    const root = await makeRepo({ "old-name.mdx": incident("V1") });
    const repo = new GitRepository(root);
    const v1 = await repo.readFile("incidents/old-name.mdx");
    await repo.commit([{ path: "incidents/old-name.mdx", content: incident("V2"), baseBlob: blobId(v1 ?? "") }], "Edit the title", ANA);
    await repo.commit(
      [{ path: "incidents/new-name.mdx", content: incident("V2"), renamedFrom: "incidents/old-name.mdx", baseBlob: blobId(incident("V2")) }],
      "Rename the incident",
      BO,
    );
    expect(await repo.readFile("incidents/old-name.mdx")).toBeNull();

    const log = await repo.log("incidents/new-name.mdx");
    expect(log.map((c) => [c.subject, c.authorName, c.authorEmail, c.path])).toEqual([
      ["Rename the incident", "Bo Chen", "bo@example.com", "incidents/new-name.mdx"],
      ["Edit the title", "Ana Lima", "ana@example.com", "incidents/old-name.mdx"],
      ["Initial content", "Setup", "setup@example.com", "incidents/old-name.mdx"],
    ]);
    for (const c of log) {
      expect(c.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(Number.isNaN(Date.parse(c.date))).toBe(false);
    }
  });

  it("shows a file at a revision and diffs two revisions", async () => {
    const root = await makeRepo({ "a.mdx": incident("First title") });
    const repo = new GitRepository(root);
    const first = (await repo.head())!;
    const second = await repo.commit([{ path: "incidents/a.mdx", content: incident("Second title"), baseBlob: blobId(incident("First title")) }], "Retitle", ANA);

    expect(await repo.show(first, "incidents/a.mdx")).toBe(incident("First title"));
    expect(await repo.show(second, "incidents/a.mdx")).toBe(incident("Second title"));
    expect(await repo.show(first, "incidents/missing.mdx")).toBeNull();

    const diff = await repo.diff(first, second, "incidents/a.mdx", "incidents/a.mdx");
    expect(diff).toContain("-title: First title");
    expect(diff).toContain("+title: Second title");
  });

  it("refuses revisions that are not commit ids", async () => {
    const root = await makeRepo({ "a.mdx": incident("A") });
    const repo = new GitRepository(root);
    await expect(repo.show("--output=/tmp/x", "incidents/a.mdx")).rejects.toBeInstanceOf(AppError);
    await expect(repo.diff("HEAD~1", "HEAD", "incidents/a.mdx", "incidents/a.mdx")).rejects.toBeInstanceOf(AppError);
  });

  it("returns an empty history for a repository without commits", async () => {
    const root = await tempDir("kaizen-empty-");
    git(root, "init", "-q", "-b", "main");
    expect(await new GitRepository(root).log("incidents/a.mdx")).toEqual([]);
    expect(await new GitRepository(root).head()).toBeNull();
  });
});

describe("GitRepository: compare-and-swap commits", () => {
  let root: string;
  let repo: GitRepository;
  const base = incident("Base");

  beforeEach(async () => {
    root = await makeRepo({ "a.mdx": base, "b.mdx": incident("Other") });
    repo = new GitRepository(root);
  });

  it("commits with the given author and the message", async () => {
    const commit = await repo.commit([{ path: "incidents/a.mdx", content: incident("Edited"), baseBlob: blobId(base) }], "Edit a", ANA);
    expect(git(root, "log", "-1", "--format=%H|%an|%ae|%s").trim()).toBe(`${commit}|Ana Lima|ana@example.com|Edit a`);
    expect(git(root, "status", "--porcelain").trim()).toBe("");
  });

  it("refuses a second commit from the same base with the current text", async () => {
    await repo.commit([{ path: "incidents/a.mdx", content: incident("Ana's edit"), baseBlob: blobId(base) }], "Ana edits", ANA);
    const count = commitCount(root);
    const err = await repo.commit([{ path: "incidents/a.mdx", content: incident("Bo's edit"), baseBlob: blobId(base) }], "Bo edits", BO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    if (!(err instanceof ConflictError)) return;
    expect(err.status).toBe(409);
    expect(err.path).toBe("incidents/a.mdx");
    expect(err.currentText).toBe(incident("Ana's edit"));
    expect(err.currentBlob).toBe(blobId(incident("Ana's edit")));
    expect(commitCount(root)).toBe(count);
    expect(await repo.readFile("incidents/a.mdx")).toBe(incident("Ana's edit"));
  });

  it("refuses to create a file that already exists (base null)", async () => {
    const err = await repo.commit([{ path: "incidents/a.mdx", content: incident("New"), baseBlob: null }], "Create a", ANA).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    if (err instanceof ConflictError) expect(err.currentText).toBe(base);
  });

  it("does not treat a change to another file as a conflict", async () => {
    await repo.commit([{ path: "incidents/b.mdx", content: incident("Other, edited"), baseBlob: blobId(incident("Other")) }], "Edit b", BO);
    await repo.commit([{ path: "incidents/a.mdx", content: incident("Edited"), baseBlob: blobId(base) }], "Edit a", ANA);
    expect(commitCount(root)).toBe(3);
    expect(await repo.readFile("incidents/a.mdx")).toBe(incident("Edited"));
  });

  it("commits only the given paths, leaving other work-tree changes alone", async () => {
    await fs.writeFile(path.join(root, "incidents", "b.mdx"), incident("Uncommitted"));
    await repo.commit([{ path: "incidents/a.mdx", content: incident("Edited"), baseBlob: blobId(base) }], "Edit a", ANA);
    expect(git(root, "show", "--name-only", "--format=", "HEAD").trim()).toBe("incidents/a.mdx");
    expect(git(root, "status", "--porcelain").trim()).toBe("M incidents/b.mdx");
  });

  it("deletes a file with content null", async () => {
    await repo.commit([{ path: "incidents/b.mdx", content: null, baseBlob: blobId(incident("Other")) }], "Remove b", ANA);
    expect(await repo.readFile("incidents/b.mdx")).toBeNull();
    expect(git(root, "ls-files").trim().split("\n")).toEqual(["factors.yml", "incidents/a.mdx"]);
  });

  it("makes 50 concurrent commits to different files into 50 commits", async () => {
    const before = commitCount(root);
    const commits = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        repo.commit([{ path: `incidents/c-${i}.mdx`, content: incident(`C ${i}`), baseBlob: null }], `Add c-${i}`, i % 2 ? ANA : BO),
      ),
    );
    expect(new Set(commits).size).toBe(50);
    expect(commitCount(root)).toBe(before + 50);
    expect(git(root, "ls-files", "incidents").trim().split("\n")).toHaveLength(52);
    expect(git(root, "status", "--porcelain").trim()).toBe("");
    // fsck exits non-zero (and execFileSync throws) on a corrupt repository.
    expect(() => git(root, "fsck", "--strict", "--no-progress")).not.toThrow();
  });

  it("lets exactly one of two concurrent commits from the same base win", async () => {
    const results = await Promise.allSettled([
      repo.commit([{ path: "incidents/a.mdx", content: incident("One"), baseBlob: blobId(base) }], "One", ANA),
      repo.commit([{ path: "incidents/a.mdx", content: incident("Two"), baseBlob: blobId(base) }], "Two", BO),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(ConflictError);
  });

  it("restores the working file and makes no commit when git fails", async () => {
    const count = commitCount(root);
    // git refuses an empty author name, so the commit step fails after the file was written and staged.
    const err = await repo.commit([{ path: "incidents/a.mdx", content: incident("Doomed"), baseBlob: blobId(base) }], "Doomed", { name: "", email: "" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(commitCount(root)).toBe(count);
    expect(await repo.readFile("incidents/a.mdx")).toBe(base);
    expect(git(root, "status", "--porcelain").trim()).toBe("");
  });

  it("removes a newly created file again when git fails", async () => {
    const err = await repo.commit([{ path: "incidents/new.mdx", content: incident("New"), baseBlob: null }], "Doomed", { name: "", email: "" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await repo.readFile("incidents/new.mdx")).toBeNull();
    expect(git(root, "status", "--porcelain").trim()).toBe("");
  });

  it("releases the write lock after a failure", async () => {
    await repo.commit([{ path: "incidents/a.mdx", content: incident("Doomed"), baseBlob: blobId(base) }], "Doomed", { name: "", email: "" }).catch(() => undefined);
    await repo.commit([{ path: "incidents/a.mdx", content: incident("Fine"), baseBlob: blobId(base) }], "Fine", ANA);
    expect(await repo.readFile("incidents/a.mdx")).toBe(incident("Fine"));
  });
});

describe("paths stay inside the content directory", () => {
  it("resolveInside rejects ../ escapes and absolute paths", () => {
    const root = path.resolve("/srv/content");
    expect(resolveInside(root, "incidents/a.mdx")).toBe(path.join(root, "incidents", "a.mdx"));
    expect(resolveInside(root, ".")).toBe(root);
    for (const bad of ["../etc/passwd", "incidents/../../x", "/etc/passwd", "../content-other/x"]) {
      expect(() => resolveInside(root, bad)).toThrow(AppError);
    }
  });

  it("never reads, logs, shows or writes outside the root", async () => {
    const root = await makeRepo({ "a.mdx": incident("A") });
    const outside = path.join(path.dirname(root), `outside-${path.basename(root)}.mdx`);
    await fs.writeFile(outside, incident("Outside"));
    try {
      const repo = new GitRepository(root);
      const rel = `../${path.basename(outside)}`;
      await expect(repo.readFile(rel)).rejects.toBeInstanceOf(AppError);
      await expect(repo.readFile(`incidents/../${rel}`)).rejects.toBeInstanceOf(AppError);
      await expect(repo.listDir("..")).rejects.toBeInstanceOf(AppError);
      await expect(repo.log(rel)).rejects.toBeInstanceOf(AppError);
      const head = (await repo.head())!;
      await expect(repo.show(head, rel)).rejects.toBeInstanceOf(AppError);
      await expect(repo.commit([{ path: rel, content: "pwned" }], "Escape", ANA)).rejects.toBeInstanceOf(AppError);
      expect(await fs.readFile(outside, "utf8")).toBe(incident("Outside"));
    } finally {
      await fs.rm(outside, { force: true });
    }
  });

  it("does not expose a file outside the root through a symlink", async () => {
    const root = await makeRepo({ "a.mdx": incident("A") });
    const outside = path.join(path.dirname(root), `secret-${path.basename(root)}.mdx`);
    await fs.writeFile(outside, incident("Outside secret"));
    try {
      await fs.symlink(outside, path.join(root, "incidents", "leak.mdx"));
      commitWorkTree(root, "Add a symlink");
      const snap = await new ContentStore(root).snapshot();
      expect(snap.incidents.map((i) => i.id)).toEqual(["a"]);
      expect(JSON.stringify(snap.broken)).not.toContain("Outside secret");
      await expect(new GitRepository(root).readFile("incidents/leak.mdx")).rejects.toBeInstanceOf(AppError);
    } finally {
      await fs.rm(outside, { force: true });
    }
  });
});
