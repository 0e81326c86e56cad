import { Fragment, type ReactNode } from "react";
import { parseInline, type InlineNode } from "./inline";
import { isExternalUrl } from "./url";

function render(nodes: readonly InlineNode[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.kind) {
      case "text":
        return <Fragment key={i}>{n.text}</Fragment>;
      case "code":
        return (
          <code key={i} className="inline-code">
            {n.text}
          </code>
        );
      case "em":
        return <em key={i}>{render(n.children)}</em>;
      case "strong":
        return <strong key={i}>{render(n.children)}</strong>;
      case "link":
        return (
          <a key={i} href={n.href} rel={isExternalUrl(n.href) ? "noopener noreferrer" : undefined}>
            {render(n.children)}
          </a>
        );
    }
  });
}

function unlinked(nodes: readonly InlineNode[]): InlineNode[] {
  return nodes.flatMap((n): InlineNode[] => (n.kind === "link" ? unlinked(n.children) : n.kind === "em" || n.kind === "strong" ? [{ ...n, children: unlinked(n.children) }] : [n]));
}

/**
 * React elements for a frontmatter text field with inline Markdown (see parseInline): built from nodes, never HTML
 * from the text. `links: false` inside another link, where a nested anchor is not allowed. Used by the app
 * (app/_components/inline-text.tsx) and the exported static site alike.
 */
export function renderInline(text: string, options: { links?: boolean } = {}): ReactNode[] {
  const nodes = parseInline(text);
  return render(options.links === false ? unlinked(nodes) : nodes);
}
