import { Document, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { parseYamlSafe, STRINGIFY_OPTIONS, stringifyYaml } from "./yaml";

export interface EditOptions {
  /** Scalars that count as unchanged (e.g. the same text but for surrounding white space). Default: identical. */
  sameScalar?: (base: unknown, target: unknown) => boolean;
  /** A key of the base that the target leaves out but that stays as written (e.g. an empty or default value). */
  keepAbsent?: (key: string, base: unknown) => boolean;
}

interface Edit {
  from: number;
  to: number;
  text: string;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

/** True when `base` already says what `target` says (keys the target leaves out only where keepAbsent allows). */
export function sameValue(base: unknown, target: unknown, options: EditOptions = {}): boolean {
  const sameScalar = options.sameScalar ?? Object.is;
  if (Array.isArray(base) || Array.isArray(target)) {
    return Array.isArray(base) && Array.isArray(target) && base.length === target.length && base.every((b, i) => sameValue(b, target[i], options));
  }
  if (isObject(base) || isObject(target)) {
    if (!isObject(base) || !isObject(target)) return false;
    for (const [k, v] of Object.entries(base)) {
      if (k in target ? !sameValue(v, target[k], options) : !options.keepAbsent?.(k, v)) return false;
    }
    return Object.keys(target).every((k) => k in base);
  }
  return sameScalar(base, target);
}

/** The value as YAML would hold it: undefined fields left out (as JSON.stringify does). */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)]));
  return value;
}

/** JSON with object keys sorted: a cheap identity for aligning list items. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/**
 * Rewrites YAML text so that it holds `target`, changing only the text of what changed: a changed value is rewritten
 * in place (its key, quoting style and trailing comment kept), removed keys and list items lose their lines, new ones
 * are inserted next to their neighbours. Every other line (comments, blank lines, layout) stays byte-for-byte.
 * When the layout is one this cannot edit safely, the whole text is written afresh from `target`.
 */
export function editYaml(source: string, target: unknown, options: EditOptions = {}): string {
  target = withoutUndefined(target);
  // New text takes the file's line breaks.
  const eol = (text: string) => (source.includes("\r\n") ? text.replace(/\r?\n/g, "\r\n") : text);
  const parsed = parseYamlSafe(source);
  const edits = new YamlEditor(source, parsed.doc, options).root(target);
  if (edits) {
    let out = source;
    // From the end, so earlier offsets stay valid; at one offset the removal goes before the insertion.
    for (const e of [...edits].sort((a, b) => b.from - a.from || b.to - a.to)) out = out.slice(0, e.from) + eol(e.text) + out.slice(e.to);
    try {
      if (sameValue(parseYamlSafe(out).value, target, options)) return out;
    } catch {
      // fall through to a fresh text
    }
  }
  return eol(stringifyYaml(target, { indentSeq: detectIndentSeq(parsed.doc.contents, source) }));
}

/** Whether the text indents a list under its key (`key:\n  - a`) or not (`key:\n- a`); YAML allows both. */
function detectIndentSeq(node: unknown, src: string): boolean {
  if (!isMap(node)) return true;
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    if (isSeq(value) && !value.flow && key?.range && value.range) {
      return column(src, value.range[0]) > column(src, key.range[0]);
    }
    if (isMap(value) && !value.flow) return detectIndentSeq(value, src);
  }
  return true;
}

const lineStart = (src: string, at: number) => src.lastIndexOf("\n", at - 1) + 1;
const column = (src: string, at: number) => at - lineStart(src, at);
function lineEndAfter(src: string, at: number): number {
  const nl = src.indexOf("\n", at);
  return nl < 0 ? src.length : nl + 1;
}
const indent = (text: string, spaces: number) => text.split("\n").map((l, i) => (i === 0 || l === "" ? l : " ".repeat(spaces) + l)).join("\n");

class YamlEditor {
  private readonly indentSeq: boolean;

  constructor(
    private readonly src: string,
    private readonly doc: Document.Parsed,
    private readonly options: EditOptions,
  ) {
    this.indentSeq = detectIndentSeq(doc.contents, src);
  }

