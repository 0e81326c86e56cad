import { createProcessor } from "@mdx-js/mdx";
import type { Nodes, Root } from "mdast";
import remarkGfm from "remark-gfm";
import { visit } from "unist-util-visit";
import {
  ALLOWED_COMPONENTS,
  BLOCK_ONLY,
  CALLOUT_TYPES,
  COMPONENT_ATTRIBUTES,
  REQUIRED_ATTRIBUTES,
  SAFE_HTML_TAGS,
  URL_ATTRIBUTES,
  isAllowedComponent,
  isSafeHtmlTag,
} from "./allowlist";
import { checkMdxLimits } from "./limits";
import { isSafeUrl } from "./url";

/** One thing wrong with an MDX body; line and col are 1-based and relative to the body text. */
export interface MdxProblem {
  line: number;
  col: number;
  message: string;
  /** The check did not finish (time budget, a failed worker): it says nothing lasting about the body (see Problem). */
  retry?: true;
}

type JsxElement = Extract<Nodes, { type: "mdxJsxFlowElement" | "mdxJsxTextElement" }>;
type JsxAttribute = JsxElement["attributes"][number];
type Expression = Extract<Nodes, { type: "mdxFlowExpression" | "mdxTextExpression" }>;
interface Positioned {
  position?: { start: { line: number; column: number } } | undefined;
}

// Built once and reused. Only `parse` is ever called on it: nothing is compiled, so nothing can be run.
const processor = createProcessor({ format: "mdx", remarkPlugins: [remarkGfm] });

/** Parses an MDX body into mdast without evaluating anything; throws the parser's VFileMessage on a syntax error. */
export function parseMdx(body: string): Root {
  return processor.parse(body);
}

const COMPONENT_LIST = listTags(ALLOWED_COMPONENTS);
const HTML_LIST = listTags(Object.keys(SAFE_HTML_TAGS));

const HTML_HINTS: Readonly<Record<string, string>> = {
  img: "use markdown images ![alt](url), or <Figure src=\"…\" caption=\"…\" />",
  a: "use markdown links [text](url)",
  script: "documents run no code",
  style: "documents carry no styles",
  iframe: "link to the page instead: [text](url)",
  table: "use a markdown table",
  code: "use `code` or a fenced code block",
  pre: "use a fenced code block",
};

/** Every reason this body would not render safely; an empty list means it may be compiled. Pure: no I/O, no evaluation. */
export function checkMdx(body: string): MdxProblem[] {
  return parseAndCheck(body).problems;
}

/** checkMdx, also handing back the parsed tree (null on a syntax error) so compiling does not parse twice. */
export function parseAndCheck(body: string): { tree: Root | null; problems: MdxProblem[] } {
  // Before the parser: its cost and its recursion grow with nesting, so an over-deep body never reaches it.
  const tooLarge = checkMdxLimits(body);
  if (tooLarge) return { tree: null, problems: [tooLarge] };
  let tree: Root;
  try {
    tree = parseMdx(body);
  } catch (err) {
    return { tree: null, problems: [syntaxProblem(err)] };
  }
  const problems: MdxProblem[] = [];
  const report = (node: Positioned | undefined, fallback: Positioned, message: string) => {
    const start = node?.position?.start ?? fallback.position?.start;
    problems.push({ line: start?.line ?? 1, col: start?.column ?? 1, message });
  };

  visit(tree, (node) => {
    switch (node.type) {
      case "mdxjsEsm":
        report(node, node, `import/export is not allowed: documents run no code (${snippet(node.value)})`);
        break;
      case "mdxFlowExpression":
      case "mdxTextExpression":
        if (!isCommentOnly(node)) {
          report(
            node,
            node,
            `{expressions} are not allowed: documents run no code, so write the text itself (found {${snippet(node.value)}}; comments {/* … */} are fine)`,
          );
        }
        break;
      case "mdxJsxFlowElement":
      case "mdxJsxTextElement":
        checkElement(node, report);
        break;
      case "link":
      case "image":
      case "definition":
        if (!isSafeUrl(node.url)) {
          const what = node.type === "image" ? "image" : node.type === "link" ? "link" : "link definition";
          report(node, node, `unsafe URL ${quoteUrl(node.url)} in ${what}: only http:, https:, mailto: and relative URLs are allowed`);
        }
        break;
      case "html":
        // The MDX parser turns HTML into JSX, so this only appears if that changes; refuse it rather than guess.
        report(node, node, "raw HTML is not allowed: use markdown");
        break;
    }
  });

  return { tree, problems: problems.sort((a, b) => a.line - b.line || a.col - b.col) };
}

