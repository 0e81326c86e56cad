import matter from "gray-matter";
import yaml from "js-yaml";
import type { Problem } from "../schema/problems";
import { locateYamlPath } from "./yaml-locate";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function refuseEngine(lang: string) {
  return () => {
    throw new FrontmatterError(`frontmatter language "${lang}" is not allowed: Kaizen reads YAML frontmatter only`, 1, 1);
  };
}

export class FrontmatterError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

/** YAML without custom tags or timestamps (dates stay strings; schemas validate them), duplicate keys rejected. */
export function parseYaml(text: string): unknown {
  try {
    const value = yaml.load(text, { schema: yaml.CORE_SCHEMA, json: false });
    rejectPrototypeKeys(value, [], text);
    return value;
  } catch (err) {
    if (err instanceof FrontmatterError) throw err;
    if (err instanceof yaml.YAMLException) {
      const mark = err.mark as { line?: number; column?: number } | undefined;
      throw new FrontmatterError(`invalid YAML: ${err.reason}`, (mark?.line ?? 0) + 1, (mark?.column ?? 0) + 1);
    }
    throw err;
  }
}

function rejectPrototypeKeys(value: unknown, path: (string | number)[], text: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => rejectPrototypeKeys(v, [...path, i], text));
  } else if (value && typeof value === "object") {
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === "string" && FORBIDDEN_KEYS.has(key)) {
        const at = locateYamlPath(text, [...path, key]);
        throw new FrontmatterError(`key "${key}" is not allowed${path.length ? ` (in ${path.join(".")})` : ""}`, at.line, at.col);
      }
      rejectPrototypeKeys((value as Record<string, unknown>)[key as string], [...path, String(key)], text);
    }
  }
}

// gray-matter evaluates `---js` and `---javascript` frontmatter with eval(); both engines are replaced by ones that
// throw, and YAML goes through parseYaml above.
const matterOptions = {
  engines: {
    yaml: (s: string) => parseYaml(s) as object,
    js: refuseEngine("js"),
    javascript: refuseEngine("javascript"),
    coffee: refuseEngine("coffee"),
    json: refuseEngine("json"),
    toml: refuseEngine("toml"),
  },
  language: "yaml",
};

export interface SplitDocument {
  data: unknown;
  /** The raw YAML between the delimiters. */
  yaml: string;
  body: string;
  /** 1-based line in the file where the YAML text starts (after the opening `---`). */
  yamlLine: number;
  /** 1-based line in the file where the body starts. */
  bodyLine: number;
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
    const parsed = matter(text, matterOptions);
    const yamlText = parsed.matter.replace(/^\r?\n/, "");
    const headerLines = text.slice(0, text.length - parsed.content.length).split(/\r?\n/).length;
    const data = parsed.data;
    if (!/\r?\n---\s*(\r?\n|$)/.test(text.slice(firstLine.length))) {
      return { ok: false, problem: { line: 1, col: 1, field: "frontmatter", message: "the frontmatter is not closed by a line `---`", severity: "error" } };
    }
    return { ok: true, doc: { data: yamlText.trim() === "" ? {} : data, yaml: yamlText, body: parsed.content, yamlLine: 2, bodyLine: headerLines } };
  } catch (err) {
    if (err instanceof FrontmatterError) {
      // gray-matter hands the engine the text from the end of the opening `---` line on, so its lines are file lines.
      return { ok: false, problem: { line: err.line, col: err.col, field: "frontmatter", message: err.message, severity: "error" } };
    }
    return { ok: false, problem: { line: 1, col: 1, field: "frontmatter", message: `could not read the frontmatter: ${(err as Error).message}`, severity: "error" } };
  }
}
