import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { getStore } from "../../lib/content";
import { blobId } from "../../lib/content/git";
import { GitRepository } from "../../lib/content/repository";
import { saveIncident } from "../../lib/editor/save";
import { AppError } from "../../lib/errors";
import { compareRevisions, HIDDEN_BEFORE_SUBJECT, incidentDiff, incidentHistory, type HistoryEntry } from "../../lib/pages/history";
import { gitRepo, gitWith, removeTempDirs, tempDir } from "../fixtures/git-repo";

const FACTORS = `- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
`;

const RAE: Viewer = { id: "rae", name: "Rae Reader", email: "rae@example.com", role: "reader", groups: [] };
const SEC: Viewer = { id: "sol", name: "Sol Security", email: "sol@example.com", role: "reader", groups: ["security"] };
const ADA: Viewer = { id: "ada", name: "Ada Admin", email: "ada@example.com", role: "admin", groups: [] };
const ANA: Viewer = { id: "ana", name: "Ana Lima", email: "ana@example.com", role: "author", groups: [] };

const SAM = { GIT_AUTHOR_NAME: "Sam Secret", GIT_AUTHOR_EMAIL: "sam@security.example" };
const PAT = { GIT_AUTHOR_NAME: "Pat Public", GIT_AUTHOR_EMAIL: "pat@example.com" };
const ADA_ENV = { GIT_AUTHOR_NAME: "Ada Admin", GIT_AUTHOR_EMAIL: "ada@example.com" };

const RESTRICTED = ["visibility: restricted", "groups: [security]"];

function incident(title: string, extra: string[] = [], body = "## Summary\n\nThe queue stalled for twenty minutes.\n"): string {
  return ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-03-14T14:00:00Z", ...extra, "---", "", body].join("\n");
}

/** A long body, so that a near-identical file is what git's rename detection pairs with it. */
const LONG_BODY = Array.from({ length: 30 }, (_, i) => `Line ${i} of the shared write-up about the queue.`).join("\n") + "\n";

let prevDataDir: string | undefined;
let prevContentDir: string | undefined;


/** An empty content repository (taxonomy only) whose store is the process store for KAIZEN_CONTENT_DIR. */
async function makeRepo() {
  const root = await gitRepo({ "factors.yml": FACTORS }, { prefix: "kaizen-history-", message: "Taxonomy" });
  process.env.KAIZEN_CONTENT_DIR = root;
  const store = getStore(root);
  /** Writes (or deletes, with null) files and commits them by hand, as someone using git directly would. */
  const commitByHand = async (files: Record<string, string | null>, message: string, env: Record<string, string> = {}) => {
    for (const [name, text] of Object.entries(files)) {
      const abs = path.join(root, "incidents", name);
      if (text === null) await fs.rm(abs);
      else await fs.writeFile(abs, text);
    }
    gitWith(root, env, "add", "-A");
    gitWith(root, env, "commit", "-q", "-m", message);
    await store.forceRefresh();
    return gitWith(root, {}, "rev-parse", "HEAD").trim();
  };
  return { root, store, commitByHand };
}

/** Everything a history page shows of its revisions, as one string to search for leaks. */
const shown = (h: HistoryEntry[]) => h.map((c) => `${c.commit} ${c.subject} ${c.authorName} ${c.authorEmail} ${c.path}`).join("\n");

beforeAll(async () => {
  prevDataDir = process.env.KAIZEN_DATA_DIR;
  prevContentDir = process.env.KAIZEN_CONTENT_DIR;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-history-data-");
});

afterAll(async () => {
  if (prevDataDir === undefined) delete process.env.KAIZEN_DATA_DIR;
  else process.env.KAIZEN_DATA_DIR = prevDataDir;
  if (prevContentDir === undefined) delete process.env.KAIZEN_CONTENT_DIR;
  else process.env.KAIZEN_CONTENT_DIR = prevContentDir;
  await removeTempDirs();
});

