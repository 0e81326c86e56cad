import type { MdxProblem } from "./validate";

/**
 * Bounds on the shape of an MDX body, checked by a linear scan before the parser sees it. micromark's cost grows
 * faster than the input for deep nesting (emphasis, brackets, lists, quotes), for many delimiters in one paragraph and
 * for wide tables, and its tree walkers recurse per level: 20 KB of nested emphasis took 26 s and then overflowed the
 * stack. The caps are many times what real post-mortems use (the 242 imported public post-mortems and the sample
 * content: see `npx tsx scripts/mdx-shape.ts`), so only hostile or generated text ever meets them.
 */
export const MDX_LIMITS = {
  /**
   * Bytes of UTF-8 body text; the largest real post-mortem body is about 4 KB. Even within every other limit, parsing
   * costs up to tens of microseconds a byte, so this also bounds the worst case to about a second.
   */
  bytes: 64 * 1024,
  lineChars: 20_000,
  /** Open emphasis/strong/strikethrough delimiters at once, counting each `*`, `_` or `~` of a run. */
  emphasisDepth: 12,
  /** `*`, `_` and `~` delimiter runs in one paragraph (micromark matches closers against every earlier opener). */
  delimiterRuns: 1_000,
  /** `[` open at once (nested link text), and `(` open at once. */
  bracketDepth: 12,
  parenDepth: 16,
  /** `[`, `]`, `(` and `)` in one paragraph. */
  brackets: 2_000,
  listDepth: 12,
  quoteDepth: 12,
  jsxDepth: 16,
  tableColumns: 64,
  /** Table cells in the whole body: GFM tables cost tens of microseconds per cell. */
  tableCells: 5_000,
} as const;

/** The deepest and largest of each construct in one body: what the limits are checked against. */
export interface MdxShape {
  bytes: number;
  lines: number;
  lineChars: number;
  emphasisDepth: number;
  delimiterRuns: number;
  bracketDepth: number;
  parenDepth: number;
  brackets: number;
  listDepth: number;
  quoteDepth: number;
  jsxDepth: number;
  tableColumns: number;
  tableCells: number;
}

type Measure = Exclude<keyof MdxShape, "lines">;

const WHAT: Readonly<Record<Measure, (value: number, limit: number) => string>> = {
  bytes: (v, l) => `the body is ${kb(v)}; the limit is ${kb(l)}: split it, or link to long logs instead of pasting them`,
  lineChars: (v, l) => `this line is ${v} characters long; the limit is ${l}`,
  emphasisDepth: (_v, l) => `emphasis is nested more than ${l} deep (* _ ~ delimiters opened and not closed)`,
  delimiterRuns: (_v, l) => `this paragraph has more than ${l} emphasis delimiters (* _ ~): split it`,
  bracketDepth: (_v, l) => `[brackets] are nested more than ${l} deep`,
  parenDepth: (_v, l) => `(parentheses) are nested more than ${l} deep`,
  brackets: (_v, l) => `this paragraph has more than ${l} brackets and parentheses: split it`,
  listDepth: (_v, l) => `lists are nested more than ${l} deep`,
  quoteDepth: (_v, l) => `block quotes (>) are nested more than ${l} deep`,
  jsxDepth: (_v, l) => `components/HTML elements are nested more than ${l} deep`,
  tableColumns: (_v, l) => `this table row has more than ${l} columns`,
  tableCells: (_v, l) => `the tables have more than ${l} cells in all: split the document or link to the data`,
};

function kb(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}

