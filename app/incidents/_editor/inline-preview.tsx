"use client";

import { useMemo } from "react";
import { parseInline } from "@/lib/mdx/inline";
import { renderInline } from "@/lib/mdx/inline-render";

/**
 * How a frontmatter text field will read on the incident page, once it holds inline Markdown (`code`, *emphasis*,
 * links): the same parser and renderer as the page, so an unsafe link shows here as the plain text it becomes there.
 */
export function InlinePreview({ text, label }: { text: string; label: string }) {
  const marked = useMemo(() => parseInline(text).some((n) => n.kind !== "text"), [text]);
  if (!marked) return null;
  return (
    <div className="ed-inline-preview" role="group" aria-label={label}>
      <span className="ed-preview-label">Shown as</span> {renderInline(text)}
    </div>
  );
}