  /** Edits for the whole document, or null when it must be written afresh. */
  root(target: unknown): Edit[] | null {
    const node = this.doc.contents;
    if (this.same(node, target)) return [];
    if (isMap(node) && !node.flow && isObject(target)) return this.map(node, target);
    if (node === null && isObject(target)) {
      // Nothing but comments (or nothing): the fields go after them.
      const text = stringifyYaml(target, { indentSeq: this.indentSeq });
      const sep = this.src === "" || this.src.endsWith("\n") ? "" : "\n";
      return [{ from: this.src.length, to: this.src.length, text: sep + text }];
    }
    return null;
  }

  private js(node: unknown): unknown {
    return node && typeof node === "object" && "toJS" in node ? (node as Node).toJS(this.doc) : node === null ? null : undefined;
  }

  private same(node: unknown, target: unknown): boolean {
    return sameValue(this.js(node), target, this.options);
  }

  /** Where a node's text ends, without the line breaks and blank lines YAML counts into block values. */
  private contentEnd(node: Node, floor: number): number {
    const r = node.range;
    if (!r) return floor;
    let end = r[1];
    while (end > Math.max(r[0], floor) && /\s/.test(this.src[end - 1] ?? "")) end--;
    return Math.max(end, floor);
  }

  private onOwnLine(at: number): boolean {
    return this.src.slice(lineStart(this.src, at), at).trim() === "";
  }

  /** The offset of the `-` that introduces a block list item, or null (flow lists have none). */
  private dashOf(item: Node): number | null {
    const r = item.range;
    if (!r) return null;
    let i = r[0] - 1;
    while (i >= 0 && (this.src[i] === " " || this.src[i] === "\t" || this.src[i] === "\n" || this.src[i] === "\r")) i--;
    return i >= 0 && this.src[i] === "-" && this.onOwnLine(i) ? i : null;
  }

  /** Renders `key: value` as one pair of a map, in the style of the value it replaces. */
  private renderPair(key: string, value: unknown, old: unknown): string {
    const doc = new Document({ [key]: value }, { schema: "core" });
    const pair = (doc.contents as YAMLMap).items[0];
    if (pair) restyle(pair.value, old, value);
    return doc.toString({ ...STRINGIFY_OPTIONS, indentSeq: this.indentSeq }).replace(/\n$/, "");
  }

  private renderItem(value: unknown, old: unknown): string {
    const doc = new Document([value], { schema: "core" });
    restyle((doc.contents as YAMLSeq).items[0], old, value);
    return doc.toString({ ...STRINGIFY_OPTIONS, indentSeq: this.indentSeq }).replace(/\n$/, "");
  }

  private map(node: YAMLMap, target: Obj): Edit[] | null {
    const edits: Edit[] = [];
    const pairs: { pair: Pair; key: string; keyAt: number; end: number }[] = [];
    for (const pair of node.items) {
      const k = pair.key as Node | null;
      const v = pair.value as Node | null;
      if (!isScalar(k) || !k.range || !v?.range) return null;
      pairs.push({ pair, key: String(k.value), keyAt: k.range[0], end: this.contentEnd(v, k.range[1]) });
    }
    const first = pairs[0];
    if (!first) return null;
    const col = column(this.src, first.keyAt);
    for (const { pair, key, keyAt, end } of pairs) {
      const value = pair.value as Node;
      if (!(key in target)) {
        if (this.options.keepAbsent?.(key, this.js(value))) continue;
        // The first key of a list item shares the dash's line: removing it would take the dash along.
        if (!this.onOwnLine(keyAt)) return null;
        edits.push({ from: lineStart(this.src, keyAt), to: lineEndAfter(this.src, end), text: "" });
        continue;
      }
      const want = target[key];
      if (this.same(value, want)) continue;
      const nested =
        isMap(value) && !value.flow && isObject(want) ? this.map(value, want) : isSeq(value) && !value.flow && Array.isArray(want) ? this.seq(value, want) : null;
      if (nested) edits.push(...nested);
      else edits.push({ from: keyAt, to: end, text: indent(this.renderPair(key, want, value), column(this.src, keyAt)) });
    }
    // New keys go after the nearest existing key that precedes them in the target's order.
    const present = new Map(pairs.map((p) => [p.key, p]));
    let anchor: (typeof pairs)[number] | null = null;
    let pending: string[] = [];
    const flush = (): boolean => {
      if (!pending.length) return true;
      const text = pending.map((k) => " ".repeat(col) + indent(this.renderPair(k, target[k], undefined), col)).join("\n") + "\n";
      if (anchor) {
        const at = lineEndAfter(this.src, anchor.end);
        edits.push({ from: at, to: at, text: at === this.src.length && !this.src.endsWith("\n") ? `\n${text}` : text });
      } else {
        if (!this.onOwnLine(first.keyAt)) return false;
        const at = lineStart(this.src, first.keyAt);
        edits.push({ from: at, to: at, text });
      }
      pending = [];
      return true;
    };
    for (const k of Object.keys(target)) {
      const p = present.get(k);
      if (p) {
        if (!flush()) return null;
        anchor = p;
      } else if (target[k] !== undefined) pending.push(k);
    }
    return flush() ? edits : null;
  }

