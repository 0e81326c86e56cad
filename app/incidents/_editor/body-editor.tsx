"use client";

import { useEffect, useState, type RefObject } from "react";
import { compileMdx, type CompiledMdx } from "@/lib/mdx/compile";
import { MdxContent } from "@/lib/mdx/render";

interface Edit {
  /** Text before and after the selection; `placeholder` is used when nothing is selected. */
  before: string;
  after: string;
  placeholder: string;
  /** Put `before` at the start of the line(s) instead of around the selection. */
  linePrefix?: boolean;
  /** Start on a fresh line. */
  block?: boolean;
}

const TOOLS: { label: string; title: string; edit: Edit }[] = [
  { label: "H", title: "Heading", edit: { before: "## ", after: "", placeholder: "Heading", linePrefix: true } },
  { label: "B", title: "Bold", edit: { before: "**", after: "**", placeholder: "bold text" } },
  { label: "•", title: "Bulleted list", edit: { before: "- ", after: "", placeholder: "item", linePrefix: true } },
  { label: "Link", title: "Link", edit: { before: "[", after: "](https://)", placeholder: "link text" } },
  { label: "</>", title: "Code block", edit: { before: "```\n", after: "\n```\n", placeholder: "code or log lines", block: true } },
  { label: "Callout", title: "Callout", edit: { before: '<Callout type="info" title="Note">\n', after: "\n</Callout>\n", placeholder: "Something a reader should not miss.", block: true } },
];

function applyEdit(value: string, start: number, end: number, edit: Edit): { value: string; selStart: number; selEnd: number } {
  const selected = value.slice(start, end) || edit.placeholder;
  if (edit.linePrefix) {
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    const block = value.slice(lineStart, end) || edit.placeholder;
    const prefixed = block
      .split("\n")
      .map((l) => (l.startsWith(edit.before) ? l : `${edit.before}${l}`))
      .join("\n");
    return { value: value.slice(0, lineStart) + prefixed + value.slice(Math.max(end, lineStart)), selStart: lineStart, selEnd: lineStart + prefixed.length };
  }
  const lead = edit.block && start > 0 && value[start - 1] !== "\n" ? "\n\n" : "";
  const insert = `${lead}${edit.before}${selected}${edit.after}`;
  const selStart = start + lead.length + edit.before.length;
  return { value: value.slice(0, start) + insert + value.slice(end), selStart, selEnd: selStart + selected.length };
}

/** The MDX body: a textarea with a small toolbar and a live preview through the same safe compiler and renderer as the incident page. */
export function BodyEditor({ value, onChange, textareaRef }: { value: string; onChange: (v: string) => void; textareaRef: RefObject<HTMLTextAreaElement | null> }) {
  const [compiled, setCompiled] = useState<CompiledMdx>(() => compileMdx(value));
  const [showPreview, setShowPreview] = useState(true);

  useEffect(() => {
    // A body with problems keeps showing the last preview that compiled, with the problems listed under the text.
    const t = setTimeout(() => {
      const next = compileMdx(value);
      setCompiled((prev) => (next.problems.length ? { ...prev, problems: next.problems } : next));
    }, 300);
    return () => clearTimeout(t);
  }, [value]);

  const run = (edit: Edit) => {
    const ta = textareaRef.current;
    if (!ta) return;
    const r = applyEdit(value, ta.selectionStart, ta.selectionEnd, edit);
    onChange(r.value);
    requestAnimationFrame(() => {
      ta.focus();
      ta.setSelectionRange(r.selStart, r.selEnd);
    });
  };

  return (
    <div className={`ed-body ${showPreview ? "ed-body--split" : ""}`}>
      <div className="ed-body__write">
        <div className="ed-toolbar" role="toolbar" aria-label="Formatting">
          {TOOLS.map((t) => (
            <button key={t.title} type="button" className="ed-tool" title={t.title} aria-label={t.title} onClick={() => run(t.edit)}>
              {t.label}
            </button>
          ))}
          <span className="spacer" />
          <button type="button" className="ed-tool ed-tool--text" aria-pressed={showPreview} onClick={() => setShowPreview((s) => !s)}>
            {showPreview ? "Hide preview" : "Show preview"}
          </button>
        </div>
        <label htmlFor="ed-body" className="visually-hidden">
          Post-mortem text (MDX)
        </label>
        <textarea
          id="ed-body"
          ref={textareaRef}
          className="ed-body__textarea"
          spellCheck
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={compiled.problems.length ? "ed-body-problems" : undefined}
        />
        {compiled.problems.length > 0 && (
          <ul id="ed-body-problems" className="ed-body__problems" aria-label="Problems in the text">
            {compiled.problems.map((p, i) => (
              <li key={i}>
                <button
                  type="button"
                  className="ed-linkish"
                  onClick={() => {
                    const ta = textareaRef.current;
                    if (!ta) return;
                    const lines = value.split("\n");
                    const at = lines.slice(0, p.line - 1).reduce((n, l) => n + l.length + 1, 0) + Math.max(0, p.col - 1);
                    ta.focus();
                    ta.setSelectionRange(at, at);
                  }}
                >
                  Line {p.line}:{p.col}
                </button>{" "}
                {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      {showPreview && (
        <section className="ed-body__preview" aria-label="Preview" tabIndex={0}>
          <div className="ed-preview-label">Preview</div>
          {compiled.problems.length > 0 && <p className="muted small">Showing the last version without problems.</p>}
          <div className="prose">
            <MdxContent hast={compiled.hast} />
          </div>
        </section>
      )}
    </div>
  );
}
