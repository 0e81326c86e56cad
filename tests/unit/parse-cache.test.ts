import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ParseCache } from "../../lib/content/parse-cache";
import { GitRepository } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { git, gitRepo, inIncidents, removeTempDirs, tempDir } from "../fixtures/git-repo";

const FACTORS = "- id: missing-alert\n  name: Missing alert\n  category: observability\n  description: No alert fired.\n";
const incident = (title: string) => ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-01-10T10:00:00Z", "---", "", "## What happened", "", "Text.", ""].join("\n");

const caches: ParseCache[] = [];
afterAll(async () => {
  await Promise.all(caches.map((c) => c.settled()));
  await removeTempDirs();
});
/** A store as a restarted server opens it: the same data directory, this build's id. */
function open(root: string, cacheDir: string, build: string): { store: ContentStore; cache: ParseCache } {
  const cache = new ParseCache(cacheDir, build);
  caches.push(cache);
  return { store: new ContentStore(root, { parseCache: cache }), cache };
}
async function repo(files: Record<string, string>): Promise<string> {
  return gitRepo({ "factors.yml": FACTORS, ...inIncidents(files) }, { prefix: "kaizen-parse-cache-repo-", message: "content" });
}

/** Rewrites every cached title, so a test can tell a cached result from a fresh parse. */
async function markCached(cacheDir: string): Promise<void> {
  for (const name of await fs.readdir(cacheDir)) {
    const file = path.join(cacheDir, name);
    const lines = (await fs.readFile(file, "utf8")).split("\n").flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
    for (const e of lines) {
      if (e.ok) e.frontmatter.title = `cached: ${e.frontmatter.title}`;
      else for (const p of e.problems) p.message = `cached: ${p.message}`;
    }
    await fs.writeFile(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  }
}

describe("parse cache across restarts", () => {
  it("takes unchanged files from the cache, parses changed ones, and ignores another build's results", async () => {
    const root = await repo({ "a.mdx": incident("Alpha"), "b.mdx": incident("Beta") });
    const cacheDir = await tempDir("kaizen-parse-cache-");
    const first = open(root, cacheDir, "build-1");
    expect((await first.store.snapshot()).incidents.map((i) => i.frontmatter.title)).toEqual(["Alpha", "Beta"]);
    await first.cache.settled();
    await markCached(cacheDir);

    // A restart on the same build: both come from the cache.
    const second = open(root, cacheDir, "build-1");
    expect((await second.store.snapshot()).incidents.map((i) => i.frontmatter.title)).toEqual(["cached: Alpha", "cached: Beta"]);

    // A changed file is a new blob: parsed again, the other still cached.
    await fs.writeFile(path.join(root, "incidents/b.mdx"), incident("Beta, revised"));
    git(root, "commit", "-qam", "edit b");
    const third = open(root, cacheDir, "build-1");
    expect((await third.store.snapshot()).incidents.map((i) => i.frontmatter.title)).toEqual(["cached: Alpha", "Beta, revised"]);

    // A new build trusts nothing of the old one, and replaces its file.
    const rebuilt = open(root, cacheDir, "build-2");
    expect((await rebuilt.store.snapshot()).incidents.map((i) => i.frontmatter.title)).toEqual(["Alpha", "Beta, revised"]);
    await rebuilt.cache.settled();
    expect((await fs.readdir(cacheDir)).every((n) => n.includes("build-2"))).toBe(true);
  });

  it("survives a torn cache file and a changed taxonomy", async () => {
    const root = await repo({ "a.mdx": incident("Alpha") });
    const cacheDir = await tempDir("kaizen-parse-cache-");
    const first = open(root, cacheDir, "b");
    await first.store.snapshot();
    await first.cache.settled();
    const [name] = await fs.readdir(cacheDir);
    await fs.appendFile(path.join(cacheDir, name!), '{"ok":true,"path":"incidents/a.md');
    const second = open(root, cacheDir, "b");
    expect((await second.store.snapshot()).incidents.map((i) => i.frontmatter.title)).toEqual(["Alpha"]);

    await markCached(cacheDir);
    await fs.appendFile(path.join(root, "factors.yml"), "- id: retry-storm\n  name: Retry storm\n  category: load\n  description: Retries amplified load.\n");
    git(root, "commit", "-qam", "taxonomy");
    const third = open(root, cacheDir, "b");
    expect((await third.store.snapshot()).incidents.map((i) => i.frontmatter.title)).toEqual(["Alpha"]);
  });

  it("reports its loading progress: not ready before the first snapshot, then what was parsed and what came from the cache", async () => {
    const root = await repo({ "a.mdx": incident("Alpha"), "b.mdx": incident("Beta") });
    const cacheDir = await tempDir("kaizen-parse-cache-");
    const first = open(root, cacheDir, "p");
    expect(first.store.progress()).toMatchObject({ ready: false, phase: "idle" });
    await first.store.snapshot();
    expect(first.store.progress()).toMatchObject({ ready: true, phase: "ready", files: 2, toParse: 2, parsed: 2, fromCache: 0 });
    await first.cache.settled();
    const second = open(root, cacheDir, "p");
    await second.store.snapshot();
    expect(second.store.progress()).toMatchObject({ ready: true, files: 2, toParse: 0, parsed: 0, fromCache: 2 });
  });

  it("after a restart on an edited file, parses only that file, and the snapshot carries its new text", async () => {
    const body = (title: string, words: string) => incident(title).replace("Text.", words);
    const root = await repo({
      "a.mdx": body("Alpha", "The connection pool saturated under load."),
      "b.mdx": body("Beta", "Printer queue jammed in the lobby."),
      "c.mdx": body("Gamma", "Office wifi dropped."),
    });
    const cacheDir = await tempDir("kaizen-parse-cache-");
    const first = open(root, cacheDir, "m");
    const before = await first.store.snapshot();
    expect(before.byId.get("c")).toMatchObject({ ok: true, body: expect.not.stringContaining("connection pool") });
    await first.cache.settled();

    await fs.writeFile(path.join(root, "incidents/c.mdx"), body("Gamma, revised", "The connection pool saturated again under load."));
    git(root, "commit", "-qam", "edit c");
    const second = open(root, cacheDir, "m");
    const after = await second.store.snapshot();
    expect(second.store.progress()).toMatchObject({ files: 3, toParse: 1, parsed: 1, fromCache: 2 });
    expect(after.byId.get("c")).toMatchObject({ ok: true, frontmatter: { title: "Gamma, revised" } });
    expect(after.byId.get("c")).toMatchObject({ body: expect.stringContaining("connection pool saturated again") });
    expect(after.byId.get("a")).toMatchObject({ frontmatter: { title: "Alpha" } });
  });

  it("parses again what failed for the moment (Problem.retry) and caches what is wrong with the text", async () => {
    const root = await repo({ "a.mdx": incident("Alpha"), "b.mdx": incident("Beta").replace("SEV2", "SEV9"), "c.mdx": incident("Gamma") });
    const cacheDir = await tempDir("kaizen-parse-cache-");
    // A repository that loses c.mdx's blob on this read (as a pack being repacked under a reader might).
    const lost = git(root, "rev-parse", "HEAD:incidents/c.mdx").trim();
    const flaky = new (class extends GitRepository {
      override async readBlobs(ids: readonly string[]) {
        const texts = await super.readBlobs(ids);
        texts.delete(lost);
        return texts;
      }
    })(root);
    const cache = new ParseCache(cacheDir, "r");
    caches.push(cache);
    const first = await new ContentStore(flaky, { parseCache: cache }).snapshot();
    expect(first.broken.map((b) => [b.id, b.problems.map((p) => [p.message, p.retry ?? false])])).toEqual([
      ["b", [[expect.stringContaining("SEV9"), false]]],
      ["c", [["could not be read: its blob is missing from the repository", true]]],
    ]);
    await cache.settled();
    await markCached(cacheDir);

    const second = open(root, cacheDir, "r");
    const snap = await second.store.snapshot();
    expect(snap.incidents.map((i) => i.frontmatter.title)).toEqual(["cached: Alpha", "Gamma"]);
    expect(snap.broken.map((b) => [b.id, b.problems[0]?.message])).toEqual([["b", expect.stringMatching(/^cached: .*SEV9/)]]);
    expect(second.store.progress()).toMatchObject({ files: 3, toParse: 1, fromCache: 2 });
  });
});
