import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConflictError, type Author } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { commitTaxonomyChange, planTaxonomyChange, TaxonomyChangeError } from "../../lib/editor/factor-rewrite";
import { mergeSuggestions } from "../../lib/knowledge/taxonomy-care";
import { incidentSchema } from "../../lib/schema/incident";
import { Taxonomy } from "../../lib/schema/taxonomy";
import { git, gitRepo, inIncidents, removeTempDirs } from "../fixtures/git-repo";

const ADMIN: Author = { name: "Ada Admin", email: "ada@example.com" };

const FACTORS = `# Our taxonomy. Comments stay.
categories:
  - id: change
    name: Change
factors:
  - id: bad-config-push   # the old name
    name: Bad configuration push
    category: change
    description: A configuration change rolled out everywhere at once.
    aliases: [config push]
  - id: unvalidated-config-change
    name: Unvalidated configuration change
    category: change
    description: A configuration change was not validated before rollout.
  - id: missing-alert
    name: Missing alert
    category: change
    description: No alert fired when the error rate rose.
    aliases: [no alert, alerting gap]
  - id: untested-change
    name: Untested change
    category: change
    description: A code change reached production without a test or staging run.
    aliases: [no staging test]
`;

const incident = (title: string, fm: string[], body = "## What happened\n\nA body with `code`, odd   spacing \nand bad-config-push mentioned in prose.\n") =>
  ["---", `title: ${title}`, "status: published", "severity: SEV2", "started_at: 2026-01-10T10:00:00Z", ...fm, "---", "", body].join("\n");

const A = incident("Config push took down checkout", [
  "teams: [payments] # owners",
  "contributing_factors:",
  "  - factor: bad-config-push",
  "    note: The push skipped validation.",
  "  # reviewed",
  "  - factor: missing-alert",
  "countermeasures:",
  "  - id: cm-1",
  "    title: Validate configs in CI",
  "    type: prevent",
  "    owner: ana@example.com",
  "    due: 2026-02-01",
  "    status: open",
  "    addresses: [bad-config-push, missing-alert]",
]);
const B = incident("Both ids already", [
  "visibility: restricted",
  "groups: [security]",
  "contributing_factors:",
  "  - factor: unvalidated-config-change",
  "  - factor: bad-config-push",
  "    note: A second note.",
]);
const C = incident("Unrelated", ["contributing_factors:", "  - factor: missing-alert"]);

afterAll(removeTempDirs);

async function makeRepo(files: Record<string, string>): Promise<string> {
  return gitRepo({ "factors.yml": FACTORS, ...inIncidents(files) }, { prefix: "kaizen-factor-rewrite-" });
}

/** Lines of `after` that differ from `before` (same length expected for in-place edits). */
function changedLines(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  return b.filter((line, i) => line !== a[i]);
}

