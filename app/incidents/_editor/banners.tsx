"use client";

import type { LocalDraft } from "@/lib/editor/client-api";
import type { Problem } from "@/lib/schema/problems";
import { formatDateTime } from "@/lib/knowledge/dates";

/** A draft kept in this browser, offered back. */
export function DraftOffer({ draft, timeZone, onRestore, onDiscard }: { draft: LocalDraft; timeZone: string; onRestore: () => void; onDiscard: () => void }) {
  return (
    <div className="alert alert--info ed-banner" role="status">
      <span>Restore your unsaved draft from {formatDateTime(draft.savedAt, timeZone)}?</span>
      <span className="row">
        <button type="button" className="btn btn--small btn--primary" onClick={onRestore}>
          Restore draft
        </button>
        <button type="button" className="btn btn--small" onClick={onDiscard}>
          Discard it
        </button>
      </span>
    </div>
  );
}

/** What was wrong with the file when it was opened (it still opens, with what could be read). */
export function LoadProblems({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="alert alert--warn ed-banner" role="status">
      <div>
        <strong>This file had problems when it was opened.</strong> Values that could not be read were left empty; fix what is marked and save.
        <ul className="ed-problem-list">
          {problems.map((p, i) => (
            <li key={i}>
              <code>
                {p.line}:{p.col}
              </code>{" "}
              {p.field} — {p.message}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** The author's own text after loading their colleague's version, to copy from. */
export function StashedText({ text, onHide }: { text: string; onHide: () => void }) {
  return (
    <details className="card ed-stash" open>
      <summary>Your version before you loaded theirs (copy what you need)</summary>
      <label htmlFor="ed-stash" className="visually-hidden">
        Your previous text
      </label>
      <textarea id="ed-stash" readOnly rows={10} value={text} />
      <button type="button" className="btn btn--small" onClick={onHide}>
        Done, hide it
      </button>
    </details>
  );
}
