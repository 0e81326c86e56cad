// MDX/markdown → plain searchable text. Not a parser: a few linear passes that keep every word a reader would see
// (headings, list items, link texts, code) and drop syntax, frontmatter, JSX tags and expressions.
//
// Linear on any text, closed or not: no quantifier may scan past the character that would start its next attempt
// (brackets stop at brackets, parentheses at parentheses, a line's pattern at its newline), no two adjacent
// quantifiers may share what they match, and comments are cut with indexOf, which stops at the first unclosed one.
// Each used to rescan to the end of the text from every unclosed `{/*`, `<!--`, `[`, `![`, `(` or `<a `, or split a
// run of spaces both ways: 80 KB of `[a](` took 2.9 s, 40 KB of `![` 3.5 s, 20 KB of spaces on one line 5 s.

const FRONTMATTER = /^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/;
const FENCE_LINE = /^[ \t]*(?:```|~~~).*$/gm;
const ESM_LINE = /^(?:import|export)\s.*$/gm;
const EXPRESSION = /\{[^{}\n]*\}/g;
const TAG = /<\/?[A-Za-z][\w.:-]*(?:\s[^<>]*)?\/?>/g;
const IMAGE = /!\[([^[\]]*)\]\([^()]*\)/g;
const LINK = /\[([^[\]]+)\]\((?:[^()]|\([^()]*\))*\)/g;
const REF_LINK = /\[([^[\]]+)\]\[[^[\]]*\]/g;
const LINK_DEF = /^[ \t]*\[[^[\]\n]+\]:\s+\S+.*$/gm;
const HEADING = /^[ \t]*#{1,6}[ \t]+/gm;
const QUOTE = /^[ \t]*(?:>[ \t]?)+/gm;
const LIST = /^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm;
const RULE = /^[ \t]*(?:[-*_][ \t]*){3,}$/gm;
const TABLE_SEP = /^[ \t]*(?:\|[ \t]*)?:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*(?:\|[ \t]*)?$/gm;
// Emphasis markers only where they touch a word boundary, so snake_case identifiers keep their underscores.
const EMPHASIS = /(^|[^\w*~])(\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(\*{1,3}|_{1,3}|~~)(?=$|[^\w*~])/gm;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Plain text of an MDX or markdown body: words kept, syntax dropped, whitespace collapsed. */
export function stripMdx(source: string): string {
  let s = source.replace(FRONTMATTER, "");
  s = cutBetween(cutBetween(s.replace(FENCE_LINE, "").replace(ESM_LINE, ""), "{/*", "*/}"), "<!--", "-->")
    .replace(EXPRESSION, " ")
    .replace(TAG, " ")
    .replace(IMAGE, "$1")
    .replace(LINK, "$1")
    .replace(REF_LINK, "$1")
    .replace(LINK_DEF, "")
    .replace(TABLE_SEP, "")
    .replace(HEADING, "")
    .replace(QUOTE, "")
    .replace(RULE, "")
    .replace(LIST, "")
    .replace(EMPHASIS, (_m, pre: string | undefined) => pre ?? "")
    .replace(/`+/g, "")
    .replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, "$1")
    .replace(/\|/g, " ")
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_m, e: string) => ENTITIES[e] ?? " ");
  return s.replace(/[ \t\r\n\f\v\u00a0]+/g, " ").trim();
}

/** Replaces each `open … close` (shortest, left to right) with a space; text from an unclosed `open` on is kept. */
function cutBetween(text: string, open: string, close: string): string {
  let out = "";
  let from = 0;
  for (;;) {
    const start = text.indexOf(open, from);
    if (start === -1) break;
    const end = text.indexOf(close, start + open.length);
    // No close after this open means none after any later one either: stop instead of searching again.
    if (end === -1) break;
    out += `${text.slice(from, start)} `;
    from = end + close.length;
  }
  return out + text.slice(from);
}