describe("factor merge, rename and split", () => {
  it("merges in one commit: references rewritten in place, duplicates folded, the rest byte-identical", async () => {
    const root = await makeRepo({ "a.mdx": A, "b.mdx": B, "c.mdx": C });
    const store = new ContentStore(root);
    const result = await commitTaxonomyChange(store, { op: "merge", from: "bad-config-push", into: "unvalidated-config-change" }, ADMIN);
    expect(result.rewritten.sort()).toEqual(["a", "b"]);
    expect(result.redirectTo).toBe("unvalidated-config-change");
    // One commit, by the admin, touching factors.yml and the two incidents only.
    expect(git(root, "rev-list", "--count", "HEAD").trim()).toBe("2");
    expect(git(root, "log", "-1", "--format=%an <%ae>%n%s").trim()).toBe("Ada Admin <ada@example.com>\nFactors: merge bad-config-push into unvalidated-config-change");
    expect(git(root, "show", "--name-only", "--format=", "HEAD").trim().split("\n").sort()).toEqual(["factors.yml", "incidents/a.mdx", "incidents/b.mdx"]);

    const a = await fs.readFile(path.join(root, "incidents/a.mdx"), "utf8");
    expect(changedLines(A, a)).toEqual(["  - factor: unvalidated-config-change", "    addresses: [unvalidated-config-change, missing-alert]"]);
    expect(a.slice(a.indexOf("\n---\n"))).toBe(A.slice(A.indexOf("\n---\n"))); // the body, prose mention included
    const b = await fs.readFile(path.join(root, "incidents/b.mdx"), "utf8");
    expect(b).toContain("  - factor: unvalidated-config-change\n    note: A second note.\n");
    expect(b.match(/factor: /g)).toHaveLength(1);
    expect(await fs.readFile(path.join(root, "incidents/c.mdx"), "utf8")).toBe(C);

    const factors = await fs.readFile(path.join(root, "factors.yml"), "utf8");
    expect(factors).toContain("# Our taxonomy. Comments stay.");
    expect(factors).toContain("  - id: bad-config-push   # the old name\n");
    // One line added to the old entry; every other line as it was.
    expect(factors.replace("    merged_into: unvalidated-config-change\n", "")).toBe(FACTORS);
    const snap = await store.forceRefresh();
    expect(snap.taxonomy.canonicalId("bad-config-push")).toBe("unvalidated-config-change");
    expect(snap.broken).toEqual([]);
  });

  it("renames an id: the entry keeps its place and aliases, the old id points to it", async () => {
    const root = await makeRepo({ "a.mdx": A });
    const store = new ContentStore(root);
    const result = await commitTaxonomyChange(store, { op: "rename", from: "bad-config-push", to: "config-pushed-everywhere", name: "Configuration pushed everywhere" }, ADMIN);
    expect(result.rewritten).toEqual(["a"]);
    const snap = await store.forceRefresh();
    expect(snap.taxonomy.get("config-pushed-everywhere")).toMatchObject({ name: "Configuration pushed everywhere", aliases: ["config push"] });
    expect(snap.taxonomy.canonicalId("bad-config-push")).toBe("config-pushed-everywhere");
    expect(snap.taxonomy.resolveName("config push")).toBe("config-pushed-everywhere");
    const a = await fs.readFile(path.join(root, "incidents/a.mdx"), "utf8");
    expect(changedLines(A, a)).toEqual(["  - factor: config-pushed-everywhere", "    addresses: [config-pushed-everywhere, missing-alert]"]);
  });

  it("splits by explicit assignment or by the incident's own words", () => {
    const plan = planTaxonomyChange(
      { op: "split", from: "bad-config-push", into: ["missing-alert", "untested-change"], assign: { b: ["missing-alert", "untested-change"] } },
      FACTORS,
      [
        { id: "a", path: "incidents/a.mdx", text: A.replace("The push skipped validation.", "There was no staging test of the change.") },
        { id: "b", path: "incidents/b.mdx", text: B },
      ],
    );
    expect(plan.files.find((f) => f.id === "a")?.factors).toEqual(["untested-change"]);
    const b = plan.files.find((f) => f.id === "b")!;
    expect(b.factors).toEqual(["missing-alert", "untested-change"]);
    expect(b.text).toContain("  - factor: missing-alert\n    note: A second note.\n  - factor: untested-change\n");
    expect(plan.redirectTo).toBe("missing-alert");
  });

  it("refuses unknown, merged, taken and self targets with a clear message", () => {
    const plan = (change: Parameters<typeof planTaxonomyChange>[0]) => () => planTaxonomyChange(change, FACTORS, []);
    expect(plan({ op: "merge", from: "bad-config-pusj", into: "missing-alert" })).toThrow(/no factor "bad-config-pusj".*did you mean bad-config-push/);
    expect(plan({ op: "merge", from: "missing-alert", into: "missing-alert" })).toThrow(TaxonomyChangeError);
    expect(plan({ op: "rename", from: "missing-alert", to: "untested-change" })).toThrow(/taken/);
    expect(plan({ op: "split", from: "missing-alert", into: ["untested-change", "untested-change"], assign: {} })).toThrow(/two different/);
  });

  it("commits nothing when an incident changed since it was read (compare-and-swap on every file)", async () => {
    const root = await makeRepo({ "a.mdx": A });
    const store = new ContentStore(root);
    const readFile = store.repo.readFile.bind(store.repo);
    // A save lands between reading a.mdx and committing the rewrite.
    store.repo.readFile = async (rel: string) => {
      const text = await readFile(rel);
      if (rel === "incidents/a.mdx") {
        await fs.writeFile(path.join(root, rel), `${A}\nA later edit.\n`);
        git(root, "commit", "-qam", "A concurrent save");
      }
      return text;
    };
    await expect(commitTaxonomyChange(store, { op: "merge", from: "bad-config-push", into: "missing-alert" }, ADMIN)).rejects.toBeInstanceOf(ConflictError);
    expect(git(root, "log", "-1", "--format=%s").trim()).toBe("A concurrent save");
  });
});

