"use client";

import { useState } from "react";
import { KEY_TIME_FIELDS, KEY_TIME_SOURCE, fromTimeInput, keyTimesFromTimeline, rowKey, sortedTimeline, toTimeInput, type EditorForm, type KeyTimeField, type TimelineRow } from "@/lib/editor/form";
import { inputZoneLabel, toLocalDate } from "@/lib/knowledge/dates";
import { parseTimelinePaste, type UnreadLine } from "@/lib/editor/timeline-paste";
import { TIMELINE_KINDS, type TimelineKind } from "@/lib/schema/incident";
import { Field, FieldErrors } from "./inputs";
import { InlinePreview } from "./inline-preview";
import type { SetForm } from "./form-state";

const KEY_LABELS: Record<KeyTimeField, string> = { started_at: "Started", detected_at: "Detected", mitigated_at: "Mitigated", resolved_at: "Resolved" };
const KIND_LABELS: Record<TimelineKind, string> = { trigger: "Trigger", detection: "Detection", response: "Response", mitigation: "Mitigation", resolution: "Resolution", note: "Note" };

/** The four key times (shown and typed in the team's zone), each fillable from the first timeline row of the matching kind. */
export function KeyTimes({ form, setForm, errors, timeZone }: { form: EditorForm; setForm: SetForm; errors: (f: string) => string[] | undefined; timeZone: string }) {
  const zone = inputZoneLabel(timeZone);
  const fromTimeline = keyTimesFromTimeline(form.timeline);
  const fillable = KEY_TIME_FIELDS.filter((k) => fromTimeline[k] && fromTimeline[k] !== form[k]);
  return (
    <div className="ed-keytimes">
      <div className="ed-keytimes__grid">
        {KEY_TIME_FIELDS.map((k) => (
          <Field
            key={k}
            label={
              <>
                {KEY_LABELS[k]} <span className="ed-utc">{zone}</span>
              </>
            }
            htmlFor={`ed-${k}`}
            errors={errors(k)}
          >
            <div className="ed-inline">
              <input
                id={`ed-${k}`}
                type="datetime-local"
                value={toTimeInput(form[k], timeZone)}
                aria-describedby={errors(k) ? `ed-${k}-errors` : undefined}
                onChange={(e) => {
                  const v = fromTimeInput(e.target.value, timeZone);
                  setForm((f) => ({ ...f, [k]: v }));
                }}
              />
              {fromTimeline[k] && fromTimeline[k] !== form[k] && (
                <button
                  type="button"
                  className="btn btn--small ed-ghost"
                  title={`Use the first ${KEY_TIME_SOURCE[k]} row of the timeline`}
                  aria-label={`Take ${KEY_LABELS[k].toLowerCase()} time from the first ${KEY_TIME_SOURCE[k]} row`}
                  onClick={() => setForm((f) => ({ ...f, [k]: fromTimeline[k] ?? f[k] }))}
                >
                  From timeline
                </button>
              )}
            </div>
          </Field>
        ))}
      </div>
      {fillable.length > 1 && (
        <button type="button" className="btn btn--small" onClick={() => setForm((f) => ({ ...f, ...keyTimesFromTimeline(f.timeline) }))}>
          Take all key times from the timeline
        </button>
      )}
    </div>
  );
}

