"use client";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { ReviewItem, ReviewPanelData } from "@/lib/pages/reviews";
import "./review-panel.css";

type Message = { kind: "ok" | "error"; text: string } | null;

const DECISION: Record<ReviewPanelData["reviewers"][number]["decision"], { label: string; badge: string }> = {
  pending: { label: "Waiting", badge: "badge--open" },
  approved: { label: "Approved", badge: "badge--done" },
  changes_requested: { label: "Changes requested", badge: "badge--overdue" },
};

const VERB: Record<ReviewItem["action"], string> = {
  request_review: "requested a review",
  comment: "commented",
  approve: "approved",
  request_changes: "requested changes",
  publish: "published the post-mortem",
};

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

async function post(incidentId: string, body: unknown): Promise<{ ok: true; published: boolean } | { ok: false; message: string }> {
  try {
    const res = await fetch(`/api/incidents/${encodeURIComponent(incidentId)}/reviews`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const data: unknown = await res.json().catch(() => null);
    const rec = data && typeof data === "object" ? (data as Record<string, unknown>) : {};
    if (res.ok) return { ok: true, published: rec.published === true };
    return { ok: false, message: typeof rec.message === "string" ? rec.message : `The server refused this (${res.status}).` };
  } catch {
    return { ok: false, message: "Could not reach the server: nothing was saved. Try again." };
  }
}

/** The review panel: reviewers and decisions, the activity with each comment at its anchor, and the actions allowed. */
export function ReviewPanel({ data }: { data: ReviewPanelData }) {
  const router = useRouter();
  const uid = useId();
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [comment, setComment] = useState("");
  const [anchor, setAnchor] = useState("");
  const [note, setNote] = useState("");
  const [reviewers, setReviewers] = useState(data.reviewers.map((r) => r.handle).join(", "));

  async function run(kind: string, body: unknown, done: () => void) {
    setPending(kind);
    setMessage(null);
    const result = await post(data.incidentId, body);
    setPending(null);
    if (!result.ok) return setMessage({ kind: "error", text: result.message });
    done();
    setMessage({ kind: "ok", text: result.published ? "Approved: the post-mortem is published." : "Saved." });
    router.refresh();
  }

  function onComment(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const [kind, id] = anchor ? anchor.split(":") : [];
    void run("comment", { action: "comment", text: comment, ...(kind && id ? { [kind]: id } : {}) }, () => setComment(""));
  }

  function onDecide(action: "approve" | "request_changes") {
    if (action === "request_changes" && !note.trim()) return setMessage({ kind: "error", text: "Say what should change before requesting changes." });
    void run(action, { action, ...(note.trim() ? { text: note } : {}) }, () => setNote(""));
  }

  function onRequest(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const list = reviewers.split(/[\s,]+/).filter(Boolean);
    void run("request_review", { action: "request_review", reviewers: list }, () => undefined);
  }

  const statusLine =
    data.status === "published"
      ? "Published"
      : data.status === "in-review"
        ? `${data.approvals} of ${data.needed} approval${data.needed === 1 ? "" : "s"}`
        : "Draft: not yet in review";

  return (
    <section className="card review-panel" aria-labelledby="h-review" id="review">
      <div className="review-panel__head">
        <h2 id="h-review">Review</h2>
        <span className={`badge badge--${data.status}`} data-testid="review-status">
          {statusLine}
        </span>
      </div>
      {data.request && (
        <p className="small muted review-panel__requested">
          Requested by {data.request.name} on {when(data.request.at)}
        </p>
      )}
      {data.problems.length > 0 && (
        <div className="alert alert--warn" role="status">
          {data.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.field} ${p.message}`).join("; ")}
        </div>
      )}
      {data.waitingForMe && (
        <div className="alert alert--info" role="status">
          Your review is requested: comment on a section or timeline row, then approve or request changes.
        </div>
      )}

      {data.reviewers.length > 0 && (
        <ul className="review-panel__reviewers" aria-label="Reviewers">
          {data.reviewers.map((r) => (
            <li key={r.handle}>
              <span className="review-panel__who">{r.name}</span>
              <span className={`badge ${DECISION[r.decision].badge}`}>{DECISION[r.decision].label}</span>
            </li>
          ))}
        </ul>
      )}

      {data.can.decide && (
        <div className="review-panel__decide">
          <label htmlFor={`${uid}-note`} className="small">
            Note with your decision (required to request changes)
          </label>
          <textarea id={`${uid}-note`} rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
          <div className="row">
            <button type="button" className="btn btn--primary" disabled={!!pending} onClick={() => onDecide("approve")}>
              {pending === "approve" ? "Approving…" : "Approve"}
            </button>
            <button type="button" className="btn" disabled={!!pending} onClick={() => onDecide("request_changes")}>
              {pending === "request_changes" ? "Sending…" : "Request changes"}
            </button>
          </div>
        </div>
      )}
      {data.decideBlocker && <p className="small muted">You cannot approve this one: {data.decideBlocker}.</p>}

      {message && (
        <div className={`alert ${message.kind === "ok" ? "alert--ok" : "alert--danger"}`} role={message.kind === "ok" ? "status" : "alert"}>
          {message.text}
        </div>
      )}

      <h3 className="review-panel__sub">Activity</h3>
      {data.items.length === 0 ? (
        <p className="muted small">No review activity yet.</p>
      ) : (
        <ol className="review-panel__items" aria-label="Review activity">
          {data.items.map((item) => (
            <li key={item.id} className={`review-item review-item--${item.action}`} id={`review-${item.id}`}>
              <div className="review-item__meta">
                <strong>{item.name}</strong> {VERB[item.action]}
                {item.action === "request_review" && item.reviewers ? ` from ${item.reviewers.join(", ")}` : ""}
                {item.anchor && (
                  <>
                    {" on "}
                    <a href={`#${item.anchor.id}`} className="chip review-item__anchor">
                      {item.anchor.kind === "timeline" ? "Timeline" : "Section"} · {item.anchor.label}
                    </a>
                  </>
                )}
                <span className="review-item__time">{when(item.at)}</span>
              </div>
              {item.text && <p className="review-item__text">{item.text}</p>}
            </li>
          ))}
        </ol>
      )}

      {data.can.comment && (
        <form className="review-panel__form" onSubmit={onComment}>
          <div className="field">
            <label htmlFor={`${uid}-anchor`}>Comment on</label>
            <select id={`${uid}-anchor`} value={anchor} onChange={(e) => setAnchor(e.target.value)}>
              <option value="">The whole post-mortem</option>
              <optgroup label="Sections">
                {data.anchors.filter((a) => a.kind === "section").map((a) => (
                  <option key={a.id} value={`section:${a.id}`}>
                    {a.label}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Timeline">
                {data.anchors.filter((a) => a.kind === "timeline").map((a) => (
                  <option key={a.id} value={`timeline:${a.id}`}>
                    {a.label}
                  </option>
                ))}
              </optgroup>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${uid}-comment`}>Comment</label>
            <textarea id={`${uid}-comment`} rows={3} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={4000} required />
          </div>
          <div className="row">
            <button type="submit" className="btn" disabled={!!pending || !comment.trim()}>
              {pending === "comment" ? "Adding…" : "Add comment"}
            </button>
          </div>
        </form>
      )}

      {data.can.requestReview && (
        <form className="review-panel__form" onSubmit={onRequest}>
          <div className="field">
            <label htmlFor={`${uid}-reviewers`}>Reviewers</label>
            <input id={`${uid}-reviewers`} type="text" list={`${uid}-people`} value={reviewers} onChange={(e) => setReviewers(e.target.value)} placeholder="user ids or e-mails, separated by commas" autoComplete="off" />
            <datalist id={`${uid}-people`}>
              {data.candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </datalist>
            <span className="small muted">
              {data.needed} approval{data.needed === 1 ? "" : "s"} publish{data.needed === 1 ? "es" : ""} it.
              {data.candidates.length > 0 && ` People who may read it: ${data.candidates.map((c) => c.id).join(", ")}.`}
            </span>
          </div>
          <div className="row">
            <button type="submit" className="btn btn--primary" disabled={!!pending || !reviewers.trim()}>
              {pending === "request_review" ? "Requesting…" : data.status === "in-review" ? "Request review again" : "Request review"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
