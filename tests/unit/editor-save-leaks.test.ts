import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAudit } from "../../lib/auth/audit";
import type { Viewer } from "../../lib/auth/viewer";
import { accessOfText } from "../../lib/content/access";
import { GitRepository, type ContentRepository } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { loadForEdit, saveIncident, type SaveResult } from "../../lib/editor/save";
import { visibleTo } from "../../lib/search/visibility";
import { git, gitRepo, inIncidents, removeTempDirs, tempDir } from "../fixtures/git-repo";

// Restricted means invisible, on the write path too: no save result, thrown error or editor load carries anything of
// an incident the viewer may not read, and the answers for hidden ids are the answers for any unavailable id.

const FACTORS = `- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
`;

const ANA: Viewer = { id: "ana", name: "Ana Lima", email: "ana@example.com", role: "author", groups: [] };
const SAM: Viewer = { id: "sam", name: "Sam Secure", email: "sam@example.com", role: "author", groups: ["security"] };
const ADA: Viewer = { id: "ada", name: "Ada Admin", email: "ada@example.com", role: "admin", groups: [] };

const SECRET = "Vault master key leaked";

function incident(title: string, extra: string[] = [], body = "## Summary\n\nSomething happened.\n"): string {
  return ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", ...extra, "---", "", body].join("\n");
}

const RESTRICTED = incident(SECRET, ["visibility: restricted", "groups: [security]"], `## Summary\n\n${SECRET} through a debug endpoint.\n`);
// A restricted file whose YAML does not parse (an unclosed quote).
const BROKEN_RESTRICTED = ["---", `title: ${SECRET}`, "status: published", "visibility: restricted", "groups:", "  - security", 'summary: "unclosed', "---", "", `${SECRET}.`, ""].join("\n");
// Broken YAML that mentions visibility in a way a line scan cannot read.
const BROKEN_UNKNOWN = ["---", `title: ${SECRET}`, "status: published", "access: {visibility: restricted, groups: [security]", "---", "", `${SECRET}.`, ""].join("\n");

let prevDataDir: string | undefined;

async function makeRepo(files: Record<string, string>): Promise<string> {
  const root = await gitRepo({ "factors.yml": FACTORS, ...inIncidents(files) }, { prefix: "kaizen-leaks-" });
  return root;
}

const commits = (root: string) => Number(git(root, "rev-list", "--count", "HEAD").trim());
const blobOf = (root: string, id: string) => git(root, "rev-parse", `HEAD:incidents/${id}.mdx`).trim();

/** The outcome of a call as an outsider sees it: the result, or the thrown error's code and message. */
async function outcome(p: Promise<SaveResult>): Promise<string> {
  try {
    return JSON.stringify(await p);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return JSON.stringify({ thrown: e.code ?? "error", message: e.message });
  }
}

async function deniedTargets(): Promise<string[]> {
  return (await readAudit()).flatMap((r) => (r.type === "denied" ? [r.target] : []));
}

beforeAll(async () => {
  prevDataDir = process.env.KAIZEN_DATA_DIR;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-leaks-data-");
});

afterAll(async () => {
  if (prevDataDir === undefined) delete process.env.KAIZEN_DATA_DIR;
  else process.env.KAIZEN_DATA_DIR = prevDataDir;
  await removeTempDirs();
});