describe("merge suggestions", () => {
  const taxonomy = new Taxonomy({
    categories: [],
    factors: [
      { id: "unvalidated-config-change", name: "Unvalidated configuration change", category: "change", description: "A configuration change was not validated against limits before rollout.", aliases: ["config not validated"] },
      { id: "config-change-not-validated", name: "Configuration change not validated", category: "change", description: "Configuration was changed without validation against limits.", aliases: [] },
      { id: "missing-alert", name: "Missing alert", category: "obs", description: "No alert fired when the error rate rose.", aliases: [] },
      { id: "noisy-alerts", name: "Noisy alerts", category: "obs", description: "Too many alerts fired, so the one that mattered was missed.", aliases: [] },
    ],
  });
  const inc = (id: string, factors: string[], services: string[]) => ({
    id,
    frontmatter: incidentSchema.parse({ title: id, status: "published", severity: "SEV3", started_at: "2026-01-01T00:00:00Z", services, contributing_factors: factors.map((factor) => ({ factor })) }),
  });

  it("pairs factors described alike and used alike, folding the less used into the more used", () => {
    const incidents = [inc("a", ["unvalidated-config-change"], ["db"]), inc("b", ["unvalidated-config-change"], ["db"]), inc("c", ["config-change-not-validated"], ["db"])];
    const [top, ...rest] = mergeSuggestions(incidents, taxonomy);
    expect(top).toMatchObject({ a: "config-change-not-validated", b: "unvalidated-config-change" });
    expect(top!.reasons.join(" ")).toMatch(/described alike \(.*validat/);
    expect(top!.reasons).toContain("never named in the same incident");
    expect(rest.map((r) => r.a + r.b).join()).not.toContain("missing-alert");
  });

  it("does not suggest merging two factors that incidents name together", () => {
    const incidents = [1, 2, 3].map((n) => inc(`x${n}`, ["unvalidated-config-change", "config-change-not-validated"], ["db"]));
    const pair = mergeSuggestions(incidents, taxonomy).find((s) => s.a.includes("config") && s.b.includes("config"));
    expect(pair).toBeUndefined();
  });
});

describe("kaizen factors merge|rename|split", { timeout: 60_000 }, () => {
  const kaizen = (root: string, args: string[]) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.resolve(__dirname, "../../scripts/kaizen.ts"), "factors", ...args, "--content", root], { encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it("previews with --dry-run, commits as --author, and explains a wrong id", async () => {
    const root = await makeRepo({ "a.mdx": A, "c.mdx": C });
    const dry = kaizen(root, ["merge", "bad-config-push", "missing-alert", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("Would merge bad-config-push into missing-alert: 1 incident file to rewrite");
    expect(git(root, "rev-list", "--count", "HEAD").trim()).toBe("1");

    const real = kaizen(root, ["merge", "bad-config-push", "missing-alert", "--author", "Ada Admin <ada@example.com>"]);
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/merge bad-config-push into missing-alert: 1 incident file rewritten in [0-9a-f]{10}/);
    expect(real.out).toContain("/factors/bad-config-push now redirects to /factors/missing-alert");
    expect(git(root, "log", "-1", "--format=%an").trim()).toBe("Ada Admin");

    const wrong = kaizen(root, ["rename", "missing-alrt", "no-alert"]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('no factor "missing-alrt"');
    expect(kaizen(root, ["squash", "a", "b"]).err).toContain('unknown factors action "squash"');
  });
});
