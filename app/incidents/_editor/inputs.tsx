"use client";

import { useId, useState, type KeyboardEvent, type ReactNode } from "react";

/** Inline validation messages under a field (same text as `kaizen lint`). */
export function FieldErrors({ id, messages }: { id?: string; messages: readonly string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <div id={id} className="ed-field-errors" role="alert">
      {messages.map((m, i) => (
        <div key={i} className="field-error">
          {m}
        </div>
      ))}
    </div>
  );
}

/** A labelled field with its errors wired to the control through aria-describedby. */
export function Field({
  label,
  htmlFor,
  hint,
  errors,
  className,
  children,
}: {
  label: ReactNode;
  htmlFor: string;
  hint?: ReactNode;
  errors?: readonly string[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field ${errors?.length ? "ed-invalid" : ""} ${className ?? ""}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint && <div className="ed-hint">{hint}</div>}
      <FieldErrors id={`${htmlFor}-errors`} messages={errors} />
    </div>
  );
}

/**
 * A list of short values as removable chips plus a text box with suggestions from existing values (datalist).
 * Enter, comma or leaving the box adds what was typed; Backspace in an empty box removes the last chip.
 */
export function TagInput({
  id,
  label,
  values,
  onChange,
  options,
  placeholder,
  errors,
  hint,
}: {
  id: string;
  label: string;
  values: string[];
  onChange: (values: string[]) => void;
  options: readonly string[];
  placeholder?: string;
  errors?: readonly string[];
  hint?: ReactNode;
}) {
  const [draft, setDraft] = useState("");
  const listId = useId();
  const add = (raw: string) => {
    const parts = raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .filter((s) => !values.includes(s));
    if (parts.length) onChange([...values, ...parts]);
    setDraft("");
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" || e.key === ",") {
      e.preventDefault();
      add(draft);
    } else if (e.key === "Backspace" && draft === "" && values.length) {
      onChange(values.slice(0, -1));
    }
  };
  return (
    <Field label={label} htmlFor={id} errors={errors} hint={hint}>
      <div className="ed-tags">
        {values.map((v) => (
          <span key={v} className="ed-tag">
            {v}
            <button type="button" aria-label={`Remove ${v} from ${label.toLowerCase()}`} onClick={() => onChange(values.filter((x) => x !== v))}>
              ×
            </button>
          </span>
        ))}
        <input
          id={id}
          type="text"
          list={listId}
          value={draft}
          placeholder={values.length ? "" : placeholder}
          aria-describedby={errors?.length ? `${id}-errors` : undefined}
          onChange={(e) => {
            // Picking a datalist option replaces the whole value at once: take it as a chip right away.
            const v = e.target.value;
            if (options.includes(v) && !values.includes(v) && v.length - draft.length > 1) add(v);
            else setDraft(v);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => draft.trim() && add(draft)}
        />
      </div>
      <datalist id={listId}>
        {options
          .filter((o) => !values.includes(o))
          .slice(0, 200)
          .map((o) => (
            <option key={o} value={o} />
          ))}
      </datalist>
    </Field>
  );
}

/**
 * A labelled <select> over a fixed list of values (kind, severity, status, visibility, …): the chosen option is read
 * back as one of those values, anything else as `fallback`.
 */
export function ChoiceField<T extends string, F extends string = T>({
  label,
  id,
  value,
  choices,
  labels,
  fallback,
  empty,
  errors,
  hint,
  disabled,
  onChange,
}: {
  label: ReactNode;
  id: string;
  value: T | F;
  choices: readonly T[];
  labels?: Partial<Record<T, string>>;
  fallback: T | F;
  /** Label of a leading empty option (value ""), when "none" is a choice. */
  empty?: string;
  errors?: readonly string[];
  hint?: string;
  /** Choices offered but not selectable now (shown greyed, with the hint saying why). */
  disabled?: (choice: T) => boolean;
  onChange: (value: T | F) => void;
}) {
  return (
    <Field label={label} htmlFor={id} errors={errors} hint={hint}>
      <select id={id} value={value} onChange={(e) => onChange(choices.find((c) => c === e.target.value) ?? fallback)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {choices.map((c) => (
          <option key={c} value={c} disabled={disabled?.(c)}>
            {labels?.[c] ?? c}
          </option>
        ))}
      </select>
    </Field>
  );
}