describe("saveIncident: nothing of a restricted incident in any answer", () => {
  it("a create with newId set to a restricted id gets no text of it, commits nothing, and is audited", async () => {
    const root = await makeRepo({ "vault-leak.mdx": RESTRICTED });
    const store = new ContentStore(root);
    const before = commits(root);
    const got = await outcome(saveIncident(ANA, { newId: "vault-leak", id: undefined, baseBlob: null, text: incident("My incident") }, store));
    expect(got).not.toContain(SECRET);
    expect(got).not.toContain("security");
    expect(commits(root)).toBe(before);
    expect(await fs.readFile(path.join(root, "incidents/vault-leak.mdx"), "utf8")).toBe(RESTRICTED);
    expect(await deniedTargets()).toContain("incidents/vault-leak.mdx");
  });

  it("a create at a hidden id and at a visible taken id get the same answer", async () => {
    const root = await makeRepo({ "vault-leak.mdx": RESTRICTED, "db-failover.mdx": incident("Database failover") });
    const store = new ContentStore(root);
    const norm = (s: string, id: string) => s.replaceAll(id, "<id>");
    const text = incident("My incident");
    for (const shape of [(id: string) => ({ newId: id, baseBlob: null }), (id: string) => ({ id, baseBlob: null })]) {
      const hidden = norm(await outcome(saveIncident(ANA, { ...shape("vault-leak"), text }, store)), "vault-leak");
      const taken = norm(await outcome(saveIncident(ANA, { ...shape("db-failover"), text }, store)), "db-failover");
      expect(hidden).toBe(taken);
      expect(hidden).toContain("not available");
      expect(hidden).not.toContain(SECRET);
    }
  });

  it("a rename onto a restricted id reads like one onto a visible taken id, and never says it exists", async () => {
    const root = await makeRepo({ "mine.mdx": incident("Mine"), "vault-leak.mdx": RESTRICTED, "db-failover.mdx": incident("Database failover") });
    const store = new ContentStore(root);
    const rename = (newId: string) => outcome(saveIncident(ANA, { id: "mine", newId, baseBlob: blobOf(root, "mine"), text: incident("Mine") }, store));
    const hidden = (await rename("vault-leak")).replaceAll("vault-leak", "<id>");
    const taken = (await rename("db-failover")).replaceAll("db-failover", "<id>");
    expect(hidden).toBe(taken);
    expect(hidden).toContain("not available");
    expect(hidden).not.toMatch(/exist/i);
    // A free id is simply granted.
    const free = await saveIncident(ANA, { id: "mine", newId: "mine-renamed", baseBlob: blobOf(root, "mine"), text: incident("Mine") }, store);
    expect(free).toMatchObject({ ok: true, id: "mine-renamed" });
  });

  it("an edit of a hidden id answers exactly like an edit of an id that does not exist", async () => {
    const root = await makeRepo({ "vault-leak.mdx": RESTRICTED });
    const store = new ContentStore(root);
    const base = blobOf(root, "vault-leak");
    const hidden = await outcome(saveIncident(ANA, { id: "vault-leak", baseBlob: base, text: incident("Overwrite") }, store));
    const unknown = await outcome(saveIncident(ANA, { id: "no-such-incident", baseBlob: base, text: incident("Overwrite") }, store));
    expect(hidden).toBe(unknown);
    expect(hidden).not.toContain(SECRET);
    expect(await fs.readFile(path.join(root, "incidents/vault-leak.mdx"), "utf8")).toBe(RESTRICTED);
  });

  it("a conflict with a file that became restricted after the snapshot does not quote it", async () => {
    const root = await makeRepo({ "db-failover.mdx": incident("Database failover") });
    const git0 = new GitRepository(root);
    // Between the save's snapshot and its commit, an admin restricts the incident (e.g. a push pulled in meanwhile).
    const racing: ContentRepository = Object.assign(Object.create(git0) as GitRepository, {
      async commit(...args: Parameters<GitRepository["commit"]>) {
        await fs.writeFile(path.join(root, "incidents/db-failover.mdx"), RESTRICTED);
        git(root, "commit", "-q", "-am", "Restrict");
        return git0.commit(...args);
      },
    });
    const store = new ContentStore(racing);
    const got = await outcome(saveIncident(ANA, { id: "db-failover", baseBlob: blobOf(root, "db-failover"), text: incident("Database failover, edited") }, store));
    expect(got).toContain('"reason":"conflict"');
    expect(got).not.toContain(SECRET);
    expect(JSON.parse(got)).toMatchObject({ currentText: null, currentBlob: null });
    expect(await deniedTargets()).toContain("incidents/db-failover.mdx");
  });

  it("a rename whose target is taken by a hidden incident after the snapshot answers like any unavailable id", async () => {
    const root = await makeRepo({ "mine.mdx": incident("Mine") });
    const git0 = new GitRepository(root);
    const racing: ContentRepository = Object.assign(Object.create(git0) as GitRepository, {
      async commit(...args: Parameters<GitRepository["commit"]>) {
        await fs.writeFile(path.join(root, "incidents/vault-leak.mdx"), RESTRICTED);
        git(root, "add", "-A");
        git(root, "commit", "-q", "-m", "Restricted incident");
        return git0.commit(...args);
      },
    });
    const got = await outcome(saveIncident(ANA, { id: "mine", newId: "vault-leak", baseBlob: blobOf(root, "mine"), text: incident("Mine") }, new ContentStore(racing)));
    expect(got).toContain("not available");
    expect(got).not.toMatch(/exist/i);
    expect(got).not.toContain(SECRET);
  });

  it("a conflict with a version the editor may read still brings its text back", async () => {
    const root = await makeRepo({ "db-failover.mdx": incident("Database failover") });
    const store = new ContentStore(root);
    const base = blobOf(root, "db-failover");
    expect((await saveIncident(SAM, { id: "db-failover", baseBlob: base, text: incident("Sam's version") }, store)).ok).toBe(true);
    const r = await saveIncident(ANA, { id: "db-failover", baseBlob: base, text: incident("Ana's version") }, store);
    expect(r).toMatchObject({ ok: false, reason: "conflict", currentBlob: blobOf(root, "db-failover") });
    if (!r.ok && r.reason === "conflict") expect(r.currentText).toContain("Sam's version");
  });
});

