import { renderInline } from "@/lib/mdx/inline-render";

/**
 * A frontmatter text field (summary, impact, a timeline event, a countermeasure title, a factor note) with its inline
 * Markdown rendered: code, emphasis, strong and safe links. `links={false}` inside another link.
 */
export function InlineText({ text, links = true }: { text: string; links?: boolean }) {
  return <>{renderInline(text, { links })}</>;
}
