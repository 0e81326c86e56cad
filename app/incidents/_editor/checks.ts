"use client";

import { formFromData, formToText, type EditorForm } from "@/lib/editor/form";
import { parseIncidentText } from "@/lib/content/incident-file";
import { splitDocument } from "@/lib/content/frontmatter";
import type { Taxonomy } from "@/lib/schema/taxonomy";
import { lintBlameless } from "@/lib/lint/blameless";
import type { Problem } from "@/lib/schema/problems";
import type { EditorHint } from "./side-panel";

function offsetOf(text: string, line: number, col: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return at + col - 1;
}

/** Blameless hints over every prose field, each pointing at the control that holds the phrase. */
export function blamelessHints(form: EditorForm): EditorHint[] {
  const out: EditorHint[] = [];
  const scan = (where: string, target: string, text: string) => {
    for (const h of lintBlameless(text, 1)) out.push({ ...h, where, target, start: offsetOf(text, h.line, h.col) });
  };
  scan("Summary", "ed-summary", form.summary);
  scan("Impact", "ed-impact", form.impact);
  form.timeline.forEach((r, i) => scan(`Timeline row ${i + 1}`, `ed-tl-${r.key}`, r.event));
  form.factors.forEach((f) => scan(`Factor note (${f.factor})`, `ed-factor-${f.factor}`, f.note));
  scan("Write-up", "ed-body", form.body);
  return out;
}

/** The form as checked: the text it saves as, what would refuse it, what is worth a look, and wording hints. */
export interface Checked {
  form: EditorForm;
  text: string;
  problems: Problem[];
  warnings: Problem[];
  hints: EditorHint[];
}

/** The same validation as a save (and `kaizen lint`), run in the browser. */
export function check(form: EditorForm, baseText: string | null, file: string, taxonomy: Taxonomy): Checked {
  const text = formToText(form, baseText);
  const r = parseIncidentText(file, text, taxonomy);
  return { form, text, problems: r.ok ? [] : r.problems, warnings: r.ok ? r.warnings : [], hints: blamelessHints(form) };
}

/** The form for a whole file's text (their version from a conflict, a restored draft); unreadable frontmatter → body only. */
export function formFromText(text: string): EditorForm {
  const split = splitDocument(text);
  return split.ok ? formFromData(split.doc.data, split.doc.body) : formFromData({}, text);
}
