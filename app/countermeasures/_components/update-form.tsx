"use client";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { COUNTERMEASURE_STATUSES, type CountermeasureStatus } from "@/lib/schema/incident";

const STATUS_LABEL: Record<CountermeasureStatus, string> = { open: "Open", "in-progress": "In progress", done: "Done", "wont-do": "Won't do" };

export interface CountermeasureValues {
  status: CountermeasureStatus;
  owner: string;
  due: string;
}

type Message = { kind: "ok" | "info" | "error"; text: string; details?: string[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const dateOnly = (due: string) => due.slice(0, 10);

function isStatus(v: unknown): v is CountermeasureStatus {
  return typeof v === "string" && (COUNTERMEASURE_STATUSES as readonly string[]).includes(v);
}

/** What the server says a countermeasure looks like now, from a 409 body. */
function describeCurrent(body: Record<string, unknown>): string | null {
  const c = body.current;
  if (!isRecord(c) || !isStatus(c.status)) return null;
  return `Now: ${STATUS_LABEL[c.status]}, owner ${str(c.owner) ?? "?"}, due ${dateOnly(str(c.due) ?? "?")}.`;
}

/**
 * Inline status/owner/due controls for one countermeasure. Posts only what changed, against the incident revision the
 * page was rendered from; on a conflict or error the typed values stay and the reason is shown next to them.
 */
export function CountermeasureUpdateForm({ incidentId, cmId, baseBlob, title, values, compact = false }: { incidentId: string; cmId: string; baseBlob: string; title: string; values: CountermeasureValues; compact?: boolean }) {
  const router = useRouter();
  const uid = useId();
  const [status, setStatus] = useState<CountermeasureStatus>(values.status);
  const [owner, setOwner] = useState(values.owner);
  const [due, setDue] = useState(dateOnly(values.due));
  // After a conflict the next save is based on the revision the server reported.
  const [blobOverride, setBlobOverride] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const patch: Partial<CountermeasureValues> = {};
    if (status !== values.status) patch.status = status;
    if (owner.trim() !== values.owner) patch.owner = owner.trim();
    if (due !== dateOnly(values.due)) patch.due = due;
    if (Object.keys(patch).length === 0) {
      setMessage({ kind: "info", text: "Nothing changed." });
      return;
    }
    setPending(true);
    setMessage(null);
    try {
      const res = await fetch("/api/countermeasures", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ incidentId, cmId, baseBlob: blobOverride ?? baseBlob, patch }),
      });
      const body: unknown = await res.json().catch(() => null);
      const b = isRecord(body) ? body : {};
      if (res.ok) {
        setBlobOverride(null);
        setMessage({ kind: "ok", text: "Saved" });
        router.refresh();
      } else if (res.status === 409) {
        const current = str(b.currentBlob);
        if (current) setBlobOverride(current);
        setMessage({ kind: "error", text: [str(b.message) ?? "This incident changed since the page loaded.", describeCurrent(b)].filter(Boolean).join(" ") });
        router.refresh();
      } else if (res.status === 422) {
        const problems = Array.isArray(b.problems) ? b.problems.filter(isRecord).map((p) => `${str(p.field) ?? ""}: ${str(p.message) ?? ""}`) : [];
        setMessage({ kind: "error", text: "The incident would not validate with this change.", details: problems });
      } else {
        setMessage({ kind: "error", text: str(b.message) ?? `The server refused the change (${res.status}).` });
      }
    } catch {
      setMessage({ kind: "error", text: "Could not reach the server. Your values are kept; try again." });
    } finally {
      setPending(false);
    }
  }

  const changed = status !== values.status || owner.trim() !== values.owner || due !== dateOnly(values.due);
  return (
    <form className={`cms-update${compact ? " cms-update--compact" : ""}`} onSubmit={onSubmit} aria-label={`Update “${title}”`}>
      <div className="cms-update__field">
        <label htmlFor={`${uid}-status`}>Status</label>
        <select id={`${uid}-status`} value={status} onChange={(e) => isStatus(e.target.value) && setStatus(e.target.value)}>
          {COUNTERMEASURE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="cms-update__field cms-update__field--owner">
        <label htmlFor={`${uid}-owner`}>Owner</label>
        <input id={`${uid}-owner`} type="text" value={owner} onChange={(e) => setOwner(e.target.value)} required maxLength={200} autoComplete="off" />
      </div>
      <div className="cms-update__field">
        <label htmlFor={`${uid}-due`}>Due</label>
        <input id={`${uid}-due`} type="date" value={due} onChange={(e) => setDue(e.target.value)} required />
      </div>
      <button className={`btn btn--small${changed ? " btn--primary" : ""}`} type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </button>
      <div className={`cms-update__msg${message ? ` cms-update__msg--${message.kind}` : ""}`} role="status" aria-live="polite">
        {message?.text}
        {message?.details && message.details.length > 0 && <span className="cms-update__details">{message.details.join("; ")}</span>}
      </div>
    </form>
  );
}
