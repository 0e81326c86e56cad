import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ContentStore } from "../../lib/content/store";
import { checkMdx } from "../../lib/mdx/validate";
import { escapeForMdx, importPostmortemsApp, isoOrUndefined, parsePostmortemsApp } from "../../lib/import/postmortems-app";
import { git, gitRepoSync, removeTempDirsSync, tempDirSync } from "../fixtures/git-repo";

const TAXONOMY = `categories:
  - { id: change-management, name: Change management, maps_to: [config-change] }
  - { id: dependencies, name: Dependencies, maps_to: [cloud] }
factors:
  - { id: no-progressive-rollout, name: No progressive rollout, category: change-management, description: d, aliases: [canary, staged rollout] }
  - { id: unvalidated-config-change, name: Unvalidated config change, category: change-management, description: d, aliases: [bad config push, config validation] }
  - { id: cloud-provider-outage, name: Cloud provider outage, category: dependencies, description: d }
`;

const REPORT = (uuid: string, extra = "", body = "The config validation step was skipped and a bad config push went out.") =>
  `---\nuuid: ${uuid}\nurl: https://example.com/${uuid}\ntitle: Config push broke the edge\ncategories:\n- config-change\n- cloud\nkeywords:\n- edge\n- config\ncompany: Example\nproduct: Edge\nsummary: A bad config push took the edge down.\nstart_time: 2023-10-04T07:00:00-07:00\nend_time: not a date\n${extra}---\n\n${body}\n`;

const tmp = () => tempDirSync("kaizen-import-");
afterEach(removeTempDirsSync);

const repo = () => gitRepoSync({ "factors.yml": TAXONOMY }, { prefix: "kaizen-import-", message: "init" });

describe("postmortems-app importer", () => {
  it("escapes braces and angle brackets outside code so the body parses as MDX", () => {
    const body = "Use {x} and <b>bold</b> here.\n\n```\nif (a < b) { x }\n```\n\nInline `a<b` stays.";
    const out = escapeForMdx(body);
    expect(checkMdx(out)).toEqual([]);
    expect(out).toContain("```\nif (a < b) { x }\n```");
    expect(out).toContain("`a<b`");
    expect(checkMdx(body).length).toBeGreaterThan(0);
  });

  it("turns parseable times into ISO with Z and drops the rest", () => {
    expect(isoOrUndefined("2023-10-04T07:00:00-07:00")).toBe("2023-10-04T14:00:00Z");
    expect(isoOrUndefined("not a date")).toBeUndefined();
    expect(isoOrUndefined("")).toBeUndefined();
  });

  it("imports reports in one commit, maps categories to factors, and skips files that do not parse", async () => {
    const root = repo();
    const corpus = tmp();
    fs.writeFileSync(path.join(corpus, "a.md"), REPORT("AAAA1111-2222-3333-4444-555566667777"));
    fs.writeFileSync(path.join(corpus, "b.md"), REPORT("bbbb1111-2222-3333-4444-555566667777", "", "Body with {braces} and <tags>."));
    fs.writeFileSync(path.join(corpus, "broken.md"), "---\nuuid: [unclosed\n---\nbody\n");
    const store = new ContentStore(root);
    const before = git(root, "rev-list", "--count", "HEAD").trim();
    const report = await importPostmortemsApp(corpus, store);
    expect(report.imported.sort()).toEqual(["aaaa1111-2222-3333-4444-555566667777", "bbbb1111-2222-3333-4444-555566667777"]);
    expect(report.skipped.map((s) => s.file)).toEqual(["broken.md"]);
    const after = git(root, "rev-list", "--count", "HEAD").trim();
    expect(Number(after)).toBe(Number(before) + 1);
    const author = git(root, "log", "-1", "--format=%an").trim();
    expect(author).toBe("Kaizen importer");

    const snap = await store.forceRefresh();
    expect(snap.broken).toEqual([]);
    const doc = snap.incidents.find((d) => d.id === "aaaa1111-2222-3333-4444-555566667777");
    expect(doc?.frontmatter).toMatchObject({
      title: "Config push broke the edge",
      status: "published",
      visibility: "internal",
      kind: "incident",
      severity: "SEV2",
      started_at: "2023-10-04T14:00:00Z",
      services: ["Edge"],
      tags: ["edge", "config"],
      authors: [],
      source: { url: "https://example.com/AAAA1111-2222-3333-4444-555566667777", uuid: "AAAA1111-2222-3333-4444-555566667777", company: "Example" },
    });
    expect(doc?.frontmatter.resolved_at).toBeUndefined();
    expect(doc?.frontmatter.contributing_factors.map((f) => f.factor)).toEqual(["unvalidated-config-change", "cloud-provider-outage"]);

    const again = await importPostmortemsApp(corpus, store);
    expect(again.commit).toBeNull();
    expect(again.unchanged).toHaveLength(2);
  });

  it("reads a report's fields", () => {
    const parsed = parsePostmortemsApp(REPORT("cccc1111-2222-3333-4444-555566667777"));
    expect(parsed.ok && parsed.report.categories).toEqual(["config-change", "cloud"]);
    expect(parsePostmortemsApp("no frontmatter").ok).toBe(false);
  });
});
