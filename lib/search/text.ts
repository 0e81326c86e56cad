// MDX/markdown → plain searchable text. Not a parser: a few linear passes that keep every word a reader would see
// (headings, list items, link texts, code) and drop syntax, frontmatter, JSX tags and expressions.

const FRONTMATTER = /^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/;
const FENCE_LINE = /^[ \t]*(?:```|~~~).*$/gm;
const ESM_LINE = /^(?:import|export)\s.*$/gm;
const COMMENT_EXPR = /\{\/\*[\s\S]*?\*\/\}/g;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
const EXPRESSION = /\{[^{}\n]*\}/g;
const TAG = /<\/?[A-Za-z][\w.:-]*(?:\s+[^<>]*?)?\/?>/g;
const IMAGE = /!\[([^\]]*)\]\([^)]*\)/g;
const LINK = /\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)/g;
const REF_LINK = /\[([^\]]+)\]\[[^\]]*\]/g;
const LINK_DEF = /^[ \t]*\[[^\]]+\]:\s+\S+.*$/gm;
const HEADING = /^[ \t]*#{1,6}[ \t]+/gm;
const QUOTE = /^[ \t]*(?:>[ \t]?)+/gm;
const LIST = /^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm;
const RULE = /^[ \t]*(?:[-*_][ \t]*){3,}$/gm;
const TABLE_SEP = /^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$/gm;
// Emphasis markers only where they touch a word boundary, so snake_case identifiers keep their underscores.
const EMPHASIS = /(^|[^\w*~])(\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(\*{1,3}|_{1,3}|~~)(?=$|[^\w*~])/gm;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Plain text of an MDX or markdown body: words kept, syntax dropped, whitespace collapsed. */
export function stripMdx(source: string): string {
  let s = source.replace(FRONTMATTER, "");
  s = s
    .replace(FENCE_LINE, "")
    .replace(ESM_LINE, "")
    .replace(COMMENT_EXPR, " ")
    .replace(HTML_COMMENT, " ")
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