/** Rows of the timeline: add, edit, remove, reorder, sort, and paste lines from a chat log. */
export function TimelineEditor({ form, setForm, errors, timeZone }: { form: EditorForm; setForm: SetForm; errors: (f: string) => string[] | undefined; timeZone: string }) {
  const zone = inputZoneLabel(timeZone);
  const rows = form.timeline;
  const setRows = (fn: (rows: TimelineRow[]) => TimelineRow[]) => setForm((f) => ({ ...f, timeline: fn(f.timeline) }));
  const update = (key: string, patch: Partial<TimelineRow>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const move = (i: number, d: -1 | 1) =>
    setRows((rs) => {
      const out = [...rs];
      const a = out[i];
      const b = out[i + d];
      if (!a || !b) return rs;
      out[i] = b;
      out[i + d] = a;
      return out;
    });
  const sorted = sortedTimeline(rows);
  const inOrder = sorted.every((r, i) => r === rows[i]);
  const lastAt = rows[rows.length - 1]?.at ?? form.started_at;

  return (
    <div className="ed-timeline">
      {rows.length === 0 ? (
        <p className="muted small ed-empty-note">No events yet. Add them one by one, or paste lines from your incident channel below.</p>
      ) : (
        <ol className="ed-tl-list" aria-label="Timeline rows">
          {rows.map((r, i) => {
            const atErr = errors(`timeline:${r.key}.at`);
            const evErr = errors(`timeline:${r.key}.event`);
            const kindErr = errors(`timeline:${r.key}.kind`);
            const n = i + 1;
            return (
              <li key={r.key} className={`ed-tl-row ${atErr || evErr ? "ed-invalid" : ""}`}>
                <span className={`ed-tl-dot k-${r.kind || "note"}`} aria-hidden="true" />
                <input
                  type="datetime-local"
                  aria-label={`Row ${n} time (${zone})`}
                  value={toTimeInput(r.at, timeZone)}
                  onChange={(e) => update(r.key, { at: fromTimeInput(e.target.value, timeZone) })}
                />
                <select aria-label={`Row ${n} kind`} value={r.kind} onChange={(e) => update(r.key, { kind: TIMELINE_KINDS.find((k) => k === e.target.value) ?? "" })}>
                  <option value="">—</option>
                  {TIMELINE_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
                <input
                  id={`ed-tl-${r.key}`}
                  type="text"
                  aria-label={`Row ${n} event`}
                  placeholder="What happened, as people saw it then"
                  value={r.event}
                  onChange={(e) => update(r.key, { event: e.target.value })}
                />
                <div className="ed-row-actions">
                  <button type="button" className="ed-icon" aria-label={`Move row ${n} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" className="ed-icon" aria-label={`Move row ${n} down`} disabled={i === rows.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                  <button type="button" className="ed-icon ed-icon--danger" aria-label={`Remove row ${n}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>
                    ×
                  </button>
                </div>
                <InlinePreview text={r.event} label={`Row ${n} event as shown`} />
                <FieldErrors messages={[...(atErr ?? []), ...(evErr ?? []), ...(kindErr ?? [])]} />
              </li>
            );
          })}
        </ol>
      )}
      <div className="row ed-tl-actions">
        <button
          type="button"
          className="btn btn--small"
          onClick={() => {
            const t = Date.parse(lastAt);
            const at = Number.isNaN(t) ? "" : new Date(t + 60_000).toISOString().replace(/:\d{2}\.\d{3}Z$/, ":00Z");
            setRows((rs) => [...rs, { key: rowKey("t"), at, event: "", kind: "" }]);
          }}
        >
          + Add event
        </button>
        {!inOrder && (
          <button type="button" className="btn btn--small" onClick={() => setRows((rs) => sortedTimeline(rs))}>
            Sort by time
          </button>
        )}
        {!inOrder && <span className="muted small">Rows are sorted by time when you save.</span>}
      </div>
      <PasteLines baseDate={form.started_at || rows[0]?.at || new Date().toISOString()} timeZone={timeZone} onRows={(added) => setRows((rs) => [...rs, ...added])} />
    </div>
  );
}

function PasteLines({ baseDate, timeZone, onRows }: { baseDate: string; timeZone: string; onRows: (rows: TimelineRow[]) => void }) {
  const [text, setText] = useState("");
  const [added, setAdded] = useState<number | null>(null);
  const [unread, setUnread] = useState<UnreadLine[]>([]);
  // The incident's day on the team's calendar (an evening start in New York is the next day in UTC).
  const day = /^\d{4}-\d{2}-\d{2}/.test(baseDate) && !Number.isNaN(Date.parse(baseDate)) ? toLocalDate(baseDate, timeZone) : baseDate.slice(0, 10);
  const zone = inputZoneLabel(timeZone);
  const add = () => {
    const r = parseTimelinePaste(text, day, timeZone);
    onRows(r.rows.map((row) => ({ ...row, key: rowKey("t") })));
    setAdded(r.rows.length);
    setUnread(r.unread);
    // What was read became rows; what was not stays in the box to be fixed and added again.
    setText(r.unread.map((u) => u.text).join("\n"));
  };
  return (
    <details className="ed-paste" open={unread.length > 0 || undefined}>
      <summary>Paste lines from a chat log or notes</summary>
      <p className="muted small">
        One event per line, starting with a time: <code>14:02 UTC paged on-call</code>, <code>[14:05] alice: rolled back</code> or{" "}
        <code>2026-03-14 14:07 mitigated by restart</code>; indent a line to continue the event above. Times without a date are on {day}, times without a zone are {zone}; the kind is guessed from the words and can be changed.
      </p>
      <label htmlFor="ed-paste" className="visually-hidden">
        Lines to turn into timeline rows
      </label>
      <textarea
        id="ed-paste"
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={unread.length ? "ed-paste-unread" : undefined}
        placeholder={"14:02 UTC paged on-call\n[14:05] alice: rolled back the deploy"}
      />
      <div className="row">
        <button type="button" className="btn btn--small" disabled={!text.trim()} onClick={add}>
          Add rows
        </button>
        {added !== null && (
          <span className="muted small" role="status">
            Added {added} row{added === 1 ? "" : "s"}
            {unread.length > 0 ? `; ${unread.length} line${unread.length === 1 ? "" : "s"} could not be read and ${unread.length === 1 ? "is" : "are"} left in the box to fix.` : "."}
          </span>
        )}
      </div>
      {unread.length > 0 && (
        <div id="ed-paste-unread" className="alert alert--warn ed-paste-unread" role="alert">
          <strong>Not added — fix these lines above and press Add rows again:</strong>
          <ul>
            {unread.map((u) => (
              <li key={u.line}>
                Line {u.line} of the paste: <code>{u.text.length > 80 ? `${u.text.slice(0, 80)}…` : u.text}</code> — {u.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </details>
  );
}
