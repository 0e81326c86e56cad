import GithubSlugger from "github-slugger";
import type { Element, ElementContent, Nodes as HastNodes, Properties, Root, RootContent } from "hast";
import { defaultSchema, sanitize, type Schema } from "hast-util-sanitize";
import type { Nodes as MdastNodes } from "mdast";
import { toHast, type State } from "mdast-util-to-hast";
import { ALLOWED_COMPONENTS, COMPONENT_ATTRIBUTES, SAFE_HTML_TAGS, isAllowedComponent, isSafeHtmlTag } from "./allowlist";
import { parseAndCheck, type MdxProblem } from "./validate";

export interface TocEntry {
  depth: number;
  text: string;
  id: string;
}

/** A body ready to render: sanitized, plain-JSON hast (no positions), its h2/h3 outline, or the problems that stopped it. */
export interface CompiledMdx {
  hast: Root;
  toc: TocEntry[];
  problems: MdxProblem[];
}

type JsxElement = Extract<MdastNodes, { type: "mdxJsxFlowElement" | "mdxJsxTextElement" }>;

const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"];
const defaultAttributes = defaultSchema.attributes ?? {};

// Extends GitHub's schema. Authors cannot set ids (the validator and the JSX handler below only pass listed
// attributes); ids come from the slugger and from GFM footnotes, so the clobber prefix is turned off to keep
// `#heading` links and the toc working, and `id`/`name` are allowed only where those two put them.
export const sanitizeSchema: Schema = {
  ...defaultSchema,
  tagNames: [...(defaultSchema.tagNames ?? []), ...Object.keys(SAFE_HTML_TAGS), ...ALLOWED_COMPONENTS],
  strip: [...(defaultSchema.strip ?? []), "style", "iframe", "object", "embed", "template", "textarea", "noscript", "svg", "math"],
  clobber: [],
  attributes: {
    ...defaultAttributes,
    "*": (defaultAttributes["*"] ?? []).filter((a) => a !== "id" && a !== "name"),
    ...Object.fromEntries(HEADINGS.map((h) => [h, [...(defaultAttributes[h] ?? []), "id"]])),
    a: [...(defaultAttributes.a ?? []), ["id", /^user-content-fnref-/]],
    li: [...(defaultAttributes.li ?? []), ["id", /^user-content-fn-/]],
    ...Object.fromEntries(Object.entries(SAFE_HTML_TAGS).map(([tag, attrs]) => [tag, [...(defaultAttributes[tag] ?? []), ...attrs]])),
    ...Object.fromEntries(ALLOWED_COMPONENTS.map((c) => [c, [...COMPONENT_ATTRIBUTES[c]]])),
  },
  protocols: { ...defaultSchema.protocols, href: ["http", "https", "mailto"], src: ["http", "https"] },
};

const EMPTY_ROOT: Root = { type: "root", children: [] };

/** Validates, then turns an MDX body into sanitized hast. Never evaluates the body; pure and synchronous. */
export function compileMdx(body: string): CompiledMdx {
  try {
    return compileChecked(body);
  } catch (err) {
    // The limits keep the parser and tree walkers shallow; should anything still throw (a stack overflow, a parser
    // bug), the body gets one problem, which is cached like any other result instead of failing every view.
    const reason = err instanceof Error ? err.message : String(err);
    return { hast: structuredClone(EMPTY_ROOT), toc: [], problems: [{ line: 1, col: 1, message: `could not be rendered: ${reason}` }] };
  }
}

