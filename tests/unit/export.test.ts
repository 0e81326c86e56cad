import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { ContentStore, type Snapshot } from "../../lib/content/store";
import { buildSite, type BuiltSite, type ExportAudience } from "../../lib/export/build";
import { exportHref } from "../../lib/export/links";
import { EXPORT_MARKER, ExportDirError, siteAssets, writeSite } from "../../lib/export/write";
import type { SiteAssets } from "../../lib/export/build";
import { removeTempDirs, tempDir } from "../fixtures/git-repo";
import { fixtureFiles, repoWith, SECRETS } from "./publish-fixtures";

const NOW = new Date("2026-12-01T00:00:00Z");
const group = (g: string): ExportAudience => {
  const viewer: Viewer = { id: `group:${g}`, name: g, email: "", role: "reader", groups: [g] };
  return { kind: "internal", viewer, label: `group ${g}` };
};

let snap: Snapshot;
let assets: SiteAssets;

beforeAll(async () => {
  snap = await new ContentStore(await repoWith(fixtureFiles())).snapshot();
  assets = await siteAssets();
});

afterAll(removeTempDirs);

/** Every file of a written directory, relative path → bytes. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, full).split(path.sep).join("/"), await fs.readFile(full));
  }
  return out;
}

function pages(site: BuiltSite): string[] {
  return [...site.files.keys()].sort();
}

describe("kaizen export --public", () => {
  it("writes index, incident and factor pages, a feed, the search index and local assets", () => {
    const site = buildSite(snap, { kind: "public" }, assets, { now: NOW });
    expect(pages(site)).toEqual([
      "assets/flexsearch.LICENSE.txt",
      "assets/flexsearch.bundle.min.js",
      "assets/kaizen.css",
      "assets/search-index.js",
      "assets/search.js",
      "factors/bad-config-push.html",
      "factors/index.html",
      "feed.xml",
      "incidents/other-public.html",
      "incidents/public-one.html",
      "index.html",
    ]);
    expect(site.incidents).toEqual(["public-one", "other-public"]);
    expect(site.skipped).toEqual([]);
  });

  it("dates an incident by the one rule (started_at, else detection, else the first timeline entry): its row and the order", () => {
    const one = snap.incidents.find((i) => i.id === "public-one")!;
    const other = snap.incidents.find((i) => i.id === "other-public")!;
    const detectedOnly = { ...other, frontmatter: { ...other.frontmatter, started_at: undefined, detected_at: "2026-06-01T08:00:00Z" } };
    const site = buildSite({ incidents: [one, detectedOnly], taxonomy: snap.taxonomy }, { kind: "public" }, assets, { now: NOW });
    expect(site.incidents).toEqual(["other-public", "public-one"]);
    expect(site.files.get("index.html")).toContain('dateTime="2026-06-01T08:00:00Z"');
    expect(site.files.get("incidents/other-public.html")).toContain('dateTime="2026-06-01T08:00:00Z"');
  });

  it("has no byte of any internal block, internal row or restricted or non-public incident, on disk", async () => {
    const dir = await tempDir("kaizen-export-");
    await writeSite(dir, buildSite(snap, { kind: "public" }, assets, { now: NOW }), "public");
    const files = await readTree(dir);
    expect(files.size).toBeGreaterThan(8);
    for (const [name, bytes] of files) {
      const text = bytes.toString("latin1");
      for (const secret of SECRETS) expect(text.includes(secret), `${name} contains ${secret}`).toBe(false);
    }
    const page = files.get("incidents/public-one.html")!.toString("utf8");
    expect(page).toContain("Public callout text.");
    expect(page).toContain("Stage config pushes by region");
  });

  it("links only relatively: app links become file links, links to incidents outside the export lose their target", () => {
    const site = buildSite(snap, { kind: "public" }, assets, { now: NOW });
    const page = site.files.get("incidents/public-one.html")!;
    expect(page).toContain('<a href="../incidents/other-public.html">near miss</a>');
    // publicVersion already turned this link to a restricted incident into its text.
    expect(page).toContain("caused the earlier outage, and");
    expect(page).toContain('href="../factors/bad-config-push.html"');
    expect(page).toContain('href="../assets/kaizen.css"');
    for (const [name, text] of site.files) {
      if (!name.endsWith(".html") && !name.endsWith(".xml")) continue;
      const hrefs = [...text.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1] ?? "");
      for (const h of hrefs) expect(h, `${name}: ${h}`).not.toMatch(/^(\/|https?:\/\/(?!tracker))/);
    }
  });

  it("builds a search index the browser script can import", () => {
    const site = buildSite(snap, { kind: "public" }, assets, { now: NOW });
    const script = site.files.get("assets/search-index.js")!;
    const window: { KAIZEN_SEARCH?: { docs: { url: string; title: string }[]; index: Record<string, unknown> } } = {};
    new Function("window", script)(window);
    expect(window.KAIZEN_SEARCH?.docs.map((d) => d.url)).toEqual(["incidents/public-one.html", "incidents/other-public.html"]);
    expect(Object.keys(window.KAIZEN_SEARCH?.index ?? {}).length).toBeGreaterThan(0);
  });

  it("writes an Atom feed of the exported incidents", () => {
    const feed = buildSite(snap, { kind: "public" }, assets, { now: NOW }).files.get("feed.xml")!;
    expect(feed).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    expect(feed.match(/<entry>/g)?.length).toBe(2);
    expect(feed).toContain('<link rel="alternate" type="text/html" href="incidents/public-one.html"/>');
  });
});

describe("kaizen export --internal", () => {
  it("includes restricted incidents only for a group that may read them", () => {
    const security = buildSite(snap, group("security"), assets, { now: NOW });
    const other = buildSite(snap, group("payments"), assets, { now: NOW });
    expect(security.incidents.sort()).toEqual(["internal-only", "other-public", "public-one", "restricted-one"]);
    expect(other.incidents.sort()).toEqual(["internal-only", "other-public", "public-one"]);
    for (const [name, text] of other.files) expect(text.includes("SECRET-RESTRICTED"), name).toBe(false);
    expect(security.files.get("incidents/restricted-one.html")).toContain("SECRET-RESTRICTED-BODY");
  });

  it("shows internal blocks and rows as marked, and links to unreadable incidents as text", () => {
    const site = buildSite(snap, group("payments"), assets, { now: NOW });
    const page = site.files.get("incidents/public-one.html")!;
    expect(page).toContain('class="mdx-internal"');
    expect(page).toContain("SECRET-NESTED");
    expect(page).toContain("SECRET-TIMELINE");
    expect(page).toContain('class="chip chip--internal"');
    expect(page).toContain("caused <span>the earlier outage</span>");
    expect(page).toContain('href="../incidents/internal-only.html"');
  });
});

describe("writeSite", () => {
  it("refuses a non-empty directory it did not write", async () => {
    const dir = await tempDir("kaizen-export-");
    await fs.writeFile(path.join(dir, "notes.txt"), "mine");
    await expect(writeSite(dir, buildSite(snap, { kind: "public" }, assets), "public")).rejects.toBeInstanceOf(ExportDirError);
    expect(await fs.readFile(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
  });

  it("replaces an earlier export completely, so an internal page never survives into a public export", async () => {
    const dir = await tempDir("kaizen-export-");
    await writeSite(dir, buildSite(snap, group("security"), assets), "internal");
    expect(await fs.readFile(path.join(dir, "incidents/restricted-one.html"), "utf8")).toContain("SECRET-RESTRICTED");
    await writeSite(dir, buildSite(snap, { kind: "public" }, assets), "public");
    const files = await readTree(dir);
    expect(files.has("incidents/restricted-one.html")).toBe(false);
    expect(files.get(EXPORT_MARKER)?.toString()).toBe("public\n");
  });
});

describe("exportHref", () => {
  const has = { incident: (id: string) => id === "a", factor: (id: string) => id === "f" };
  it("maps app links to relative files and drops links into the app that are not exported", () => {
    expect(exportHref("/incidents/a#timeline", 1, has)).toBe("../incidents/a.html#timeline");
    expect(exportHref("/incidents/b", 1, has)).toBeNull();
    expect(exportHref("/factors/f", 0, has)).toBe("factors/f.html");
    expect(exportHref("/search?q=x", 1, has)).toBeNull();
    expect(exportHref("#lessons", 1, has)).toBe("#lessons");
    expect(exportHref("https://example.com/x", 1, has)).toBe("https://example.com/x");
  });
});

describe("kaizen export (CLI)", () => {
  it("exports the sample knowledge base and refuses unknown flags", async () => {
    const dir = path.join(await tempDir("kaizen-export-"), "site");
    const root = path.resolve(import.meta.dirname, "..", "..");
    const run = (...args: string[]) => execFileSync("npx", ["tsx", "scripts/kaizen.ts", ...args], { cwd: root, encoding: "utf8", stdio: "pipe" });
    expect(run("export", "--content", "content", "--public", dir)).toMatch(/^5 incident\(s\), \d+ files written to /);
    const files = await readTree(dir);
    const all = [...files.values()].map((b) => b.toString("utf8")).join("\n");
    // The sample's internal blocks and its restricted incidents.
    for (const s of ["account manager named in the acquirer contract", "Nested note", "capacity sheet", "deploy-token-exposed", "lumen.example"]) expect(all).not.toContain(s);
    expect(() => run("export", "--content", "content", "--publc", dir)).toThrow(/unknown option --publc/);
  });
});