  private seq(node: YAMLSeq, target: unknown[]): Edit[] | null {
    const items: { node: Node; dash: number; end: number }[] = [];
    for (const raw of node.items) {
      const item = raw as Node | null;
      const dash = item ? this.dashOf(item) : null;
      if (!item || dash === null) return null;
      items.push({ node: item, dash, end: this.contentEnd(item, dash + 1) });
    }
    const first = items[0];
    if (!first) return null;
    const col = column(this.src, first.dash);
    const olds = items.map((i) => canonical(this.js(i.node)));
    const news = target.map(canonical);
    const edits: Edit[] = [];

    // Longest common subsequence of unchanged items; what lies between two kept items is edited pairwise.
    const n = olds.length;
    const m = news.length;
    const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i]![j] = olds[i] === news[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    let gapOld: number[] = [];
    let gapNew: number[] = [];
    const gap = (before: number | null): void => {
      const pairs = Math.min(gapOld.length, gapNew.length);
      for (let k = 0; k < pairs; k++) {
        const it = items[gapOld[k]!]!;
        const want = target[gapNew[k]!];
        if (this.same(it.node, want)) continue;
        const nested = isMap(it.node) && !it.node.flow && isObject(want) ? this.map(it.node, want) : null;
        if (nested) edits.push(...nested);
        else edits.push({ from: it.dash, to: it.end, text: indent(this.renderItem(want, it.node), col) });
      }
      for (const k of gapOld.slice(pairs)) {
        const it = items[k]!;
        edits.push({ from: lineStart(this.src, it.dash), to: lineEndAfter(this.src, it.end), text: "" });
      }
      const added = gapNew.slice(pairs);
      if (added.length) {
        const text = added.map((k) => " ".repeat(col) + indent(this.renderItem(target[k], undefined), col)).join("\n") + "\n";
        const anchor = pairs > 0 ? gapOld[pairs - 1]! : before;
        if (anchor !== null) {
          const at = lineEndAfter(this.src, items[anchor]!.end);
          edits.push({ from: at, to: at, text: at === this.src.length && !this.src.endsWith("\n") ? `\n${text}` : text });
        } else {
          const at = lineStart(this.src, first.dash);
          edits.push({ from: at, to: at, text });
        }
      }
      gapOld = [];
      gapNew = [];
    };
    let lastKept: number | null = null;
    while (i < n || j < m) {
      if (i < n && j < m && olds[i] === news[j]) {
        gap(lastKept);
        lastKept = i;
        i++;
        j++;
      } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
        gapOld.push(i++);
      } else {
        gapNew.push(j++);
      }
    }
    gap(lastKept);
    return edits;
  }
}

/** Gives a freshly rendered value the look of the one it replaces: quoting or block style, flow collections. */
function restyle(node: unknown, old: unknown, value: unknown): void {
  if (isScalar(node) && isScalar(old) && typeof value === "string" && old.type) {
    const multiline = value.includes("\n");
    const block = old.type === "BLOCK_FOLDED" || old.type === "BLOCK_LITERAL";
    if (!multiline || block) node.type = old.type;
  } else if ((isSeq(node) || isMap(node)) && (isSeq(old) || isMap(old)) && old.flow) {
    node.flow = true;
  }
}