describe("incident history: no revision of another file", () => {
  it("a restricted file deleted and a near-identical internal one added in one commit share no history", async () => {
    const { root, store, commitByHand } = await makeRepo();
    const secret = await commitByHand({ "vault-keys.mdx": incident("Vault keys exposed", RESTRICTED, LONG_BODY) }, 'incident(vault-keys): create "Vault keys exposed"', SAM);
    const added = await commitByHand({ "vault-keys.mdx": null, "queue-stall.mdx": incident("Queue stall", [], LONG_BODY) }, "Add the queue stall write-up", PAT);
    // The scenario is the one git guesses wrong: its rename detection pairs the two files.
    expect(gitWith(root, {}, "log", "--follow", "--format=%H", "--", "incidents/queue-stall.mdx")).toContain(secret);

    for (const viewer of [RAE, ADA]) {
      const h = await incidentHistory(viewer, "queue-stall", store);
      expect(h?.history.map((c) => c.commit)).toEqual([added]);
      expect(shown(h!.history)).not.toMatch(/Vault|Sam Secret|sam@security|vault-keys/);
    }
    await expect(incidentDiff(RAE, "queue-stall", secret, added, store)).rejects.toBeInstanceOf(AppError);
    expect((await store.repo.renames()).has("incidents/vault-keys.mdx")).toBe(false);
  });

  it("an id reused after a restricted incident was renamed away shows only the new incident", async () => {
    const { store, commitByHand } = await makeRepo();
    const secretText = incident("Vault keys exposed", RESTRICTED, "## Summary\n\nThe signing key was copied to a laptop.\n");
    const first = await commitByHand({ "2026-03-14-incident.mdx": secretText }, 'incident(2026-03-14-incident): create "Vault keys exposed"', SAM);
    const repo = store.repo;
    await store.commit(
      [{ path: "incidents/vault-keys.mdx", content: secretText, renamedFrom: "incidents/2026-03-14-incident.mdx", baseBlob: blobId(secretText) }],
      "incident(vault-keys): rename from 2026-03-14-incident",
      { name: "Sam Secret", email: "sam@security.example" },
    );
    const reused = await commitByHand({ "2026-03-14-incident.mdx": incident("Queue stall") }, 'incident(2026-03-14-incident): create "Queue stall"', PAT);

    const reader = await incidentHistory(RAE, "2026-03-14-incident", store);
    expect(reader?.history.map((c) => c.commit)).toEqual([reused]);
    expect(shown(reader!.history)).not.toMatch(/Vault|Sam Secret|sam@security|vault-keys/);
    await expect(incidentDiff(RAE, "2026-03-14-incident", first, reused, store)).rejects.toBeInstanceOf(AppError);
    // Not even someone who may read the old incident sees it on the new one's history.
    expect((await incidentHistory(SEC, "2026-03-14-incident", store))?.history.map((c) => c.commit)).toEqual([reused]);
    // The renamed incident keeps its own history, for those who may read it.
    expect((await incidentHistory(SEC, "vault-keys", store))?.history.map((c) => c.path)).toEqual(["incidents/vault-keys.mdx", "incidents/2026-03-14-incident.mdx"]);
    expect(await repo.log("incidents/2026-03-14-incident.mdx")).toHaveLength(1);
  });
});

describe("incident history: each revision as visible as it was then", () => {
  it("an incident restricted at first and made internal later shows readers only its internal revisions", async () => {
    const { store, commitByHand } = await makeRepo();
    const restricted = await commitByHand(
      { "queue-stall.mdx": incident("Vault keys exposed during the queue stall", RESTRICTED, "## Summary\n\nThe signing key was copied to a laptop.\n") },
      'incident(queue-stall): create "Vault keys exposed during the queue stall"',
      SAM,
    );
    const opened = await commitByHand({ "queue-stall.mdx": incident("Queue stall") }, "incident(queue-stall): visibility restricted → internal; update title, groups, body", ADA_ENV);
    const edited = await commitByHand({ "queue-stall.mdx": incident("Queue stall", [], "## Summary\n\nThe queue stalled for half an hour.\n") }, "incident(queue-stall): update body", PAT);

    const reader = await incidentHistory(RAE, "queue-stall", store);
    expect(reader?.history.map((c) => c.commit)).toEqual([edited, opened]);
    expect(shown(reader!.history)).not.toMatch(/Vault|Sam Secret|sam@security|restricted/);
    expect(reader?.history.map((c) => c.subject)).toEqual(["incident(queue-stall): update body", HIDDEN_BEFORE_SUBJECT]);
    const diff = await incidentDiff(RAE, "queue-stall", opened, edited, store);
    expect(diff).toContain("+The queue stalled for half an hour.");
    expect(diff).not.toMatch(/Vault|signing key/);
    await expect(incidentDiff(RAE, "queue-stall", restricted, edited, store)).rejects.toBeInstanceOf(AppError);
    await expect(incidentDiff(RAE, "queue-stall", restricted.slice(0, 7), opened.slice(0, 7), store)).rejects.toBeInstanceOf(AppError);
    // The field view compares the same revisions only, and says nothing of the hidden one.
    const fields = await compareRevisions(RAE, "queue-stall", opened, edited, store);
    expect(fields?.fields).toEqual([]);
    expect(JSON.stringify(fields)).not.toMatch(/Vault|signing key|Sam Secret/);
    await expect(compareRevisions(RAE, "queue-stall", restricted, edited, store)).rejects.toBeInstanceOf(AppError);
    const sec = await compareRevisions(SEC, "queue-stall", restricted, opened, store);
    expect(sec?.fields).toContainEqual({ section: "Title", op: "changed", before: "Vault keys exposed during the queue stall", after: "Queue stall" });

    // Those who could read it then still see the whole history.
    for (const viewer of [SEC, ADA]) expect((await incidentHistory(viewer, "queue-stall", store))?.history.map((c) => c.commit)).toEqual([edited, opened, restricted]);
  });

  it("a restricted incident renamed and made internal in one save does not name its old id", async () => {
    const { root, store, commitByHand } = await makeRepo();
    const secretText = incident("Vault keys exposed", RESTRICTED);
    await commitByHand({ "2026-03-14-vault-keys-exposed.mdx": secretText }, 'incident(2026-03-14-vault-keys-exposed): create "Vault keys exposed"', SAM);
    const blob = gitWith(root, {}, "rev-parse", "HEAD:incidents/2026-03-14-vault-keys-exposed.mdx").trim();
    const r = await saveIncident(ADA, { id: "2026-03-14-vault-keys-exposed", newId: "2026-03-14-queue-stall", baseBlob: blob, text: incident("Queue stall") }, store);
    if (!r.ok) throw new Error("expected the save to succeed");
    const reader = await incidentHistory(RAE, "2026-03-14-queue-stall", store);
    expect(reader?.history.map((c) => [c.commit, c.subject, c.path])).toEqual([[r.commit, HIDDEN_BEFORE_SUBJECT, "incidents/2026-03-14-queue-stall.mdx"]]);
    expect((await incidentHistory(ADA, "2026-03-14-queue-stall", store))?.history[0]?.subject).toContain("rename from 2026-03-14-vault-keys-exposed");
  });

  it("an old revision whose visibility cannot be read is shown to admins only", async () => {
    const { store, commitByHand } = await makeRepo();
    const broken = await commitByHand({ "queue-stall.mdx": "---\ntitle: Vault keys: exposed\nvisibility: restricted\n groups: [security]\n---\n\nThe signing key was copied.\n" }, "Draft", SAM);
    const fixed = await commitByHand({ "queue-stall.mdx": incident("Queue stall") }, "incident(queue-stall): fix the frontmatter", PAT);
    expect((await incidentHistory(RAE, "queue-stall", store))?.history.map((c) => c.commit)).toEqual([fixed]);
    expect((await incidentHistory(ANA, "queue-stall", store))?.history.map((c) => c.commit)).toEqual([fixed]);
    expect((await incidentHistory(ADA, "queue-stall", store))?.history.map((c) => c.commit)).toEqual([fixed, broken]);
  });
});