describe("saveIncident: generated ids", () => {
  const natural = "2026-03-14-vault-master-key-leaked";

  it("a title colliding with a hidden incident's id gets a random suffix, as a visible collision does, never -2", async () => {
    const root = await makeRepo({ [`${natural}.mdx`]: RESTRICTED });
    const store = new ContentStore(root);
    const hidden = await saveIncident(ANA, { baseBlob: null, text: incident(SECRET) }, store);
    expect(hidden.ok).toBe(true);
    if (!hidden.ok) return;
    expect(hidden.id).not.toBe(`${natural}-2`);
    expect(hidden.id).toMatch(new RegExp(`^${natural}-[a-z0-9]{4}$`));
    // A collision with an incident the author can see is answered the same way.
    const root2 = await makeRepo({ [`${natural}.mdx`]: incident(SECRET) });
    const visible = await saveIncident(ANA, { baseBlob: null, text: incident(SECRET) }, new ContentStore(root2));
    expect(visible.ok && visible.id).toMatch(new RegExp(`^${natural}-[a-z0-9]{4}$`));
    // No collision: the natural id.
    const root3 = await makeRepo({});
    const fresh = await saveIncident(ANA, { baseBlob: null, text: incident(SECRET) }, new ContentStore(root3));
    expect(fresh).toMatchObject({ ok: true, id: natural });
  });
});

