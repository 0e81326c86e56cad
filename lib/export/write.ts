import fs from "node:fs/promises";
import path from "node:path";
import type { BuiltSite, SiteAssets } from "./build";

/** Marks a directory as written by `kaizen export`, so a later export may replace it (and nothing else). */
export const EXPORT_MARKER = ".kaizen-export";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
// The app's stylesheets, in the order the app loads them; the export's own rules come last.
const STYLESHEETS = ["app/globals.css", "app/incidents/incidents.css", "app/factors/factors.css", "lib/export/assets/export.css"];

/** Reads the app's CSS, the flexsearch browser bundle and the search script from the project. */
export async function siteAssets(): Promise<SiteAssets> {
  const read = (rel: string) => fs.readFile(path.join(ROOT, rel), "utf8");
  const css = (await Promise.all(STYLESHEETS.map(async (f) => `/* ${f} */\n${await read(f)}`))).join("\n");
  const flexDir = path.join("node_modules", "flexsearch");
  return {
    css,
    flexsearch: await read(path.join(flexDir, "dist", "flexsearch.bundle.min.js")),
    flexsearchLicense: await read(path.join(flexDir, "LICENSE")),
    searchScript: await read("lib/export/assets/search.js"),
  };
}

export class ExportDirError extends Error {}

/**
 * Writes a built site into `dir`. An existing directory must be empty or an earlier export, which is emptied first:
 * a page left over from an earlier internal export must never survive into a public one.
 */
export async function writeSite(dir: string, site: BuiltSite, mode: "public" | "internal"): Promise<void> {
  const entries = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (entries && entries.length > 0) {
    if (!entries.includes(EXPORT_MARKER)) throw new ExportDirError(`${dir} is not empty and was not written by kaizen export; choose an empty or new directory`);
    for (const e of entries) await fs.rm(path.join(dir, e), { recursive: true, force: true });
  }
  await fs.mkdir(dir, { recursive: true });
  for (const [rel, content] of site.files) {
    const file = path.join(dir, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content, "utf8");
  }
  await fs.writeFile(path.join(dir, EXPORT_MARKER), `${mode}\n`, "utf8");
}
