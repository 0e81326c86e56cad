"use client";

import { useId } from "react";
import { nextCountermeasureId, rowKey, type CountermeasureRow, type EditorForm } from "@/lib/editor/form";
import type { Taxonomy } from "@/lib/schema/taxonomy";
import { COUNTERMEASURE_STATUSES, COUNTERMEASURE_TYPES } from "@/lib/schema/incident";
import { localDate } from "@/lib/knowledge/dates";
import { Field, FieldErrors } from "./inputs";
import { InlinePreview } from "./inline-preview";
import type { SetForm } from "./form-state";

const TYPE_LABELS = { prevent: "Prevent", detect: "Detect", mitigate: "Mitigate", process: "Process" } as const;
const STATUS_LABELS = { open: "Open", "in-progress": "In progress", done: "Done", "wont-do": "Won't do" } as const;

/** Countermeasure rows with an automatic id, owner and due date (flagged when missing), and the factors each addresses. */
export function CountermeasureEditor({
  form,
  setForm,
  taxonomy,
  people,
  errors,
  timeZone,
}: {
  form: EditorForm;
  setForm: SetForm;
  taxonomy: Taxonomy;
  people: readonly string[];
  errors: (f: string) => string[] | undefined;
  /** "Today" for a countermeasure marked done is the team's calendar day. */
  timeZone: string;
}) {
  const peopleList = useId();
  const update = (key: string, patch: Partial<CountermeasureRow>) =>
    setForm((f) => ({ ...f, countermeasures: f.countermeasures.map((c) => (c.key === key ? { ...c, ...patch } : c)) }));
  return (
    <div className="ed-cms">
      <datalist id={peopleList}>
        {people.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      {form.countermeasures.length === 0 && <p className="muted small ed-empty-note">What will make this less likely, or easier to detect and handle next time? Each countermeasure needs an owner and a due date.</p>}
      <ol className="ed-cm-list" aria-label="Countermeasure rows">
        {form.countermeasures.map((c, i) => {
          const e = (k: string) => errors(`countermeasures:${c.key}.${k}`);
          const missing = [!c.owner.trim() && "an owner", !c.due && "a due date"].filter(Boolean);
          const base = `ed-cm-${c.key}`;
          return (
            <li key={c.key} className="ed-cm" aria-label={`Countermeasure ${c.id || i + 1}`}>
              <div className="ed-cm__head">
                <span className="chip">{c.id || "—"}</span>
                {missing.length > 0 && <span className="badge badge--overdue">Needs {missing.join(" and ")}</span>}
                <span className="spacer" />
                <button
                  type="button"
                  className="ed-icon ed-icon--danger"
                  aria-label={`Remove countermeasure ${c.id || i + 1}`}
                  onClick={() => setForm((f) => ({ ...f, countermeasures: f.countermeasures.filter((x) => x.key !== c.key) }))}
                >
                  ×
                </button>
              </div>
              <div className="ed-cm__grid">
                <Field label="What will be done" htmlFor={`${base}-title`} errors={e("title")} className="ed-span-3">
                  <input id={`${base}-title`} type="text" value={c.title} onChange={(ev) => update(c.key, { title: ev.target.value })} placeholder="e.g. Give bulk requests their own connection pool" />
                  <InlinePreview text={c.title} label={`${c.id || "Countermeasure"} title as shown`} />
                </Field>
                <Field label="Type" htmlFor={`${base}-type`} errors={e("type")}>
                  <select id={`${base}-type`} value={c.type} onChange={(ev) => update(c.key, { type: COUNTERMEASURE_TYPES.find((t) => t === ev.target.value) ?? c.type })}>
                    {COUNTERMEASURE_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {TYPE_LABELS[t]}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Owner" htmlFor={`${base}-owner`} errors={e("owner")}>
                  <input id={`${base}-owner`} type="text" list={peopleList} value={c.owner} placeholder="e-mail or handle" onChange={(ev) => update(c.key, { owner: ev.target.value })} />
                </Field>
                <Field label="Due" htmlFor={`${base}-due`} errors={e("due")}>
                  <input id={`${base}-due`} type="date" value={c.due.slice(0, 10)} onChange={(ev) => update(c.key, { due: ev.target.value })} />
                </Field>
                <Field label="Status" htmlFor={`${base}-status`} errors={[...(e("status") ?? []), ...(e("done_at") ?? [])]}>
                  <select
                    id={`${base}-status`}
                    value={c.status}
                    onChange={(ev) => {
                      const status = COUNTERMEASURE_STATUSES.find((s) => s === ev.target.value) ?? c.status;
                      // done_at is only allowed with done: set it when marking done, drop it otherwise.
                      update(c.key, { status, done_at: status === "done" ? c.done_at || localDate(Date.now(), timeZone) : "" });
                    }}
                  >
                    {COUNTERMEASURE_STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {STATUS_LABELS[s]}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Ticket link" htmlFor={`${base}-ticket`} errors={e("ticket")} className="ed-span-2">
                  <input id={`${base}-ticket`} type="text" inputMode="url" value={c.ticket} placeholder="https://tracker.example/ABC-123" onChange={(ev) => update(c.key, { ticket: ev.target.value })} />
                </Field>
              </div>
              <fieldset className="ed-addresses">
                <legend>Addresses</legend>
                {form.factors.length === 0 ? (
                  <span className="muted small">Choose contributing factors above to link them here.</span>
                ) : (
                  <div className="checks">
                    {form.factors.map((f) => (
                      <label key={f.factor}>
                        <input
                          type="checkbox"
                          checked={c.addresses.includes(f.factor)}
                          onChange={(ev) => update(c.key, { addresses: ev.target.checked ? [...c.addresses, f.factor] : c.addresses.filter((a) => a !== f.factor) })}
                        />
                        {taxonomy.get(f.factor)?.name ?? f.factor}
                      </label>
                    ))}
                  </div>
                )}
                <FieldErrors messages={e("addresses")} />
              </fieldset>
              <FieldErrors messages={e("id")} />
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="btn btn--small"
        onClick={() =>
          setForm((f) => ({
            ...f,
            countermeasures: [
              ...f.countermeasures,
              { key: rowKey("c"), id: nextCountermeasureId(f.countermeasures), title: "", type: "prevent", owner: "", due: "", status: "open", done_at: "", ticket: "", addresses: [] },
            ],
          }))
        }
      >
        + Add countermeasure
      </button>
    </div>
  );
}
