"use client";
import { useState } from "react";

/**
 * The "#" beside a section heading: a plain link to the section (works without JavaScript, can be copied from the
 * context menu) that also copies the section's full address on click and says so.
 */
export function SectionLink({ id, label }: { id: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <a
      className="section-link"
      href={`#${id}`}
      aria-label={`Copy link to section: ${label}`}
      title="Copy link to this section"
      onClick={() => {
        const url = new URL(`#${id}`, window.location.href).href;
        navigator.clipboard
          ?.writeText(url)
          .then(() => {
            setCopied(true);
            window.setTimeout(() => setCopied(false), 1600);
          })
          .catch(() => undefined);
      }}
    >
      <span aria-hidden="true">#</span>
      <span className="section-link__done" role="status">
        {copied ? "Link copied" : ""}
      </span>
    </a>
  );
}
