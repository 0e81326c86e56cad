import matter from "gray-matter";
import type { Problem } from "../schema/problems";
import { FrontmatterError, parseYamlSafe, type ParsedYaml } from "./yaml";

export { FrontmatterError, parseYaml } from "./yaml";

function refuseEngine(lang: string) {
  return () => {
    throw new FrontmatterError(`frontmatter language "${lang}" is not allowed: Kaizen reads YAML frontmatter only`, 1, 1);
  };
}

/**
 * gray-matter's engines: YAML through the `yaml` package (parseYamlSafe), every other language refused. gray-matter's
 * own defaults are js-yaml for YAML and eval() for `---js`/`---javascript`; each name it knows, aliases included, is
 * replaced here so that neither is ever called. `onYaml` receives the parsed text (for positions).
 */
function matterOptions(onYaml: (parsed: ParsedYaml) => void) {
  return {
    engines: {
      yaml: (s: string) => {
        const parsed = parseYamlSafe(s);
        onYaml(parsed);
        return parsed.value as object;
      },
      js: refuseEngine("js"),
      javascript: refuseEngine("javascript"),
      coffee: refuseEngine("coffee"),
      cson: refuseEngine("cson"),
      json: refuseEngine("json"),
      toml: refuseEngine("toml"),
    },
    language: "yaml",
  };
}

export interface SplitDocument {
  data: unknown;
  /** The raw YAML between the delimiters. */
  yaml: string;
  body: string;
  /** 1-based line in the file where the YAML text starts (after the opening `---`). */
  yamlLine: number;
  /** 1-based line in the file where the body starts. */
  bodyLine: number;
  /** Where a frontmatter field stands in the file (1-based line and column), e.g. for ["countermeasures", 0, "due"]. */
  locate(path: readonly PropertyKey[]): { line: number; col: number };
  /** Where the key of a field's last segment stands in the file. */
  locateKey(path: readonly PropertyKey[]): { line: number; col: number };
}

export type SplitResult = { ok: true; doc: SplitDocument } | { ok: false; problem: Omit<Problem, "file"> };

/** Splits a document into YAML frontmatter and MDX body. Never evaluates anything. */
export function splitDocument(raw: string): SplitResult {
  const text = raw.replace(/^\uFEFF/, "");
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  if (!firstLine.startsWith("---")) {
    return { ok: false, problem: { line: 1, col: 1, field: "frontmatter", message: "missing frontmatter: the file must start with a line `---`", severity: "error" } };
  }
  const lang = firstLine.slice(3).trim();
  if (lang && lang !== "yaml" && lang !== "yml") {
    return { ok: false, problem: { line: 1, col: 4, field: "frontmatter", message: `frontmatter language "${lang}" is not allowed: Kaizen reads YAML frontmatter only`, severity: "error" } };
  }
  try {
    let yamlDoc: ParsedYaml | null = null;
    const parsed = matter(text, matterOptions((p) => (yamlDoc = p)));
    const yamlText = parsed.matter.replace(/^\r?\n/, "");
    const headerLines = text.slice(0, text.length - parsed.content.length).split(/\r?\n/).length;
    const data = parsed.data;
    if (!/\r?\n---\s*(\r?\n|$)/.test(text.slice(firstLine.length))) {
      return { ok: false, problem: { line: 1, col: 1, field: "frontmatter", message: "the frontmatter is not closed by a line `---`", severity: "error" } };
    }
    // gray-matter hands the engine the text from the end of the opening `---` line on, so its lines are file lines.
    const located = yamlDoc as ParsedYaml | null;
    const locate = (path: readonly PropertyKey[]) => located?.locate(path) ?? { line: 2, col: 1 };
    const locateKey = (path: readonly PropertyKey[]) => located?.locateKey(path) ?? { line: 2, col: 1 };
    return { ok: true, doc: { data: yamlText.trim() === "" ? {} : data, yaml: yamlText, body: parsed.content, yamlLine: 2, bodyLine: headerLines, locate, locateKey } };
  } catch (err) {
    if (err instanceof FrontmatterError) {
      return { ok: false, problem: { line: err.line, col: err.col, field: "frontmatter", message: err.message, severity: "error" } };
    }
    return { ok: false, problem: { line: 1, col: 1, field: "frontmatter", message: `could not read the frontmatter: ${(err as Error).message}`, severity: "error" } };
  }
}

/** A file cut where its frontmatter starts and ends: `open + yaml + close + body` is the file, byte for byte. */
export interface FrontmatterRegions {
  /** The opening `---` line with its line break (and a byte order mark before it, if any). */
  open: string;
  /** The YAML lines, each with its line break. */
  yaml: string;
  /** The closing `---` line with its line break. */
  close: string;
  body: string;
}

/** Cuts a file into its frontmatter regions (the closing line is the first later line starting with `---`, as in gray-matter); null without frontmatter. */
export function frontmatterRegions(raw: string): FrontmatterRegions | null {
  if (!raw.replace(/^\uFEFF/, "").startsWith("---")) return null;
  const lineEnd = (at: number) => {
    const nl = raw.indexOf("\n", at);
    return nl < 0 ? raw.length : nl + 1;
  };
  const yamlStart = lineEnd(0);
  let at = yamlStart;
  while (at < raw.length && !raw.startsWith("---", at)) at = lineEnd(at);
  if (at >= raw.length) return null;
  const closeEnd = lineEnd(at);
  return { open: raw.slice(0, yamlStart), yaml: raw.slice(yamlStart, at), close: raw.slice(at, closeEnd), body: raw.slice(closeEnd) };
}