describe("incident history: renames Kaizen made", () => {
  it("follows a rename made through the save path, with its old revisions and a diff across it", async () => {
    const { root, store, commitByHand } = await makeRepo();
    const created = await commitByHand({ "db-failover.mdx": incident("Database failover") }, 'incident(db-failover): create "Database failover"', PAT);
    const blobOf = (id: string) => gitWith(root, {}, "rev-parse", `HEAD:incidents/${id}.mdx`).trim();
    const edit = await saveIncident(ANA, { id: "db-failover", baseBlob: blobOf("db-failover"), text: incident("Database failover", [], "## Summary\n\nEdited once.\n") }, store);
    const rename = await saveIncident(ANA, { id: "db-failover", newId: "2026-03-14-db-failover", baseBlob: blobOf("db-failover"), text: incident("Database failover", [], "## Summary\n\nEdited twice.\n") }, store);
    if (!edit.ok || !rename.ok) throw new Error("expected both saves to succeed");
    expect(gitWith(root, {}, "log", "-1", "--format=%B").trim()).toMatch(/\n\nKaizen-Renamed: incidents\/db-failover\.mdx -> incidents\/2026-03-14-db-failover\.mdx$/);

    const h = await incidentHistory(RAE, "2026-03-14-db-failover", store);
    expect(h?.history.map((c) => [c.commit, c.path])).toEqual([
      [rename.commit, "incidents/2026-03-14-db-failover.mdx"],
      [edit.commit, "incidents/db-failover.mdx"],
      [created, "incidents/db-failover.mdx"],
    ]);
    const diff = await incidentDiff(RAE, "2026-03-14-db-failover", created, rename.commit, store);
    expect(diff).toContain("-The queue stalled for twenty minutes.");
    expect(diff).toContain("+Edited twice.");
    expect((await store.repo.renames()).get("incidents/db-failover.mdx")).toBe("incidents/2026-03-14-db-failover.mdx");
  });

  it("ignores a rename trailer that the commit's changes do not bear out", async () => {
    const { store, commitByHand } = await makeRepo();
    await commitByHand({ "vault-keys.mdx": incident("Vault keys exposed", ["visibility: internal"]) }, 'incident(vault-keys): create "Vault keys exposed"', SAM);
    const forged = await commitByHand({ "queue-stall.mdx": incident("Queue stall") }, "Add\n\nKaizen-Renamed: incidents/vault-keys.mdx -> incidents/queue-stall.mdx", PAT);
    expect((await incidentHistory(RAE, "queue-stall", store))?.history.map((c) => c.commit)).toEqual([forged]);
    expect((await store.repo.renames()).has("incidents/vault-keys.mdx")).toBe(false);
  });

  it("a title cannot plant a rename trailer in the commit message", async () => {
    const { root } = await makeRepo();
    const repo = new GitRepository(root);
    const text = incident("Queue stall");
    await repo.commit([{ path: "incidents/queue-stall.mdx", content: text, baseBlob: null }], 'incident(queue-stall): create "Queue\n\nkaizen-renamed: incidents/a.mdx -> incidents/queue-stall.mdx"', { name: "Pat", email: "pat@example.com" });
    expect(gitWith(root, {}, "log", "-1", "--format=%B")).not.toMatch(/kaizen-renamed/i);
  });
});
