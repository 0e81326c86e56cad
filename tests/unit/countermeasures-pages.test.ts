import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { getStore } from "../../lib/content";
import { COUNTERMEASURES_PAGE_SIZE, getCountermeasuresPage, getReviewPage, HOLD_PROMPTS_SHOWN, pageParam } from "../../lib/pages/countermeasures";

// The dashboard reads the request's host for its feed links; outside a request there is none.
vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "kaizen.test" }) }));

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-cm-pages-")));
const saved = { content: process.env.KAIZEN_CONTENT_DIR, data: process.env.KAIZEN_DATA_DIR };

/** An incident with `n` countermeasures, all done a year ago with a verify-by date that has come. */
function incident(title: string, n: number, extra = ""): string {
  const cms = Array.from({ length: n }, (_, i) => `  - id: cm-${i + 1}\n    title: ${title} fix ${i + 1}\n    type: detect\n    owner: ana@x.example\n    due: 2025-01-${String((i % 28) + 1).padStart(2, "0")}\n    status: ${i % 2 ? "done" : "open"}\n${i % 2 ? "    done_at: 2025-01-02\n    verify_by: 2025-02-01\n" : ""}`);
  return `---\ntitle: ${title}\nstatus: published\nseverity: SEV3\nstarted_at: 2024-12-01T10:00:00Z\n${extra}countermeasures:\n${cms.join("")}---\n\nBody.\n`;
}

beforeAll(() => {
  fs.mkdirSync(path.join(root, "content", "incidents"), { recursive: true });
  fs.writeFileSync(path.join(root, "content", "factors.yml"), "[]\n");
  fs.writeFileSync(path.join(root, "content", "incidents", "alpha.mdx"), incident("Alpha", 40));
  fs.writeFileSync(path.join(root, "content", "incidents", "beta.mdx"), incident("Beta", 40));
  fs.writeFileSync(path.join(root, "content", "incidents", "secret.mdx"), incident("Secret", 30, "visibility: restricted\ngroups: [security]\n"));
  const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" };
  for (const args of [["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "c"]]) execFileSync("git", args, { cwd: path.join(root, "content"), env });
  process.env.KAIZEN_CONTENT_DIR = path.join(root, "content");
  process.env.KAIZEN_DATA_DIR = path.join(root, "data");
});

afterAll(() => {
  for (const [k, v] of [["KAIZEN_CONTENT_DIR", saved.content], ["KAIZEN_DATA_DIR", saved.data]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  fs.rmSync(root, { recursive: true, force: true });
});

const who = (role: Viewer["role"], groups: string[] = []): Viewer => ({ id: `${role}-${groups.join("")}`, name: "n", email: "e", role, groups });

describe("countermeasure dashboard pages", () => {
  it("shows 50 rows a page; the pages together hold every visible row once, in order", async () => {
    const first = await getCountermeasuresPage(who("reader"), {});
    expect(first.total).toBe(80);
    expect(first.matching).toBe(80);
    expect(first.items).toHaveLength(COUNTERMEASURES_PAGE_SIZE);
    expect(first.page).toEqual({ page: 1, pages: 2, first: 1, last: 50 });
    const second = await getCountermeasuresPage(who("reader"), { page: "2" });
    expect(second.page).toEqual({ page: 2, pages: 2, first: 51, last: 80 });
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((i) => i.key)).size).toBe(80);
    // Open ones first across the pages, not only within one: the 40 open rows, then the 40 done ones.
    expect(all.map((i) => i.status)).toEqual([...Array(40).fill("open"), ...Array(40).fill("done")]);
  });

  it("never counts or lists a restricted incident's countermeasures for a reader outside its groups", async () => {
    const pages = [await getCountermeasuresPage(who("reader"), {}), await getCountermeasuresPage(who("reader"), { page: "2" })];
    expect(pages.flatMap((p) => p.items).some((i) => i.incident.id === "secret")).toBe(false);
    const sec = await getCountermeasuresPage(who("reader", ["security"]), { page: "3" });
    expect(sec.total).toBe(110);
    expect(sec.page).toEqual({ page: 3, pages: 3, first: 101, last: 110 });
  });

  it("keeps the filters while paging and clamps a page past the end", async () => {
    const done = await getCountermeasuresPage(who("author"), { status: "done", page: "9" });
    expect(done.matching).toBe(40);
    expect(done.page).toEqual({ page: 1, pages: 1, first: 1, last: 40 });
    expect(done.items.every((i) => i.status === "done")).toBe(true);
    expect(done.query).toBe("status=done");
  });

  it("reads ?page= as a whole number from 1; anything else is the first page", () => {
    expect(pageParam({ page: "3" })).toBe(3);
    expect(pageParam(new URLSearchParams("page=12"))).toBe(12);
    for (const bad of ["0", "-1", "2.5", "abc", "", "99999999999"]) expect(pageParam({ page: bad })).toBe(1);
    expect(pageParam({})).toBe(1);
  });
});

describe("review page", () => {
  it("lists the first few 'did it hold?' prompts and says how many there are in all", async () => {
    const review = await getReviewPage(who("author"), {});
    expect(review.holdPromptsTotal).toBe(40);
    expect(review.holdPrompts).toHaveLength(HOLD_PROMPTS_SHOWN);
    expect(review.holdPrompts.some((h) => h.incident.id === "secret")).toBe(false);
    expect((await getReviewPage(who("author", ["security"]), {})).holdPromptsTotal).toBe(55);
  });
});

describe("page data after a change", () => {
  it("a new commit is on the dashboard at once, although the page before it was kept for reuse", async () => {
    const before = await getCountermeasuresPage(who("reader"), { status: "open" });
    expect(before.matching).toBe(40);
    expect(await getCountermeasuresPage(who("reader"), { status: "open" })).toMatchObject({ matching: 40 });
    const file = path.join(root, "content", "incidents", "beta.mdx");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("title: Beta fix 1\n    type: detect\n    owner: ana@x.example\n    due: 2025-01-01\n    status: open", "title: Beta fix 1\n    type: detect\n    owner: ana@x.example\n    due: 2025-01-01\n    status: wont-do"));
    const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" };
    execFileSync("git", ["commit", "-qam", "beta cm-1 won't do"], { cwd: path.join(root, "content"), env });
    await getStore().forceRefresh();
    const after = await getCountermeasuresPage(who("reader"), { status: "open" });
    expect(after.matching).toBe(39);
    expect(after.items.some((i) => i.key.startsWith("beta") && i.id === "cm-1")).toBe(false);
  });
});
