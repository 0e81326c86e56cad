/** The components an MDX body may use, by JSX name. Anything else capitalized is an error. */
export const ALLOWED_COMPONENTS = ["Callout", "Metric", "Figure", "Internal"] as const;
export type AllowedComponent = (typeof ALLOWED_COMPONENTS)[number];

export const CALLOUT_TYPES = ["info", "warning", "danger", "success"] as const;
export type CalloutType = (typeof CALLOUT_TYPES)[number];

/** String attributes each component accepts; these are also the only properties the sanitizer lets through. */
export const COMPONENT_ATTRIBUTES: Record<AllowedComponent, readonly string[]> = {
  Callout: ["type", "title"],
  Metric: ["label", "value", "note"],
  Figure: ["src", "alt", "caption"],
  Internal: [],
};

export const REQUIRED_ATTRIBUTES: Record<AllowedComponent, readonly string[]> = {
  Callout: [],
  Metric: ["label", "value"],
  Figure: ["src"],
  Internal: [],
};

/** Lowercase elements an author may write inline, with the attributes each may carry. Everything else has a markdown form. */
export const SAFE_HTML_TAGS: Readonly<Record<string, readonly string[]>> = {
  br: [],
  kbd: [],
  sub: [],
  sup: [],
  abbr: ["title"],
  details: ["open"],
  summary: [],
  mark: [],
  small: [],
  u: [],
  s: [],
  del: [],
  ins: [],
};

/** Rendered as block elements (`<aside>`, `<figure>`, `<details>`), which are invalid inside a `<p>` and break hydration. */
// Internal is block-only too, so what the public version removes is always whole blocks, never half a sentence.
export const BLOCK_ONLY = new Set<string>(["Callout", "Figure", "Internal", "details"]);

/** The component whose content exists only in the internal version (removed from public versions, see lib/publish). */
export const INTERNAL_COMPONENT = "Internal" satisfies AllowedComponent;

/** Attribute names (lowercased) whose value a browser may load or navigate to. */
export const URL_ATTRIBUTES = new Set<string>([
  "href",
  "src",
  "srcset",
  "cite",
  "action",
  "formaction",
  "poster",
  "background",
  "longdesc",
  "data",
  "codebase",
  "ping",
  "xlinkhref",
  "xlink:href",
]);

export function isAllowedComponent(name: string): name is AllowedComponent {
  return (ALLOWED_COMPONENTS as readonly string[]).includes(name);
}

export function isSafeHtmlTag(name: string): boolean {
  return Object.hasOwn(SAFE_HTML_TAGS, name);
}
