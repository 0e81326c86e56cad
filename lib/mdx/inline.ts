import { isSafeUrl } from "./url";

/**
 * Inline Markdown for the short text fields of the frontmatter (summary, impact, timeline events, countermeasure
 * titles, factor notes): `code`, *emphasis*, **strong** and [links](url), nothing else. Raw HTML stays text, images
 * show their alt text, and link URLs follow the body's rules (lib/mdx/url.ts). The parser is a single pass with
 * stacks (every character and every node is handled a bounded number of times), so no input makes it slow.
 */
export type InlineNode =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "em" | "strong"; children: InlineNode[] }
  | { kind: "link"; href: string; children: InlineNode[] };

/** Longer texts are shown as they are: a field this long is not a sentence, and the bound keeps every page cheap. */
export const MAX_INLINE_LENGTH = 20_000;
/** Longer link targets are not links (the body's longest real URLs are far shorter). */
const MAX_URL_LENGTH = 2_048;

const PUNCT = /[!-/:-@[-`{-~\p{P}\p{S}]/u;
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isPunct = (c: string | undefined) => c !== undefined && PUNCT.test(c);

interface Delim {
  type: "delim";
  ch: "*" | "_";
  /** The text node holding the delimiters not yet used. */
  node: { kind: "text"; text: string };
  /** Index of that node in the output list. */
  pos: number;
}
interface Bracket {
  type: "bracket";
  image: boolean;
  pos: number;
  /** Openers per delimiter char above the bracket before it (restored when the bracket closes). */
  saved: Record<"*" | "_", number>;
  /** Links made before this bracket opened: one made since means this bracket would nest a link in a link. */
  linksBefore: number;
}

/**
 * Where the code span opened by a backtick run ends: the start of the next run of the same length. Backslashes do not
 * escape inside code, so every run counts. Each length keeps a cursor that only moves forward, so all look-ups
 * together cost one pass over the text however many runs there are.
 */
function codeSpanFinder(text: string): (start: number, len: number) => number | undefined {
  const byLength = new Map<number, { starts: number[]; next: number }>();
  for (let i = 0; i < text.length; ) {
    if (text[i] !== "`") {
      i++;
      continue;
    }
    let j = i;
    while (text[j] === "`") j++;
    const entry = byLength.get(j - i) ?? { starts: [], next: 0 };
    entry.starts.push(i);
    byLength.set(j - i, entry);
    i = j;
  }
  return (start, len) => {
    const entry = byLength.get(len);
    if (!entry) return undefined;
    while (entry.next < entry.starts.length && entry.starts[entry.next]! <= start) entry.next++;
    return entry.starts[entry.next];
  };
}

/** Inline Markdown → a tree of nodes (text, code, em, strong, link). */
export function parseInline(input: string): InlineNode[] {
  if (input.length > MAX_INLINE_LENGTH) return [{ kind: "text", text: input }];
  const text = input;
  const codeEnd = codeSpanFinder(text);
  const nextStop = stopFinder(text);
  const out: InlineNode[] = [];
  const stack: (Delim | Bracket)[] = [];
  let counts: Record<"*" | "_", number> = { "*": 0, _: 0 };
  let links = 0;
  let buf = "";
  const flush = () => {
    if (buf) out.push({ kind: "text", text: buf });
    buf = "";
  };
  const popTo = (index: number) => {
    // Openers above `index` can no longer match: they stay as the text they are.
    while (stack.length > index + 1) {
      const top = stack.pop()!;
      if (top.type === "delim") counts[top.ch]--;
    }
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1]!)) {
      buf += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      let j = i;
      while (text[j] === "`") j++;
      const close = codeEnd(i, j - i);
      if (close !== undefined) {
        flush();
        let code = text.slice(j, close).replace(/\n/g, " ");
        if (code.length >= 2 && code.startsWith(" ") && code.endsWith(" ") && code.trim() !== "") code = code.slice(1, -1);
        out.push({ kind: "code", text: code });
        i = close + (j - i);
      } else {
        buf += text.slice(i, j);
        i = j;
      }
      continue;
    }
    if (c === "*" || c === "_") {
      let j = i;
      while (text[j] === c) j++;
      const before = text[i - 1];
      const after = text[j];
      const left = !isSpace(after) && (!isPunct(after) || isSpace(before) || isPunct(before));
      const right = !isSpace(before) && (!isPunct(before) || isSpace(after) || isPunct(after));
      const canOpen = c === "*" ? left : left && (!right || isPunct(before));
      const canClose = c === "*" ? right : right && (!left || isPunct(after));
      let n = j - i;
      flush();
      if (canClose) {
        while (n > 0 && counts[c] > 0) {
          let k = stack.length - 1;
          while (k >= 0) {
            const s = stack[k]!;
            if (s.type === "delim" && s.ch === c) break;
            k--;
          }
          popTo(k);
          const opener = stack[k] as Delim;
          const use = n >= 2 && opener.node.text.length >= 2 ? 2 : 1;
          const children = out.splice(opener.pos + 1);
          out.push({ kind: use === 2 ? "strong" : "em", children });
          opener.node.text = opener.node.text.slice(use);
          n -= use;
          if (opener.node.text === "") {
            stack.pop();
            counts[c]--;
          }
        }
      }
      if (n > 0) {
        const node = { kind: "text" as const, text: c.repeat(n) };
        out.push(node);
        if (canOpen) {
          stack.push({ type: "delim", ch: c, node, pos: out.length - 1 });
          counts[c]++;
        }
      }
      i = j;
      continue;
    }
    if (c === "[" || (c === "!" && text[i + 1] === "[")) {
      flush();
      const image = c === "!";
      out.push({ kind: "text", text: image ? "![" : "[" });
      stack.push({ type: "bracket", image, pos: out.length - 1, saved: counts, linksBefore: links });
      counts = { "*": 0, _: 0 };
      i += image ? 2 : 1;
      continue;
    }
    if (c === "]") {
      let k = stack.length - 1;
      while (k >= 0 && stack[k]!.type !== "bracket") k--;
      if (k < 0) {
        buf += c;
        i++;
        continue;
      }
      flush();
      popTo(k);
      const bracket = stack.pop() as Bracket;
      counts = bracket.saved;
      const target = text[i + 1] === "(" ? linkTarget(text, i + 2, nextStop) : null;
      if (!target) {
        out.push({ kind: "text", text: "]" });
        i++;
        continue;
      }
      const children = out.splice(bracket.pos + 1);
      out.pop(); // the "[" or "![" itself
      if (!bracket.image && links === bracket.linksBefore && isSafeUrl(target.url)) {
        out.push({ kind: "link", href: target.url, children });
        links++;
      } else {
        // An image shows its alt text; an unsafe or nested link shows its text without being a link.
        out.push(...children);
      }
      i = target.end;
      continue;
    }
    buf += c;
    i++;
  }
  flush();
  return compact(out);
}