const FENCE = /^(`{3,}|~{3,})/;
const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;
const BULLET_OR_BREAK = /^(?:[-*_][ \t]*){3,}$/; // a thematic break, not a list

interface Exceeded {
  line: number;
  col: number;
  measure: Measure;
  value: number;
}

/**
 * One pass over the body, line by line and character by character, with O(1) work per character (list and tag
 * stacks pop what they push). Stops at the first construct over its limit when `limits` is given.
 */
function scan(body: string, limits: typeof MDX_LIMITS | null): { shape: MdxShape; exceeded: Exceeded | null } {
  const shape: MdxShape = {
    bytes: utf8Length(body),
    lines: 0,
    lineChars: 0,
    emphasisDepth: 0,
    delimiterRuns: 0,
    bracketDepth: 0,
    parenDepth: 0,
    brackets: 0,
    listDepth: 0,
    quoteDepth: 0,
    jsxDepth: 0,
    tableColumns: 0,
    tableCells: 0,
  };
  let exceeded: Exceeded | null = null;
  const note = (measure: Measure, value: number, line: number, col: number): boolean => {
    if (value > shape[measure]) shape[measure] = value;
    if (limits && !exceeded && value > limits[measure]) exceeded = { line, col, measure, value };
    return exceeded !== null;
  };
  if (note("bytes", shape.bytes, 1, 1)) return { shape, exceeded };

  let fence: { char: string; length: number } | null = null;
  // Per paragraph (reset at blank lines and block boundaries).
  let emphasis = 0;
  let runs = 0;
  let bracket = 0;
  let paren = 0;
  let bracketCount = 0;
  // Content columns of the open list items.
  const lists: number[] = [];
  let jsx = 0;
  let tableCells = 0;

  const resetParagraph = () => {
    emphasis = 0;
    runs = 0;
    bracket = 0;
    paren = 0;
    bracketCount = 0;
  };

  let lineNo = 0;
  let start = 0;
  while (start <= body.length) {
    const nl = body.indexOf("\n", start);
    const end = nl === -1 ? body.length : nl;
    const text = body.charCodeAt(end - 1) === 13 ? body.slice(start, end - 1) : body.slice(start, end);
    start = end + 1;
    lineNo++;
    shape.lines = lineNo;
    if (note("lineChars", text.length, lineNo, 1)) break;

    // Container prefixes: `>` markers (spaces allowed between) and list markers, which may repeat on one line.
    let i = 0;
    let quotes = 0;
    for (;;) {
      while (text[i] === " " || text[i] === "\t") i++;
      if (text[i] !== ">") break;
      quotes++;
      i++;
    }
    if (note("quoteDepth", quotes, lineNo, i)) break;
    // Columns counted from after the last `>`, incrementally: markers on one line only move right.
    let colPos = quotes ? text.lastIndexOf(">", i) + 1 : 0;
    let col = 0;
    const indentOf = (at: number) => {
      for (; colPos < at; colPos++) col += text[colPos] === "\t" ? 4 - (col % 4) : 1;
      return col;
    };
    const rest = text.slice(i);

    if (fence) {
      const m = FENCE.exec(rest);
      if (m?.[1] && m[1][0] === fence.char && m[1].length >= fence.length && rest.slice(m[1].length).trim() === "") fence = null;
      continue;
    }
    const fenceOpen = FENCE.exec(rest);
    if (fenceOpen?.[1]) {
      fence = { char: fenceOpen[1][0] ?? "`", length: fenceOpen[1].length };
      resetParagraph();
      continue;
    }
    if (rest.trim() === "") {
      resetParagraph();
      continue;
    }

    // Lists: a marker at column c closes every item whose content starts right of c; text left of an item closes it.
    let at = i;
    let markers = 0;
    if (!BULLET_OR_BREAK.test(text.slice(at))) {
      for (;;) {
        const m = LIST_MARKER.exec(text.slice(at, at + 16));
        if (!m) break;
        const column = indentOf(at);
        while (lists.length > 0 && (lists[lists.length - 1] ?? 0) > column) lists.pop();
        lists.push(column + m[0].length);
        markers++;
        at += m[0].length;
        if (note("listDepth", lists.length, lineNo, at)) break;
      }
      if (exceeded) break;
    }
    if (markers > 0) resetParagraph();
    else {
      const column = indentOf(at);
      while (lists.length > 0 && (lists[lists.length - 1] ?? 0) > column) lists.pop();
    }

    // Inline constructs, outside code spans and escapes.
    let cells = 0;
    for (let k = at; k < text.length; k++) {
      const c = text[k];
      if (c === "\\") {
        k++;
        continue;
      }
      if (c === "`") {
        let n = 1;
        while (text[k + n] === "`") n++;
        const closing = findRun(text, "`", n, k + n);
        if (closing !== -1) {
          k = closing + n - 1;
          continue;
        }
        k += n - 1;
        continue;
      }
      if (c === "*" || c === "_" || c === "~") {
        let n = 1;
        while (text[k + n] === c) n++;
        const before = k === 0 ? " " : (text[k - 1] ?? " ");
        const after = text[k + n] ?? " ";
        const opens = !/\s/.test(after);
        const closes = !/\s/.test(before);
        runs++;
        if (opens && (!closes || emphasis === 0)) emphasis += n;
        else if (closes) emphasis = Math.max(0, emphasis - n);
        if (note("emphasisDepth", emphasis, lineNo, k + 1) || note("delimiterRuns", runs, lineNo, k + 1)) break;
        k += n - 1;
        continue;
      }
      if (c === "[" || c === "]" || c === "(" || c === ")") {
        bracketCount++;
        if (c === "[") bracket++;
        else if (c === "]") bracket = Math.max(0, bracket - 1);
        else if (c === "(") paren++;
        else paren = Math.max(0, paren - 1);
        if (note("bracketDepth", bracket, lineNo, k + 1) || note("parenDepth", paren, lineNo, k + 1) || note("brackets", bracketCount, lineNo, k + 1)) break;
        continue;
      }
      if (c === "|") {
        cells++;
        continue;
      }
      if (c === "<") {
        const next = text[k + 1] ?? "";
        if (next === "/") jsx = Math.max(0, jsx - 1);
        else if (/[A-Za-z]/.test(next)) {
          jsx++;
          if (note("jsxDepth", jsx, lineNo, k + 1)) break;
        }
        continue;
      }
      if (c === "/" && text[k + 1] === ">") jsx = Math.max(0, jsx - 1);
    }
    if (exceeded) break;

    if (cells > 0) {
      // Every line with a pipe may be a table row: one more cell than pipes, less the optional outer pipes.
      const row = text.trim();
      const columns = Math.max(1, cells + 1 - (row.startsWith("|") ? 1 : 0) - (row.length > 1 && row.endsWith("|") ? 1 : 0));
      tableCells += columns;
      if (note("tableColumns", columns, lineNo, 1) || note("tableCells", tableCells, lineNo, 1)) break;
    }
    if (nl === -1) break;
  }
  return { shape, exceeded };
}

/** UTF-8 size without Buffer, which the editor's preview (in the browser) does not have. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    // A surrogate half counts 2: a pair is one 4-byte character.
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

/** The next run of exactly `n` copies of `char` at or after `from` on this line, or -1. */
function findRun(text: string, char: string, n: number, from: number): number {
  let k = text.indexOf(char, from);
  while (k !== -1) {
    let m = 1;
    while (text[k + m] === char) m++;
    if (m === n) return k;
    k = text.indexOf(char, k + m);
  }
  return -1;
}

/** How deep and large each construct in this body gets; used to choose and to justify the limits. */
export function measureMdx(body: string): MdxShape {
  return scan(body, null).shape;
}

/** The first construct over its limit, as a located problem, or null. Linear in the body: safe on any input. */
export function checkMdxLimits(body: string, limits: typeof MDX_LIMITS = MDX_LIMITS): MdxProblem | null {
  const { exceeded } = scan(body, limits);
  if (!exceeded) return null;
  const e: Exceeded = exceeded;
  return { line: e.line, col: e.col, message: `too large to render safely: ${WHAT[e.measure](e.value, limits[e.measure])}` };
}
