"use client";

import type { EditorForm } from "@/lib/editor/form";

/** How every part of the editor changes the form: a function of the current form (never a stale copy). */
export type SetForm = (fn: (f: EditorForm) => EditorForm) => void;

/** Where the errors of one form field are looked up (`title`, `timeline:<rowKey>.at`, …). */
export type FieldErrorsOf = (field: string) => string[] | undefined;

/** One change handler for every top-level field: `setField("title")(value)`. */
export function fieldSetter(setForm: SetForm) {
  return <K extends keyof EditorForm>(key: K) =>
    (value: EditorForm[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
}

export type FieldSetter = ReturnType<typeof fieldSetter>;
