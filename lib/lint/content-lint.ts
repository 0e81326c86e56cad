import fs from "node:fs/promises";
import path from "node:path";
import { splitDocument } from "../content/frontmatter";
import { parseIncidentText } from "../content/incident-file";
import { ContentStore, FACTORS_FILE, INCIDENTS_DIR, parseTaxonomy } from "../content/store";
import { KAIZEN_CONFIG_FILE, parseKaizenConfig } from "../content/kaizen-config";
import { countermeasureBreaches } from "../followups/policy";
import { defaultTimeZone, localDate } from "../knowledge/dates";
import { startedMs } from "../knowledge/facts";
import type { FollowupPolicy } from "../schema/followup-policy";
import { isMarkedPublic, isPublic } from "../publish/public-version";
import { ID_PATTERN } from "../schema/common";
import type { IncidentFrontmatter } from "../schema/incident";
import { redactionProblems } from "./redaction";
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

/**
 * Countermeasures that break the kaizen.yml `followups:` policy (due after the severity target, done without the
 * evidence it requires), as warnings at the field to fix: the file is valid, the team's rule is not met.
 */
export function policyProblems(file: string, raw: string, fm: IncidentFrontmatter, policy: FollowupPolicy, timeZone: string = defaultTimeZone()): Problem[] {
  const split = splitDocument(raw);
  const started = startedMs({ frontmatter: fm });
  const subject = { severity: fm.severity ?? null, createdDate: started === null ? null : localDate(started, timeZone) };
  const out: Problem[] = [];
  fm.countermeasures.forEach((cm, i) => {
    for (const b of countermeasureBreaches(cm, subject, policy, { timeZone })) {
      const path = ["countermeasures", i, b.field === "evidence" && !cm.evidence ? "status" : b.field];
      const at = split.ok ? split.doc.locate(path) : { line: 1, col: 1 };
      out.push({ file, ...at, field: `countermeasures[${i}].${b.field}`, message: `policy: ${b.message}`, severity: "warning" });
    }
  });
  return out;
}

export interface LintReport {
  problems: Problem[];
  /** Incident files looked at. */
  checked: number;
  /** Of those, the ones marked `publish: public`. */
  markedPublic: number;
}

interface LintFile {
  rel: string;
  raw: string | null;
  /** Why it could not be read, when raw is null. */
  unreadable?: string;
}

/**
 * Lints a content directory: by default the files on disk (what an author is about to commit: `kaizen new`, an
 * editor, a pull-request check), or with `committed` what the server serves, the content of HEAD. With `public`, the
 * public text of `publish: public` incidents is also checked for what looks internal (redaction lint).
 */
export async function lintContent(dir: string, opts: { committed?: boolean; public?: boolean } = {}): Promise<LintReport> {
  const { taxonomyText, policyText, files } = opts.committed ? await committedFiles(dir) : await diskFiles(dir);
  const { taxonomy, problems: taxonomyProblems } = parseTaxonomy(taxonomyText);
  const config = parseKaizenConfig(policyText);
  const problems: Problem[] = [...taxonomyProblems, ...config.problems];
  const parsed: { rel: string; id: string; raw: string; fm: IncidentFrontmatter }[] = [];
  const brokenIds: string[] = [];
  for (const f of files) {
    const id = path.posix.basename(f.rel).slice(0, -4);
    if (f.raw === null) {
      problems.push({ file: f.rel, line: 1, col: 1, field: "file", message: `could not be read: ${f.unreadable ?? "unknown reason"}`, severity: "error" });
      brokenIds.push(id);
      continue;
    }
    if (!ID_PATTERN.test(id)) {
      problems.push({ file: f.rel, line: 1, col: 1, field: "id", message: `file name "${id}" is not a valid id (lowercase letters, digits and dashes)`, severity: "error" });
      continue;
    }
    const r = parseIncidentText(f.rel, f.raw, taxonomy);
    if (!r.ok) {
      problems.push(...r.problems);
      brokenIds.push(id);
      continue;
    }
    problems.push(...r.warnings, ...blamelessProblems(f.rel, f.raw), ...policyProblems(f.rel, f.raw, r.frontmatter, config.value.followups));
    parsed.push({ rel: f.rel, id, raw: f.raw, fm: r.frontmatter });
  }
  const marked = parsed.filter((p) => isMarkedPublic(p.fm));
  if (opts.public) {
    const people = [...new Set(parsed.flatMap((p) => [...p.fm.authors, ...p.fm.countermeasures.map((c) => c.owner)]))];
    const nonPublicIds = [...parsed.filter((p) => !isPublic({ frontmatter: p.fm })).map((p) => p.id), ...brokenIds];
    for (const p of marked) problems.push(...redactionProblems(p.rel, p.raw, p.fm, { redact: config.value.redact, people, nonPublicIds }));
  }
  return { problems: sortProblems(problems), checked: files.length, markedPublic: marked.length };
}

async function diskFiles(dir: string): Promise<{ taxonomyText: string | null; policyText: string | null; files: LintFile[] }> {
  const read = (rel: string) => fs.readFile(path.join(dir, rel), "utf8").catch(() => null);
  const names = (await fs.readdir(path.join(dir, INCIDENTS_DIR)).catch(() => [] as string[])).filter((n) => n.endsWith(".mdx")).sort();
  const files: LintFile[] = [];
  for (const name of names) {
    const rel = `${INCIDENTS_DIR}/${name}`;
    const st = await fs.lstat(path.join(dir, rel));
    // Like the server, never follow a symbolic link out of the content directory.
    files.push(st.isFile() ? { rel, raw: await read(rel) } : { rel, raw: null, unreadable: "not a regular file" });
  }
  return { taxonomyText: await read(FACTORS_FILE), policyText: await read(KAIZEN_CONFIG_FILE), files };
}

async function committedFiles(dir: string): Promise<{ taxonomyText: string | null; policyText: string | null; files: LintFile[] }> {
  const repo = new ContentStore(dir).repo;
  const names = (await repo.listDir(INCIDENTS_DIR)).filter((n) => n.endsWith(".mdx"));
  const files: LintFile[] = [];
  for (const name of names) {
    const rel = `${INCIDENTS_DIR}/${name}`;
    const raw = await repo.readFile(rel).catch((err: unknown) => {
      files.push({ rel, raw: null, unreadable: (err as Error).message });
      return undefined;
    });
    if (raw !== undefined) files.push({ rel, raw });
  }
  return { taxonomyText: await repo.readFile(FACTORS_FILE), policyText: await repo.readFile(KAIZEN_CONFIG_FILE), files };
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
