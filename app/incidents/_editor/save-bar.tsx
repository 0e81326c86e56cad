"use client";

import Link from "next/link";

/** The bar under the form: what is left to fix, wording hints, unsaved state, Cancel and Save. */
export function SaveBar({
  mode,
  cancelHref,
  problemCount,
  toFillIn,
  hintCount,
  dirty,
  busy,
  onJumpToProblem,
  onSave,
}: {
  mode: "new" | "edit";
  cancelHref: string;
  problemCount: number;
  /** Required fields of a new post-mortem not filled in yet (not marked as problems before the first save). */
  toFillIn: readonly string[];
  hintCount: number;
  dirty: boolean;
  busy: boolean;
  onJumpToProblem: () => void;
  onSave: () => void;
}) {
  const label = mode === "new" ? "Save post-mortem" : "Save changes";
  return (
    <div className="ed-savebar" role="region" aria-label="Save">
      <div className="ed-savebar__inner">
        <div className="ed-savebar__status small" aria-live="polite">
          {problemCount > 0 ? (
            <button type="button" className="ed-linkish ed-problems-link" onClick={onJumpToProblem}>
              {problemCount} problem{problemCount === 1 ? "" : "s"} to fix
            </button>
          ) : toFillIn.length > 0 ? (
            <span className="ed-to-fill">To fill in: {toFillIn.map(fieldLabel).join(", ")}</span>
          ) : (
            <span className="ed-ok">✓ Ready to save</span>
          )}
          {hintCount > 0 && (
            <>
              <span className="ed-sep"> · </span>
              <button
                type="button"
                className="ed-linkish ed-hints-link"
                onClick={() => document.getElementById("ed-h-hints")?.scrollIntoView({ block: "start", behavior: "smooth" })}
              >
                {hintCount} wording hint{hintCount === 1 ? "" : "s"}
              </button>
            </>
          )}
          <span className="muted">{dirty ? " · Unsaved changes, kept in this browser until you save" : " · No changes yet"}</span>
        </div>
        <Link className="btn" href={cancelHref}>
          Cancel
        </Link>
        <button type="button" className="btn btn--primary" onClick={onSave} disabled={busy} aria-keyshortcuts="Control+S" aria-label={label}>
          {busy ? (
            "Saving…"
          ) : (
            <>
              <span className="ed-save-long">{label}</span>
              <span className="ed-save-short">Save</span>
            </>
          )}
        </button>
      </div>
    </div>
  );
}

/** `started_at` → "Started at": a field's name as the form's labels say it. */
function fieldLabel(field: string): string {
  const words = field.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
