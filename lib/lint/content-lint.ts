import { splitDocument } from "../content/frontmatter";
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