function checkElement(node: JsxElement, report: (at: Positioned | undefined, fallback: Positioned, message: string) => void): void {
  const name = node.name;
  if (name === null) return; // a fragment <>…</> renders only its children
  const tag = `<${name}>`;
  // null: the element itself is refused, so only the dangerous attributes are worth reporting too.
  let allowedAttributes: readonly string[] | null = null;

  if (/[.:]/.test(name)) {
    report(node, node, `${tag} is not allowed: only ${COMPONENT_LIST} are available`);
  } else if (isAllowedComponent(name)) {
    allowedAttributes = COMPONENT_ATTRIBUTES[name];
  } else if (/^[a-z][a-z0-9]*$/.test(name) && isSafeHtmlTag(name)) {
    allowedAttributes = SAFE_HTML_TAGS[name] ?? [];
  } else if (/^[a-z]/.test(name)) {
    const hint = HTML_HINTS[name.toLowerCase()];
    report(node, node, `${tag} is not allowed: ${hint ? `${hint}; ` : ""}the HTML elements available are ${HTML_LIST}`);
  } else {
    report(node, node, `unknown component ${tag}: only ${COMPONENT_LIST} are available`);
  }

  if (BLOCK_ONLY.has(name) && node.type === "mdxJsxTextElement") {
    report(node, node, `${tag} must start on its own line, with a blank line before it (it renders as a block)`);
  }

  const seen = new Set<string>();
  for (const attr of node.attributes) checkAttribute(attr, node, tag, allowedAttributes, seen, report);

  if (isAllowedComponent(name)) {
    for (const required of REQUIRED_ATTRIBUTES[name]) {
      if (!seen.has(required)) report(node, node, `${tag} needs a ${required}="…" attribute`);
    }
  }
}

function checkAttribute(
  attr: JsxAttribute,
  node: JsxElement,
  tag: string,
  allowed: readonly string[] | null,
  seen: Set<string>,
  report: (at: Positioned | undefined, fallback: Positioned, message: string) => void,
): void {
  if (attr.type === "mdxJsxExpressionAttribute") {
    report(attr, node, `spread attributes {${snippet(attr.value)}} are not allowed on ${tag}: write each attribute as name="text"`);
    return;
  }
  const name = attr.name;
  const lower = name.toLowerCase();
  seen.add(name);
  if (attr.value !== null && typeof attr.value === "object") {
    report(attr, node, `attribute expressions are not allowed: write ${name}="text" instead of ${name}={${snippet(attr.value.value)}}`);
    return;
  }
  if (/^on/.test(lower)) {
    report(attr, node, `event handler attribute "${name}" is not allowed: documents run no code`);
    return;
  }
  if (lower === "style") {
    report(attr, node, `style attributes are not allowed: documents carry no styles`);
    return;
  }
  const value = attr.value;
  if (URL_ATTRIBUTES.has(lower) && typeof value === "string" && !isSafeUrl(value)) {
    report(attr, node, `unsafe URL ${quoteUrl(value)} in ${name}: only http:, https:, mailto: and relative URLs are allowed`);
    return;
  }
  if (allowed === null) return;
  if (!allowed.includes(name)) {
    const supported = allowed.length ? ` (supported: ${allowed.join(", ")})` : ": it takes no attributes";
    report(attr, node, `attribute "${name}" is not supported on ${tag}${supported}`);
    return;
  }
  if (value === null || value === undefined) {
    if (name !== "open") report(attr, node, `attribute "${name}" needs a value: ${name}="…"`);
    return;
  }
  if (tag === "<Callout>" && name === "type" && !(CALLOUT_TYPES as readonly string[]).includes(value)) {
    report(attr, node, `<Callout> type "${value}" is not one of ${CALLOUT_TYPES.join(", ")}`);
  }
}

/** `{/* note *\/}` is how MDX spells a comment; it renders nothing, so it is not an expression worth refusing. */
function isCommentOnly(node: Expression): boolean {
  const program = node.data?.estree;
  return Boolean(program && program.body.length === 0 && node.value.trim() !== "");
}

function syntaxProblem(err: unknown): MdxProblem {
  if (err && typeof err === "object") {
    const e = err as { line?: unknown; column?: unknown; reason?: unknown; message?: unknown };
    const reason = typeof e.reason === "string" ? e.reason : typeof e.message === "string" ? e.message : String(err);
    // Some messages (an unclosed tag) carry no place, only "(5:1-5:10)" in the text.
    const inText = /\((\d+):(\d+)(?:-\d+:\d+)?\)/.exec(reason);
    const line = typeof e.line === "number" && e.line > 0 ? e.line : Number(inText?.[1] ?? 1);
    const col = typeof e.column === "number" && e.column > 0 ? e.column : Number(inText?.[2] ?? 1);
    return { line, col, message: `MDX syntax error: ${reason}` };
  }
  return { line: 1, col: 1, message: `MDX syntax error: ${String(err)}` };
}

function snippet(value: string): string {
  const oneLine = value.replace(/\s+/g, " ").trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
}

function quoteUrl(url: string): string {
  const shown = url.length > 60 ? `${url.slice(0, 57)}…` : url;
  return JSON.stringify(shown);
}

function listTags(names: readonly string[]): string {
  const tags = names.map((n) => `<${n}>`);
  return tags.length > 1 ? `${tags.slice(0, -1).join(", ")} and ${tags[tags.length - 1]}` : (tags[0] ?? "");
}