function compileChecked(body: string): CompiledMdx {
  const { tree, problems } = parseAndCheck(body);
  if (!tree || problems.length > 0) return { hast: structuredClone(EMPTY_ROOT), toc: [], problems };

  const converted = toHast(tree, {
    handlers: {
      mdxJsxFlowElement: jsxElement,
      mdxJsxTextElement: jsxElement,
      // Refused by the validator; dropped here too rather than rendered as text or run.
      mdxjsEsm: () => undefined,
      mdxFlowExpression: () => undefined,
      mdxTextExpression: () => undefined,
    },
    unknownHandler: () => undefined,
  });
  const root: Root = converted.type === "root" ? converted : { type: "root", children: [converted as RootContent] };
  addHeadingIds(root);
  liftSummaries(root);

  // Defense in depth: validation passed, but the sanitizer decides what reaches the page.
  const clean = plain(sanitize(root, sanitizeSchema));
  const hast: Root = clean?.type === "root" ? clean : structuredClone(EMPTY_ROOT);
  return { hast, toc: tableOfContents(hast), problems: [] };
}

function jsxElement(state: State, node: JsxElement): ElementContent | ElementContent[] | undefined {
  const children = state.all(node);
  const name = node.name;
  if (name === null) return children; // fragment
  const allowed = isAllowedComponent(name) ? COMPONENT_ATTRIBUTES[name] : isSafeHtmlTag(name) ? SAFE_HTML_TAGS[name] : undefined;
  if (!allowed) return children;
  const properties: Properties = {};
  for (const attr of node.attributes) {
    if (attr.type !== "mdxJsxAttribute" || !allowed.includes(attr.name)) continue;
    if (typeof attr.value === "string") properties[attr.name] = attr.value;
    else if (attr.value === null || attr.value === undefined) properties[attr.name] = true;
  }
  const element: Element = { type: "element", tagName: name, properties, children };
  state.patch(node, element);
  return state.applyData(node, element);
}

function addHeadingIds(root: Root): void {
  const slugger = new GithubSlugger();
  slugger.slug("footnote-label"); // reserved by the GFM footnotes section
  walk(root, (el) => {
    if (!HEADINGS.includes(el.tagName) || el.properties.id !== undefined) return;
    const text = textOf(el).trim();
    if (text) el.properties.id = slugger.slug(text);
  });
}

/** `<summary>` on its own line parses as a paragraph holding it; `<p><summary>` is invalid HTML and breaks hydration. */
function liftSummaries(root: Root): void {
  walk(root, (el) => {
    el.children = el.children.map((child) => {
      if (child.type !== "element" || child.tagName !== "p") return child;
      const content = child.children.filter((c) => !(c.type === "text" && c.value.trim() === ""));
      const only = content[0];
      return content.length === 1 && only?.type === "element" && only.tagName === "summary" ? only : child;
    });
  });
}

function tableOfContents(root: Root): TocEntry[] {
  const toc: TocEntry[] = [];
  walk(root, (el) => {
    const depth = el.tagName === "h2" ? 2 : el.tagName === "h3" ? 3 : 0;
    const id = el.properties.id;
    const className = el.properties.className;
    // GFM's visually hidden "Footnotes" heading is not part of the outline.
    if (!depth || typeof id !== "string" || (Array.isArray(className) && className.includes("sr-only"))) return;
    toc.push({ depth, text: textOf(el).trim(), id });
  });
  return toc;
}

function walk(node: HastNodes, visit: (el: Element) => void): void {
  if (node.type === "element") visit(node);
  if ("children" in node) for (const child of node.children) walk(child, visit);
}

function textOf(node: HastNodes): string {
  if (node.type === "text") return node.value;
  if ("children" in node) return node.children.map(textOf).join("");
  return "";
}

/** A fresh tree of only root/element/text nodes without position or data, so it survives JSON and structuredClone. */
function plain(node: HastNodes): Root | ElementContent | undefined {
  switch (node.type) {
    case "root":
      return { type: "root", children: node.children.map(plain).filter(isContent) };
    case "element":
      return {
        type: "element",
        tagName: node.tagName,
        properties: Object.fromEntries(Object.entries(node.properties).filter(([, v]) => v !== undefined && v !== null)),
        children: node.children.map(plain).filter(isContent),
      };
    case "text":
      return { type: "text", value: node.value };
    default:
      return undefined; // comments, doctypes and raw HTML never reach the page
  }
}

function isContent(node: Root | ElementContent | undefined): node is ElementContent {
  return node !== undefined && node.type !== "root";
}