describe("broken restricted files", () => {
  it("a restricted file that does not parse is not opened for an author outside its groups", async () => {
    const root = await makeRepo({ "vault-leak.mdx": BROKEN_RESTRICTED });
    const store = new ContentStore(root);
    expect(await loadForEdit(ANA, "vault-leak", store)).toBeNull();
    expect((await loadForEdit(SAM, "vault-leak", store))?.text).toBe(BROKEN_RESTRICTED);
    expect((await loadForEdit(ADA, "vault-leak", store))?.text).toBe(BROKEN_RESTRICTED);
    const snap = await store.snapshot();
    expect(visibleTo(ANA, snap)("vault-leak")).toBe(false);
    expect(visibleTo(SAM, snap)("vault-leak")).toBe(true);
    const edit = await outcome(saveIncident(ANA, { id: "vault-leak", baseBlob: blobOf(root, "vault-leak"), text: incident("Fixed") }, store));
    expect(edit).not.toContain(SECRET);
  });

  it("saving a broken restricted file as internal is an admin's change, refused to a member and audited", async () => {
    const root = await makeRepo({ "vault-leak.mdx": BROKEN_RESTRICTED });
    const store = new ContentStore(root);
    const before = commits(root);
    const base = blobOf(root, "vault-leak");
    await expect(saveIncident(SAM, { id: "vault-leak", baseBlob: base, text: incident("Vault key, fixed") }, store)).rejects.toMatchObject({ code: "forbidden" });
    expect(commits(root)).toBe(before);
    const audit = await readAudit();
    expect(audit.some((r) => r.type === "denied" && r.user === "sam" && r.action === "change visibility" && r.target === "vault-leak")).toBe(true);
    // Fixing the YAML while keeping who may read it is the member's to do.
    const kept = await saveIncident(SAM, { id: "vault-leak", baseBlob: base, text: incident("Vault key, fixed", ["visibility: restricted", "groups: [security]"]) }, store);
    expect(kept.ok).toBe(true);
  });

  it("an admin making a broken restricted file internal is recorded as a visibility change", async () => {
    const root = await makeRepo({ "vault-leak.mdx": BROKEN_RESTRICTED });
    const store = new ContentStore(root);
    const r = await saveIncident(ADA, { id: "vault-leak", baseBlob: blobOf(root, "vault-leak"), text: incident("Vault key, published") }, store);
    expect(r.ok).toBe(true);
    const audit = await readAudit();
    expect(audit.some((e) => e.type === "visibility-change" && e.user === "ada" && e.incident === "vault-leak" && e.from === "restricted" && e.to === "internal")).toBe(true);
  });

  it("a broken file whose visibility cannot be worked out is for admins only, and saving it is audited", async () => {
    const root = await makeRepo({ "odd.mdx": BROKEN_UNKNOWN });
    const store = new ContentStore(root);
    const snap = await store.snapshot();
    expect(snap.broken.map((b) => [b.id, b.access])).toEqual([["odd", null]]);
    expect(await loadForEdit(ANA, "odd", store)).toBeNull();
    expect(await loadForEdit(SAM, "odd", store)).toBeNull();
    expect(visibleTo(SAM, snap)("odd")).toBe(false);
    expect(visibleTo(ADA, snap)("odd")).toBe(true);
    expect((await loadForEdit(ADA, "odd", store))?.text).toBe(BROKEN_UNKNOWN);
    const r = await saveIncident(ADA, { id: "odd", baseBlob: blobOf(root, "odd"), text: incident("Odd, fixed") }, store);
    expect(r.ok).toBe(true);
    expect((await readAudit()).some((e) => e.type === "visibility-change" && e.incident === "odd" && e.from === "unknown")).toBe(true);
  });
});

describe("accessOfText: visibility of a file that does not validate", () => {
  const fm = (...lines: string[]) => ["---", ...lines, "---", "", "Body mentioning visibility: none at all.", ""].join("\n");

  it("reads the parsed YAML when it parses, whatever the schema says", () => {
    expect(accessOfText(fm("title: x", "visibility: restricted", "groups: [security, sre]", "severity: nope"))).toEqual({ visibility: "restricted", groups: ["security", "sre"] });
    expect(accessOfText(fm("title: x", "visibility: Restricted"))).toEqual({ visibility: "restricted", groups: [] });
    expect(accessOfText(fm("title: x"))).toEqual({ visibility: "internal", groups: [] });
  });

  it("scans the frontmatter lines when the YAML does not parse", () => {
    expect(accessOfText(BROKEN_RESTRICTED)).toEqual({ visibility: "restricted", groups: ["security"] });
    expect(accessOfText(fm("title: x", 'visibility: "restricted" # keep', "groups: [security]", "summary: 'bad"))).toEqual({ visibility: "restricted", groups: ["security"] });
    expect(accessOfText(fm("title: x", "summary: 'bad"))).toEqual({ visibility: "internal", groups: [] });
  });

  it("is unknown when visibility is mentioned in a way a line scan cannot read", () => {
    expect(accessOfText(BROKEN_UNKNOWN)).toBeNull();
    expect(accessOfText(fm("title: x", "visibility:", "  restricted", "summary: 'bad"))).toBeNull();
    expect(accessOfText(fm("title: x", '"visib\\u0069lity": restricted', "summary: 'bad"))).toBeNull();
    expect(accessOfText(fm("title: x", "visibility: secret", "summary: 'bad"))).toBeNull();
  });
});
