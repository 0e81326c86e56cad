"use client";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, type FormEvent } from "react";
import { postCountermeasureUpdate, type CountermeasurePostPatch } from "./post-update";

export interface DialogTarget {
  incidentId: string;
  cmId: string;
  baseBlob: string;
  title: string;
}

type Mode = "done" | "not-held";

const COPY: Record<Mode, { open: string; heading: string; submit: string; noteLabel: string; intro: string }> = {
  done: {
    open: "Mark done",
    heading: "Mark done",
    submit: "Mark done",
    noteLabel: "Note (optional)",
    intro: "Done today. Add what shows it is done, if you have it: it is kept with the countermeasure as evidence.",
  },
  "not-held": {
    open: "Did not hold",
    heading: "It did not hold",
    submit: "Reopen",
    noteLabel: "What happened",
    intro: "The countermeasure is reopened; your note is kept with its evidence.",
  },
};

/**
 * One action for closing a countermeasure (or reopening one that did not hold): a small dialog asking for a note and
 * an evidence link, saved as one commit through the inline update path.
 */
export function CountermeasureDialog({ target, mode = "done", evidenceRequired = false }: { target: DialogTarget; mode?: Mode; evidenceRequired?: boolean }) {
  const router = useRouter();
  const uid = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [note, setNote] = useState("");
  const [url, setUrl] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ text: string; details: string[] } | null>(null);
  const [blob, setBlob] = useState(target.baseBlob);
  const copy = COPY[mode];
  const needsNote = mode === "not-held";

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const evidence = { url: url.trim() || undefined, note: note.trim() || undefined, verdict: mode === "not-held" ? ("did-not-hold" as const) : undefined };
    const patch: CountermeasurePostPatch = { status: mode === "done" ? "done" : "open" };
    if (evidence.url || evidence.note) patch.evidence = evidence;
    const result = await postCountermeasureUpdate({ incidentId: target.incidentId, cmId: target.cmId, baseBlob: blob }, patch);
    setPending(false);
    if (result.ok) {
      ref.current?.close();
      setNote("");
      setUrl("");
      router.refresh();
      return;
    }
    if (result.currentBlob) setBlob(result.currentBlob);
    setError({ text: result.conflict ? `${result.text} Your note and link are kept: check the row and submit again.` : result.text, details: result.details });
    if (result.conflict) router.refresh();
  }

  return (
    <>
      <button type="button" className={`btn btn--small${mode === "done" ? " btn--primary" : ""}`} onClick={() => ref.current?.showModal()} aria-haspopup="dialog">
        {copy.open}
      </button>
      <dialog ref={ref} className="cms-dialog" aria-labelledby={`${uid}-h`} onClose={() => setError(null)}>
        <form method="dialog" onSubmit={onSubmit} className="cms-dialog__form">
          <h2 id={`${uid}-h`} className="cms-dialog__title">
            {copy.heading}
          </h2>
          <p className="cms-dialog__subject">“{target.title}”</p>
          <p className="small muted">{copy.intro}</p>
          <div className="field">
            <label htmlFor={`${uid}-url`}>Evidence link{evidenceRequired && mode === "done" ? " (required by your team's policy)" : " (optional)"}</label>
            <input
              id={`${uid}-url`}
              type="url"
              inputMode="url"
              placeholder="https://github.com/org/repo/pull/123"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              required={evidenceRequired && mode === "done"}
              maxLength={2000}
              pattern="(https?://|mailto:|/).*"
              title="An http(s) link, such as a merged pull request or a ticket"
            />
          </div>
          <div className="field">
            <label htmlFor={`${uid}-note`}>{copy.noteLabel}</label>
            <textarea id={`${uid}-note`} rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} required={needsNote} />
          </div>
          {error && (
            <div className="alert alert--danger" role="alert">
              {error.text}
              {error.details.length > 0 && <span className="cms-update__details">{error.details.join("; ")}</span>}
            </div>
          )}
          <div className="cms-dialog__actions">
            <button type="button" className="btn" onClick={() => ref.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="btn btn--primary" disabled={pending}>
              {pending ? "Saving…" : copy.submit}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

/** "Held": one click that records the answer as evidence. */
export function HeldButton({ target }: { target: DialogTarget }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function onClick() {
    setPending(true);
    setError(null);
    const result = await postCountermeasureUpdate(target, { evidence: { note: "Confirmed it held (no recurrence by verify_by).", verdict: "held" } });
    setPending(false);
    if (result.ok) router.refresh();
    else setError(result.text);
  }
  return (
    <>
      <button type="button" className="btn btn--small btn--primary" onClick={onClick} disabled={pending}>
        {pending ? "Saving…" : "Held"}
      </button>
      {error && (
        <span className="cms-update__msg cms-update__msg--error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
