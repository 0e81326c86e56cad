"use client";

import { useMemo, useState } from "react";
import type { ConflictHunkData } from "@/lib/editor/client-api";
import { lineDiff, type DiffLine } from "@/lib/editor/line-diff";

const CONTEXT = 3;

/** Long runs of unchanged lines folded to a marker, keeping a few lines of context around each change. */
function fold(diff: DiffLine[]): (DiffLine | { op: "fold"; count: number })[] {
  const keep = diff.map(() => false);
  diff.forEach((d, i) => {
    if (d.op === "same") return;
    for (let j = Math.max(0, i - CONTEXT); j <= Math.min(diff.length - 1, i + CONTEXT); j++) keep[j] = true;
  });
  const out: (DiffLine | { op: "fold"; count: number })[] = [];
  let hidden = 0;
  diff.forEach((d, i) => {
    if (keep[i]) {
      if (hidden) out.push({ op: "fold", count: hidden });
      hidden = 0;
      out.push(d);
    } else hidden++;
  });
  if (hidden) out.push({ op: "fold", count: hidden });
  return out;
}

/** What a 409 brought back: the version saved meanwhile, and its blob as the new base. */
export interface Conflict {
  currentText: string | null;
  currentBlob: string | null;
  message: string;
  /** The text the edit started from (what "save mine over theirs" is measured against). */
  baseText?: string;
  /** Where both changed the same lines; absent for a conflict the server did not try to merge. */
  hunks?: ConflictHunkData[];
}

function Lines({ diff, label }: { diff: DiffLine[]; label: string }) {
  const shown = useMemo(() => fold(diff), [diff]);
  return (
    <div className="diff ed-diff" role="region" aria-label={label} tabIndex={0}>
      {shown.map((d, i) =>
        d.op === "fold" ? (
          <div key={i} className="ed-fold">
            {`  … ${d.count} unchanged line${d.count === 1 ? "" : "s"}`}
          </div>
        ) : (
          <div key={i} className={d.op === "add" ? "add" : d.op === "del" ? "del" : ""}>
            {d.op === "add" ? "+ " : d.op === "del" ? "− " : "  "}
            {d.text || " "}
          </div>
        ),
      )}
    </div>
  );
}

/** One overlapping region: their lines and the author's, one above the other so it reads on a phone too. */
function Hunk({ hunk, n }: { hunk: ConflictHunkData; n: number }) {
  const side = (lines: string[]) => (lines.length ? lines.join("\n") : "(removed)");
  return (
    <li className="ed-hunk">
      <div className="small muted">
        Place {n}, near line {hunk.line}
      </div>
      <div className="ed-hunk__sides">
        <figure>
          <figcaption>Theirs (saved)</figcaption>
          <pre className="ed-hunk__theirs">{side(hunk.theirs)}</pre>
        </figure>
        <figure>
          <figcaption>Yours (in the form)</figcaption>
          <pre className="ed-hunk__mine">{side(hunk.mine)}</pre>
        </figure>
      </div>
    </li>
  );
}

/**
 * The conflict view. The author's text stays in the form. Where the server could tell, only the places both changed
 * are shown; otherwise the saved version against theirs, line by line. "Save mine over theirs" first shows the change
 * it would undo (their change since the author's base) and asks to confirm; "Load their version" keeps the author's
 * text aside to copy from.
 */
export function ConflictView({ conflict, mine, saving, onSaveMine, onLoadTheirs }: { conflict: Conflict; mine: string; saving: boolean; onSaveMine: () => void; onLoadTheirs: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const diff = useMemo(() => lineDiff(conflict.currentText ?? "", mine), [conflict.currentText, mine]);
  // What saving mine would throw away: their change since the base; without a base, everything theirs has and mine lacks.
  const undone = useMemo(() => (conflict.baseText !== undefined ? lineDiff(conflict.baseText, conflict.currentText ?? "") : lineDiff(mine, conflict.currentText ?? "")), [conflict.baseText, conflict.currentText, mine]);
  const changed = diff.filter((d) => d.op !== "same").length;
  const hunks = conflict.hunks ?? [];
  const lost = undone.filter((d) => d.op !== "same").length;
  return (
    <section className="card ed-conflict" aria-labelledby="ed-h-conflict" role="region">
      <h2 id="ed-h-conflict">Someone else saved this incident while you were editing</h2>
      <p className="ed-conflict__who">{conflict.message}</p>
      <p className="small">
        Nothing you typed is lost: your version is still in the form below.{" "}
        {hunks.length > 0
          ? "Changes to different lines could be merged; the places below were changed by both of you. Edit the form to keep what you want and save, or load their version and copy from yours."
          : "Compare the two versions, then either save yours on top of theirs, or load theirs and copy what you need from yours."}
      </p>
      {hunks.length > 0 && (
        <ol className="ed-hunks" aria-label="Places you both changed">
          {hunks.map((h, i) => (
            <Hunk key={i} hunk={h} n={i + 1} />
          ))}
        </ol>
      )}
      {confirming ? (
        <div className="ed-undo" role="group" aria-labelledby="ed-h-undo">
          <h3 id="ed-h-undo">Saving yours would undo {conflict.baseText !== undefined ? "their change" : "what only their version has"}</h3>
          {lost === 0 ? (
            <p className="small muted">Nothing of theirs would be lost.</p>
          ) : (
            <>
              <p className="small">
                {lost} line{lost === 1 ? "" : "s"} of their change would be lost: <span className="ed-undo__add">+</span> lines they added would be removed, <span className="ed-undo__del">−</span> lines they
                removed would come back.
              </p>
              <Lines diff={undone} label="The change that saving yours would undo" />
            </>
          )}
          <div className="row ed-conflict__actions">
            <button type="button" className="btn btn--danger" disabled={saving} onClick={onSaveMine}>
              Replace their version with mine
            </button>
            <button type="button" className="btn" disabled={saving} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="row ed-conflict__actions">
          <button type="button" className="btn btn--primary" disabled={saving} onClick={() => setConfirming(true)}>
            Save mine over theirs…
          </button>
          {conflict.currentText !== null && (
            <button type="button" className="btn" disabled={saving} onClick={onLoadTheirs}>
              Load their version
            </button>
          )}
          <span className="muted small">
            {changed} line{changed === 1 ? "" : "s"} differ
          </span>
        </div>
      )}
      <details className="ed-conflict__all" open={hunks.length === 0}>
        <summary>All differences between their version and yours</summary>
        <div className="ed-diff-legend small">
          <span>
            <i className="ed-swatch ed-swatch--del" aria-hidden="true" /> − only in the saved version (theirs)
          </span>
          <span>
            <i className="ed-swatch ed-swatch--add" aria-hidden="true" /> + only in your version
          </span>
        </div>
        <Lines diff={diff} label="Differences between the saved version and yours" />
      </details>
    </section>
  );
}