/**
 * For each index, the next index holding `(`, `)` or whitespace (text.length if none): one backward pass, so reading
 * every link target together stays linear however many `](` the text has.
 */
function stopFinder(text: string): (from: number) => number {
  let stops: Int32Array | null = null;
  return (from) => {
    if (!stops) {
      stops = new Int32Array(text.length + 1);
      stops[text.length] = text.length;
      for (let j = text.length - 1; j >= 0; j--) stops[j] = text[j] === ")" || text[j] === "(" || /\s/.test(text[j]!) ? j : stops[j + 1]!;
    }
    return stops[from] ?? text.length;
  };
}

/** Parentheses a URL may hold, balanced (`wiki/Foo_(bar)`); more make it no link, which also bounds the work. */
const MAX_URL_PARENS = 4;

/** `(url)` starting after the `(`: the URL and the index after `)`, or null. No spaces, no titles, bounded length. */
function linkTarget(text: string, from: number, nextStop: (from: number) => number): { url: string; end: number } | null {
  let depth = 0;
  let at = from;
  for (let jumps = 0; jumps <= 2 * MAX_URL_PARENS; jumps++) {
    const stop = nextStop(at);
    if (stop - from > MAX_URL_LENGTH || stop >= text.length || /\s/.test(text[stop]!)) return null;
    if (text[stop] === "(") depth++;
    else if (depth === 0) return stop === from ? null : { url: text.slice(from, stop), end: stop + 1 };
    else depth--;
    at = stop + 1;
  }
  return null;
}

/** Deeper markup is shown flat: real text never nests more, and the bound keeps rendering's recursion shallow. */
const MAX_DEPTH = 6;

/** Adjacent text nodes joined, empty ones dropped (delimiters used up leave empty nodes behind), depth bounded. */
function compact(nodes: InlineNode[], depth = 0): InlineNode[] {
  const out: InlineNode[] = [];
  for (const n of flatBelow(nodes, depth)) {
    if (n.kind === "text") {
      if (!n.text) continue;
      const last = out[out.length - 1];
      if (last?.kind === "text") out[out.length - 1] = { kind: "text", text: last.text + n.text };
      else out.push({ kind: "text", text: n.text });
    } else if (n.kind === "em" || n.kind === "strong" || n.kind === "link") {
      out.push({ ...n, children: compact(n.children, depth + 1) });
    } else out.push(n);
  }
  return out;
}

function flatBelow(nodes: InlineNode[], depth: number): InlineNode[] {
  if (depth < MAX_DEPTH) return nodes;
  const out: InlineNode[] = [];
  const walk = (list: readonly InlineNode[]) => {
    for (const n of list) {
      if (n.kind === "text" || n.kind === "code") out.push(n);
      else walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

/** The plain text a reader sees (markers removed, link text kept): for tab titles, CSV, ICS, feeds and snippets. */
export function stripInline(input: string): string {
  return plainText(parseInline(input));
}

function plainText(nodes: readonly InlineNode[]): string {
  let s = "";
  for (const n of nodes) s += n.kind === "text" || n.kind === "code" ? n.text : plainText(n.children);
  return s;
}
