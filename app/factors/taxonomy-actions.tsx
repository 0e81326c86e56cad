"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";

type Op = "merge" | "rename" | "split";

export interface FactorOption {
  id: string;
  name: string;
}

export interface MergeCandidate {
  a: string;
  b: string;
  aName: string;
  bName: string;
  score: number;
  reasons: string[];
}

interface Outcome {
  summary: string;
  commit: string | null;
  rewritten: string[];
  skipped: { id: string; reason: string }[];
  redirectTo: string;
}

const OP_LABEL: Record<Op, string> = { merge: "Merge", rename: "Rename", split: "Split" };
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function isOutcome(v: unknown): v is Outcome {
  return isRecord(v) && typeof v.summary === "string" && Array.isArray(v.rewritten) && Array.isArray(v.skipped) && typeof v.redirectTo === "string";
}

/**
 * Admin actions on /factors: merge, rename or split a factor. Every change is previewed first (what would be
 * rewritten), then applied as one commit; the form keeps its values when the server refuses.
 */
export function TaxonomyActions({ factors, candidates }: { factors: FactorOption[]; candidates: MergeCandidate[] }) {
  const router = useRouter();
  const uid = useId();
  const [op, setOp] = useState<Op>("merge");
  const [from, setFrom] = useState("");
  const [into, setInto] = useState("");
  const [splitInto, setSplitInto] = useState<string[]>([]);
  const [newId, setNewId] = useState("");
  const [newName, setNewName] = useState("");
  const [preview, setPreview] = useState<Outcome | null>(null);
  const [done, setDone] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const nameOf = (id: string) => factors.find((f) => f.id === id)?.name ?? id;
  const change = () =>
    op === "merge" ? { op, from, into } : op === "rename" ? { op, from, to: newId.trim() || from, ...(newName.trim() ? { name: newName.trim() } : {}) } : { op, from, into: splitInto };

  const reset = () => {
    setPreview(null);
    setError(null);
  };

  async function send(dryRun: boolean) {
    setPending(true);
    setError(null);
    try {
      const res = await fetch("/api/factors/changes", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ change: change(), dryRun }) });
      const body: unknown = await res.json().catch(() => null);
      if (!res.ok || !isOutcome(body)) {
        setError(isRecord(body) && typeof body.message === "string" ? body.message : `The server refused the change (${res.status}).`);
        return;
      }
      if (dryRun) setPreview(body);
      else {
        setPreview(null);
        setDone(body);
        setFrom("");
        setInto("");
        setSplitInto([]);
        setNewId("");
        setNewName("");
        router.refresh();
      }
    } catch {
      setError("The server could not be reached; nothing was changed.");
    } finally {
      setPending(false);
    }
  }

  function onPreview(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(null);
    void send(true);
  }

  const ready = !!from && (op === "merge" ? !!into && into !== from : op === "rename" ? !!newId.trim() || !!newName.trim() : splitInto.length >= 2);
  const others = factors.filter((f) => f.id !== from);

  return (
    <section className="card kf-admin" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Merge, rename or split</h2>
      <p className="small muted">
        One commit rewrites every incident that uses the factor (only those lines of each file); the old id keeps working and its page redirects.
      </p>
      {candidates.length > 0 && (
        <>
          <h3 className="kf-care__h">Look alike ({candidates.length})</h3>
          <ul className="kf-care__list" aria-label="Merge candidates">
            {candidates.map((c) => (
              <li key={`${c.a}-${c.b}`}>
                <strong>{c.aName}</strong> into <strong>{c.bName}</strong> <span className="small muted">({Math.round(c.score * 100)}%)</span>
                <div className="small muted">{c.reasons.join(" · ")}</div>
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() => {
                    setOp("merge");
                    setFrom(c.a);
                    setInto(c.b);
                    setDone(null);
                    reset();
                  }}
                >
                  Review this merge
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <form className="stack kf-admin__form" onSubmit={onPreview}>
        <fieldset className="kf-admin__ops">
          <legend className="small">Action</legend>
          {(Object.keys(OP_LABEL) as Op[]).map((o) => (
            <label key={o} className="kf-admin__op">
              <input type="radio" name={`${uid}-op`} value={o} checked={op === o} onChange={() => (setOp(o), reset())} /> {OP_LABEL[o]}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${uid}-from`}>Factor</label>
          <select id={`${uid}-from`} value={from} onChange={(e) => (setFrom(e.target.value), reset())}>
            <option value="">Choose a factor…</option>
            {factors.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
        {op === "merge" && (
          <div className="field">
            <label htmlFor={`${uid}-into`}>Merge into</label>
            <select id={`${uid}-into`} value={into} onChange={(e) => (setInto(e.target.value), reset())}>
              <option value="">Choose the factor to keep…</option>
              {others.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {op === "rename" && (
          <>
            <div className="field">
              <label htmlFor={`${uid}-id`}>New id</label>
              <input id={`${uid}-id`} value={newId} onChange={(e) => (setNewId(e.target.value), reset())} placeholder={from || "lowercase-with-dashes"} pattern="[a-z0-9][a-z0-9-]*" />
            </div>
            <div className="field">
              <label htmlFor={`${uid}-name`}>New name</label>
              <input id={`${uid}-name`} value={newName} onChange={(e) => (setNewName(e.target.value), reset())} placeholder={from ? nameOf(from) : ""} />
            </div>
          </>
        )}
        {op === "split" && (
          <div className="field">
            <label htmlFor={`${uid}-split`}>Split into (two or more)</label>
            <select
              id={`${uid}-split`}
              multiple
              size={6}
              value={splitInto}
              onChange={(e) => (setSplitInto([...e.target.selectedOptions].map((o) => o.value)), reset())}
            >
              {others.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
            <span className="small muted">Each incident gets the factor its own words match best; old links go to the first chosen.</span>
          </div>
        )}
        <div className="row">
          <button type="submit" className="btn" disabled={!ready || pending}>
            Preview
          </button>
          {preview && (
            <button type="button" className="btn btn--primary" disabled={pending} onClick={() => void send(false)}>
              {OP_LABEL[op]}: rewrite {preview.rewritten.length} incident{preview.rewritten.length === 1 ? "" : "s"}
            </button>
          )}
        </div>
      </form>
      <div aria-live="polite">
        {error && <p className="alert alert--danger">{error}</p>}
        {preview && (
          <div className="alert alert--info" data-testid="taxonomy-preview">
            <p>
              Would {preview.summary}: {preview.rewritten.length} incident{preview.rewritten.length === 1 ? "" : "s"} rewritten in one commit.
            </p>
            {preview.rewritten.length > 0 && (
              <ul className="kf-care__list">
                {preview.rewritten.map((id) => (
                  <li key={id}>
                    <Link href={`/incidents/${id}`}>{id}</Link>
                  </li>
                ))}
              </ul>
            )}
            {preview.skipped.map((s) => (
              <p key={s.id} className="small">
                Left as is: {s.id} ({s.reason}); the old id keeps working there.
              </p>
            ))}
          </div>
        )}
        {done && (
          <p className="alert alert--ok" role="status">
            Done: {done.summary}, {done.rewritten.length} incident{done.rewritten.length === 1 ? "" : "s"} rewritten{done.commit ? ` in ${done.commit.slice(0, 10)}` : ""}.{" "}
            <Link href={`/factors/${done.redirectTo}`}>Open {nameOf(done.redirectTo)}</Link>
          </p>
        )}
      </div>
    </section>
  );
}
