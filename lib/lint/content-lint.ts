import fs from "node:fs/promises";
import path from "node:path";
import { splitDocument } from "../content/frontmatter";
import { parseIncidentText } from "../content/incident-file";
import { ContentStore, FACTORS_FILE, INCIDENTS_DIR, parseTaxonomy } from "../content/store";
import { ID_PATTERN } from "../schema/common";
import type { Problem } from "../schema/problems";
import { lintBlameless } from "./blameless";

/** Blameless-language warnings for a whole incident file (frontmatter prose and body), as lint problems. */
export function blamelessProblems(file: string, raw: string): Problem[] {
  const split = splitDocument(raw);
  if (!split.ok) return [];
  const { doc } = split;
  const hints = [...lintBlameless(doc.yaml, doc.yamlLine, { maskQuotes: false }), ...lintBlameless(doc.body, doc.bodyLine)];
  return hints.map((h) => ({ file, line: h.line, col: h.col, field: "blameless", message: `"${h.phrase}": ${h.message} ${h.suggestion}`, severity: "warning" as const }));
}

export interface LintReport {
  problems: Problem[];
  /** Incident files looked at. */
  checked: number;
}

/**
 * Lints a content directory: by default the files on disk (what an author is about to commit: `kaizen new`, an
 * editor, a pull-request check), or with `committed` what the server serves, the content of HEAD.
 */
export async function lintContent(dir: string, { committed = false } = {}): Promise<LintReport> {
  const problems: Problem[] = [];
  if (committed) {
    const store = new ContentStore(dir);
    const snap = await store.snapshot();
    problems.push(...snap.taxonomyProblems);
    for (const b of snap.broken) problems.push(...b.problems);
    for (const inc of snap.incidents) {
      problems.push(...inc.warnings);
      const raw = await store.repo.readFile(inc.path);
      if (raw !== null) problems.push(...blamelessProblems(inc.path, raw));
    }
    return { problems: sortProblems(problems), checked: snap.incidents.length + snap.broken.length };
  }
  const taxonomyText = await fs.readFile(path.join(dir, FACTORS_FILE), "utf8").catch(() => null);
  const { taxonomy, problems: taxonomyProblems } = parseTaxonomy(taxonomyText);
  problems.push(...taxonomyProblems);
  const names = (await fs.readdir(path.join(dir, INCIDENTS_DIR)).catch(() => [] as string[])).filter((n) => n.endsWith(".mdx")).sort();
  for (const name of names) {
    const rel = `${INCIDENTS_DIR}/${name}`;
    const abs = path.join(dir, INCIDENTS_DIR, name);
    const st = await fs.lstat(abs);
    if (!st.isFile()) {
      problems.push({ file: rel, line: 1, col: 1, field: "file", message: "could not be read: not a regular file", severity: "error" });
      continue;
    }
    const id = name.slice(0, -4);
    if (!ID_PATTERN.test(id)) {
      problems.push({ file: rel, line: 1, col: 1, field: "id", message: `file name "${id}" is not a valid id (lowercase letters, digits and dashes)`, severity: "error" });
      continue;
    }
    const raw = await fs.readFile(abs, "utf8");
    const parsed = parseIncidentText(rel, raw, taxonomy);
    if (!parsed.ok) problems.push(...parsed.problems);
    else problems.push(...parsed.warnings, ...blamelessProblems(rel, raw));
  }
  return { problems: sortProblems(problems), checked: names.length };
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
