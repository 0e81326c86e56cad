import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../lib/auth/users";
import type { Viewer } from "../../lib/auth/viewer";
import { getStore } from "../../lib/content";
import { splitDocument } from "../../lib/content/frontmatter";
import { updateCountermeasure } from "../../lib/editor/countermeasure-update";
import { formFromData, formToText } from "../../lib/editor/form";
import { loadForEdit, saveIncident } from "../../lib/editor/save";
import { changeTaxonomy } from "../../lib/editor/taxonomy-change";
import { performReviewAction } from "../../lib/reviews/actions";
import { git, gitRepo, removeTempDirs, tempDir } from "../fixtures/git-repo";

// Every kind of save that rewrites YAML a person wrote (the editor form, a countermeasure update from the dashboard,
// the review that publishes, a factor rename on /factors) changes only the lines it must: comments, key order,
// quoting and every other line stay byte for byte.

const FACTORS = `# Our taxonomy: edit with care (reviewed quarterly)
categories:
  - id: observability # what we can see
    name: Observability
    description: Alerts and dashboards.
factors:
  # Alerting gaps
  - id: missing-alert
    name: Missing alert   # the common one
    category: observability
    description: No alert fired.
`;

const INCIDENT = `---
# Checkout outage post-mortem: keep this header comment
title: "Checkout down: queue backlog"   # short title
status: in-review # reviewed on Friday
severity: SEV2
started_at: 2026-03-14T10:00:00Z
authors: [ana@example.com]   # flow list
reviewers: [bo]
teams:
  # the owning team
  - payments
contributing_factors:
  - factor: missing-alert  # no alert on queue depth
    note: >-
      Queue depth had
      no alert.
countermeasures:
  # agreed in the review meeting
  - id: cm-1
    title: Alert on queue depth
    type: detect
    owner: ana@example.com # Ana
    due: 2026-04-30
    status: open   # not started
    addresses: [missing-alert]
timeline:
  - at: 2026-03-14T10:00:00Z
    event: Deploy started # 10:00 UTC
---

## Summary

The queue backed up.
`;

const ANA: Viewer = { id: "ana", name: "Ana Author", email: "ana@example.com", role: "author", groups: [] };
const BO: Viewer = { id: "bo", name: "Bo Reviewer", email: "bo@example.com", role: "author", groups: [] };
const ADA: Viewer = { id: "ada", name: "Ada Admin", email: "ada@example.com", role: "admin", groups: [] };

let root: string;
const saved: Record<string, string | undefined> = {};
const FILE = "incidents/checkout.mdx";
const read = (rel: string) => fs.readFile(path.join(root, rel), "utf8");
const committed = (rel: string) => git(root, "show", `HEAD:${rel}`);

beforeAll(async () => {
  for (const k of ["KAIZEN_CONTENT_DIR", "KAIZEN_DATA_DIR", "KAIZEN_TIME_ZONE"]) saved[k] = process.env[k];
  root = await gitRepo({ "factors.yml": FACTORS, [FILE]: INCIDENT }, { prefix: "kaizen-comments-" });
  process.env.KAIZEN_CONTENT_DIR = root;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-comments-data-");
  process.env.KAIZEN_TIME_ZONE = "UTC";
  await addUser({ username: "bo", role: "author", name: "Bo Reviewer", email: "bo@example.com", password: "bo-password-123" });
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await removeTempDirs();
});

describe("comments in YAML survive every kind of save", () => {
  it("the editor form: a changed title changes that line only; fields the form does not edit (reviewers) stay", async () => {
    const loaded = (await loadForEdit(ANA, "checkout", getStore(root)))!;
    const split = splitDocument(loaded.text);
    if (!split.ok) throw new Error(split.problem.message);
    const form = formFromData(split.doc.data, split.doc.body);
    const text = formToText({ ...form, title: "Checkout down: the queue backlog" }, loaded.text);
    const r = await saveIncident(ANA, { id: "checkout", baseBlob: loaded.blob, text }, getStore(root));
    expect(r).toMatchObject({ ok: true });
    expect(committed(FILE)).toBe(INCIDENT.replace('title: "Checkout down: queue backlog"', 'title: "Checkout down: the queue backlog"'));
  });

  it("a countermeasure update from the dashboard: only its status line changes", async () => {
    const before = await read(FILE);
    const blob = git(root, "rev-parse", `HEAD:${FILE}`).trim();
    const r = await updateCountermeasure(ANA, { incidentId: "checkout", cmId: "cm-1", baseBlob: blob, patch: { status: "in-progress" } });
    expect(r).toMatchObject({ ok: true });
    expect(committed(FILE)).toBe(before.replace("status: open   # not started", "status: in-progress   # not started"));
  });

  it("the review that publishes: only the status line changes", async () => {
    const before = await read(FILE);
    const store = getStore(root);
    await performReviewAction(ANA, "checkout", { action: "request_review", reviewers: ["bo"] }, { store, notify: () => undefined });
    const r = await performReviewAction(BO, "checkout", { action: "approve" }, { store, notify: () => undefined });
    expect(r).toMatchObject({ published: true });
    expect(committed(FILE)).toBe(before.replace("status: in-review # reviewed on Friday", "status: published # reviewed on Friday"));
  });

  it("a factor rename on /factors: only the lines naming it change, in factors.yml and in the incident", async () => {
    const before = await read(FILE);
    const r = await changeTaxonomy(ADA, { change: { op: "rename", from: "missing-alert", to: "no-alert" }, dryRun: false }, getStore(root));
    expect(r.rewritten).toEqual(["checkout"]);
    // The old id stays as an alias of the new one (merged_into), so links to it keep working: appended, nothing else.
    expect(committed("factors.yml")).toBe(
      `${FACTORS.replace("  - id: missing-alert\n", "  - id: no-alert\n")}  - id: missing-alert\n    name: Missing alert\n    category: observability\n    description: No alert fired.\n    merged_into: no-alert\n`,
    );
    expect(committed(FILE)).toBe(before.replace("  - factor: missing-alert  #", "  - factor: no-alert  #").replace("addresses: [missing-alert]", "addresses: [no-alert]"));
  });
});
