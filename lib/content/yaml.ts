import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type ParsedNode, type Pair } from "yaml";

/** A YAML problem with the 1-based line and column of the text it was found in. */
export class FrontmatterError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

export type YamlPath = readonly PropertyKey[];
export interface Position {
  line: number;
  col: number;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

// The core schema has no timestamps (dates stay strings; the schemas validate them) and no custom tags;
// resolveKnownTags off also drops the YAML 1.1 extras (!!binary, !!set, !!omap, !!timestamp) it would still honour.
const PARSE_OPTIONS = { schema: "core", resolveKnownTags: false, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false } as const;

/** A parsed YAML text: its value, its syntax tree (for positions and edits) and where each field stands. */
export class ParsedYaml {
  constructor(
    readonly text: string,
    readonly doc: Document.Parsed,
    readonly value: unknown,
    private readonly lines: LineCounter,
  ) {}

  /** 1-based line and column of an offset in the text. */
  position(offset: number): Position {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /**
   * Where a field path (e.g. ["countermeasures", 2, "owner"]) stands: its value when that starts on the key's line
   * (that is what needs fixing), else its key; list items at their content. The deepest part found, never throws.
   */
  locate(path: YamlPath): Position {
    return this.position(this.walk(path).value);
  }

  /** The key of the last path segment (an unknown field is fixed by renaming or removing its key). */
  locateKey(path: YamlPath): Position {
    return this.position(this.walk(path).key);
  }

  private walk(path: YamlPath): { value: number; key: number } {
    let node: unknown = this.doc.contents;
    const start = rangeOf(node)?.[0] ?? 0;
    let at = { value: start, key: start };
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        const key = pair ? rangeOf(pair.key) : undefined;
        if (!pair || !key) break;
        const value = rangeOf(pair.value);
        const sameLine = value && value[1] > value[0] && !this.text.slice(key[0], value[0]).includes("\n");
        at = { value: sameLine ? value[0] : key[0], key: key[0] };
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg];
        const r = rangeOf(item);
        if (!r) break;
        at = { value: r[0], key: r[0] };
        node = item;
      } else break;
    }
    return at;
  }
}

function rangeOf(node: unknown): [number, number, number] | undefined {
  if (!node || typeof node !== "object" || !("range" in node)) return undefined;
  const r = (node as Node).range;
  return r ?? undefined;
}

/**
 * Parses YAML safely: core schema only (no custom tags, dates stay strings), duplicate keys, aliases and prototype
 * keys rejected with their position. Aliases are refused while the text is still a syntax tree, before anything is
 * expanded, so a "billion laughs" text fails in milliseconds (real post-mortems have no use for them).
 */
export function parseYamlSafe(source: string): ParsedYaml {
  // gray-matter cuts a CRLF file's YAML just before the closing `\n---`, leaving a lone `\r` that the yaml package
  // would read into the last value.
  const text = source.endsWith("\r") ? source.slice(0, -1) : source;
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter: lines });
  const fail = (message: string, offset: number): never => {
    const p = lines.linePos(offset);
    throw new FrontmatterError(message, p.line, p.col);
  };
  for (const e of [...doc.errors, ...doc.warnings]) {
    const offset = e.pos[0];
    if (e.code === "DUPLICATE_KEY") fail(`invalid YAML: duplicate key ${JSON.stringify(keyTextAt(text, offset))}`, offset);
    if (e.code === "TAG_RESOLVE_FAILED") fail(`invalid YAML: unknown tag ${e.message.replace(/^Unresolved tag:\s*/, "")} (Kaizen reads plain YAML, without tags)`, offset);
    fail(`invalid YAML: ${e.message}`, offset);
  }
  checkTree(doc.contents, [], fail);
  // maxAliasCount 0: even if a path above missed an alias, resolving one throws instead of expanding it.
  const value: unknown = doc.toJS({ maxAliasCount: 0 });
  return new ParsedYaml(text, doc, value, lines);
}

/** Parses YAML safely (see parseYamlSafe) and returns its value. */
export function parseYaml(text: string): unknown {
  return parseYamlSafe(text).value;
}

function keyTextAt(text: string, offset: number): string {
  return /^("[^"\n]*"|'[^'\n]*'|[^:\n]*?)\s*:/.exec(text.slice(offset))?.[1]?.replace(/^["']|["']$/g, "") ?? text.slice(offset, offset + 40);
}

function checkTree(node: unknown, path: (string | number)[], fail: (message: string, offset: number) => never): void {
  if (isAlias(node)) {
    fail(`YAML aliases (*${node.source}) are not allowed: write the value out in full`, node.range?.[0] ?? 0);
  } else if (isMap(node)) {
    for (const pair of node.items as Pair<ParsedNode | null, ParsedNode | null>[]) {
      checkTree(pair.key, path, fail);
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key !== null && FORBIDDEN_KEYS.has(key)) {
        fail(`key "${key}" is not allowed${path.length ? ` (in ${path.join(".")})` : ""}`, pair.key?.range[0] ?? 0);
      }
      checkTree(pair.value, [...path, key ?? "?"], fail);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => checkTree(item, [...path, i], fail));
  } else if (isPair(node)) {
    checkTree(node.key, path, fail);
    checkTree(node.value, path, fail);
  }
}

/** Options every YAML Kaizen writes is stringified with: no line folding (one line per value), double quotes. */
export const STRINGIFY_OPTIONS = { lineWidth: 0, flowCollectionPadding: false, minContentWidth: 0, defaultStringType: "PLAIN", defaultKeyType: "PLAIN", doubleQuotedAsJSON: false } as const;

/** Writes a value as block-style YAML (core schema: dates and times stay plain, strings that look like numbers are quoted). */
export function stringifyYaml(value: unknown, options: { indentSeq?: boolean } = {}): string {
  if (value === undefined) return "";
  return new Document(value, { schema: "core" }).toString({ ...STRINGIFY_OPTIONS, indentSeq: options.indentSeq ?? true });
}
