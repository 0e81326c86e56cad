import { checkMdx, type MdxProblem } from "../mdx/validate";
import { arrayOf, incidentSchema, recordOf, stringOf, type IncidentFrontmatter } from "../schema/incident";
import { ID_PATTERN } from "../schema/common";
import { fieldPath, type Problem } from "../schema/problems";
import type { Taxonomy } from "../schema/taxonomy";
import { splitDocument } from "./frontmatter";

export type ParsedIncident =
  | { ok: true; frontmatter: IncidentFrontmatter; body: string; bodyLine: number; warnings: Problem[] }
  | { ok: false; problems: Problem[] };

/**
 * Parses and validates one incident file: YAML frontmatter against the schema, factor ids against the taxonomy, and
 * the MDX body against the safety rules. Every problem names the file, line, column and field. The body is parsed on
 * this thread: the editor and the CLI use this; the server uses parseIncidentTextWith and a worker.
 */
export function parseIncidentText(
  file: string,
  raw: string,
  taxonomy: Taxonomy,
  checkBody: (body: string) => readonly MdxProblem[] = checkMdx,
): ParsedIncident {
  const head = parseHead(file, raw, taxonomy);
  return "result" in head ? head.result : finish(file, head, checkBody(head.body));
}

/** parseIncidentText with the body checked by `checkBody` (on the server: checkMdxOffThread). */
export async function parseIncidentTextWith(
  file: string,
  raw: string,
  taxonomy: Taxonomy,
  checkBody: (body: string) => Promise<readonly MdxProblem[]>,
): Promise<ParsedIncident> {
  const head = parseHead(file, raw, taxonomy);
  return "result" in head ? head.result : finish(file, head, await checkBody(head.body));
}

interface Head {
  fm: IncidentFrontmatter | undefined;
  body: string;
  bodyLine: number;
  problems: Problem[];
  warnings: Problem[];
}

function finish(file: string, head: Head, bodyProblems: readonly MdxProblem[]): ParsedIncident {
  const { fm, problems, warnings } = head;
  for (const p of bodyProblems) {
    problems.push({ file, line: p.line + head.bodyLine - 1, col: p.col, field: "body", message: p.message, severity: "error", ...(p.retry ? { retry: true as const } : {}) });
  }
  if (problems.length > 0 || !fm) return { ok: false, problems: problems.sort((a, b) => a.line - b.line || a.col - b.col) };
  return { ok: true, frontmatter: fm, body: head.body, bodyLine: head.bodyLine, warnings };
}

/** Everything but the body: the frontmatter and its cross-checks, or the final result when the file cannot be split. */
function parseHead(file: string, raw: string, taxonomy: Taxonomy): Head | { result: ParsedIncident } {
  const split = splitDocument(raw);
  if (!split.ok) return { result: { ok: false, problems: [{ file, ...split.problem }] } };
  const { doc } = split;
  const at = (path: readonly PropertyKey[]) => doc.locate(path);
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const parsed = incidentSchema.safeParse(doc.data ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const unknownKey = issue.code === "unrecognized_keys" ? (issue.keys[0] ?? "") : null;
      // An unknown field is fixed by renaming or removing its key, so point at the key rather than at its value.
      const loc = unknownKey === null ? at(issue.path) : doc.locateKey([...issue.path, unknownKey]);
      problems.push({ file, ...loc, field: fieldPath(issue.path), message: issue.message, severity: "error" });
    }
  }
  const fm = parsed.success ? parsed.data : undefined;
  // Factor ids are checked on the raw data, so an unknown factor shows with the other problems rather than after them.
  // Only well-formed ids are looked up: a malformed one already has its own message.
  const data = recordOf(doc.data);
  const factorId = (v: unknown) => {
    const id = stringOf(v);
    return id !== undefined && ID_PATTERN.test(id) ? id : undefined;
  };
  if (taxonomy.factors.length > 0) {
    const listed = new Set<string>();
    arrayOf(data.contributing_factors).map(recordOf).forEach((ref, i) => {
      const id = factorId(ref.factor);
      if (id === undefined) return;
      listed.add(id);
      const f = taxonomy.get(id);
      if (!f) {
        const hint = taxonomy.didYouMean(id);
        problems.push({
          file,
          ...at(["contributing_factors", i, "factor"]),
          field: `contributing_factors[${i}].factor`,
          message: `unknown factor "${id}"${hint.length ? ` (did you mean ${hint.map((h) => `"${h}"`).join(" or ")}?)` : ""}`,
          severity: "error",
        });
      } else if (f.merged_into) {
        warnings.push({
          file,
          ...at(["contributing_factors", i, "factor"]),
          field: `contributing_factors[${i}].factor`,
          message: `factor "${f.id}" was merged into "${taxonomy.canonicalId(f.id)}"; use the new id`,
          severity: "warning",
        });
      }
    });
    arrayOf(data.countermeasures).map(recordOf).forEach((cm, i) => {
      arrayOf(cm.addresses).forEach((v, j) => {
        const id = factorId(v);
        if (id === undefined) return;
        const where = { file, ...at(["countermeasures", i, "addresses", j]), field: `countermeasures[${i}].addresses[${j}]` };
        if (!taxonomy.get(id)) {
          const hint = taxonomy.didYouMean(id);
          problems.push({ ...where, message: `unknown factor "${id}"${hint.length ? ` (did you mean "${hint[0]}"?)` : ""}`, severity: "error" });
        } else if (!listed.has(id)) {
          warnings.push({ ...where, message: `"${id}" is not among this incident's contributing factors`, severity: "warning" });
        }
      });
    });
  }
  return { fm, body: doc.body, bodyLine: doc.bodyLine, problems, warnings };
}
