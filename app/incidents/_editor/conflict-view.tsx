"use client";

import { useMemo } from "react";
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
}

/**
 * The conflict view: the saved version against the author's, line by line. The author's text stays in the form;
 * they can save it over the new version, or load the new version (their text is kept aside to copy from).
 */
export function ConflictView({ conflict, mine, saving, onSaveMine, onLoadTheirs }: { conflict: Conflict; mine: string; saving: boolean; onSaveMine: () => void; onLoadTheirs: () => void }) {
  const diff = useMemo(() => lineDiff(conflict.currentText ?? "", mine), [conflict.currentText, mine]);
  const changed = diff.filter((d) => d.op !== "same").length;
  const shown = useMemo(() => fold(diff), [diff]);
  return (
    <section className="card ed-conflict" aria-labelledby="ed-h-conflict" role="region">
      <h2 id="ed-h-conflict">Someone else saved this incident while you were editing</h2>
      <p className="small">
        {conflict.currentText === null ? `${conflict.message} ` : ""}Nothing you typed is lost: your version is still in the form below. Compare the two
        versions, then either save yours on top of theirs, or load theirs and copy what you need from yours.
      </p>
      <div className="row ed-conflict__actions">
        <button type="button" className="btn btn--primary" disabled={saving} onClick={onSaveMine}>
          Save mine over theirs
        </button>
        {conflict.currentText !== null && (
          <button type="button" className="btn" disabled={saving} onClick={onLoadTheirs}>
            Load their version
          </button>
        )}
        <span className="muted small">
          {changed} changed line{changed === 1 ? "" : "s"}
        </span>
      </div>
      <div className="ed-diff-legend small">
        <span>
          <i className="ed-swatch ed-swatch--del" aria-hidden="true" /> − only in the saved version (theirs)
        </span>
        <span>
          <i className="ed-swatch ed-swatch--add" aria-hidden="true" /> + only in your version
        </span>
      </div>
      <div className="diff ed-diff" role="region" aria-label="Differences between the saved version and yours" tabIndex={0}>
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
    </section>
  );
}
