"use client";

import type { BlamelessHint } from "@/lib/lint/blameless";
import type { Taxonomy } from "@/lib/schema/taxonomy";

/** A blameless-language hint placed in the form: which control, and where the phrase starts in its value. */
export interface EditorHint extends BlamelessHint {
  where: string;
  target: string;
  start: number;
}

export interface SimilarItem {
  id: string;
  title: string;
  reason: string;
  /** Factor names the draft and the incident share. */
  sharedFactors: string[];
  /** The draft's words found in the incident. */
  matchedTerms: string[];
}

/** Selects a hint's phrase in its input or textarea and brings it into view. */
export function selectHint(h: EditorHint): void {
  const el = document.getElementById(h.target);
  if (!(el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement)) return;
  el.scrollIntoView({ block: "center", behavior: "smooth" });
  el.focus({ preventScroll: true });
  el.setSelectionRange(h.start, h.start + h.length);
  if (el instanceof HTMLTextAreaElement) {
    // Chrome does not scroll a textarea to a selection made from script: put the line a third of the way down.
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 20;
    const line = el.value.slice(0, h.start).split("\n").length - 1;
    el.scrollTop = Math.max(0, line * lineHeight - el.clientHeight / 3);
  }
}

/** Hints beside the editor: never blocking, each with the phrase, why, and a reframing. */
export function BlamelessPanel({ hints }: { hints: readonly EditorHint[] }) {
  return (
    <section className="card ed-panel" aria-labelledby="ed-h-hints">
      <h2 id="ed-h-hints">
        Blameless language
        {hints.length > 0 && <span className="badge badge--in-progress">{hints.length}</span>}
      </h2>
      {hints.length === 0 ? (
        <p className="muted small ed-panel__ok">No blaming or hindsight phrases found. Describe what people knew and saw at the time.</p>
      ) : (
        <ul className="ed-hints" aria-label="Blameless-language hints">
          {hints.map((h, i) => (
            <li key={`${h.target}-${h.start}-${i}`}>
              <button type="button" className="ed-hint-item" onClick={() => selectHint(h)} aria-label={`“${h.phrase}” in ${h.where}, line ${h.line}:${h.col}: select it`}>
                <span className="ed-hint-item__where">
                  {h.where} · {h.line}:{h.col}
                </span>
                <span className="ed-hint-item__phrase">“{h.phrase}”</span>
              </button>
              <p className="ed-hint-item__msg">{h.message}</p>
              <p className="ed-hint-item__sugg">
                <span className="ed-hint-item__try">Try:</span> {h.suggestion}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "Seen before?": similar past incidents and how often each chosen factor has come up. */
export function SeenBeforePanel({
  similar,
  loading,
  factors,
  counts,
  taxonomy,
}: {
  similar: readonly SimilarItem[] | null;
  loading: boolean;
  factors: readonly string[];
  counts: Record<string, number>;
  taxonomy: Taxonomy;
}) {
  return (
    <section className="card ed-panel" aria-labelledby="ed-h-seen" aria-busy={loading}>
      <h2 id="ed-h-seen">Seen before?</h2>
      {similar === null ? (
        <p className="muted small">Write a title and summary, or choose factors, to see similar past incidents.</p>
      ) : similar.length === 0 ? (
        <p className="muted small">Nothing similar among the incidents you can see.</p>
      ) : (
        <ul className="ed-similar" aria-label="Similar past incidents">
          {similar.map((s) => (
            <li key={s.id}>
              <a href={`/incidents/${s.id}`} target="_blank" rel="noreferrer">
                {s.title}
              </a>
              {(s.sharedFactors.length > 0 || s.matchedTerms.length > 0) && (
                <div className="muted small">
                  {s.sharedFactors.length > 0 && <span>Shares {s.sharedFactors.join(", ")}</span>}
                  {s.sharedFactors.length > 0 && s.matchedTerms.length > 0 && " · "}
                  {s.matchedTerms.length > 0 && <span>matched: {s.matchedTerms.join(", ")}</span>}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {factors.length > 0 && (
        <>
          <h3 className="ed-panel__sub">How often these factors recur</h3>
          <ul className="ed-recur" aria-label="Factor recurrence">
            {factors.map((f) => {
              const id = taxonomy.canonicalId(f) ?? f;
              const n = counts[id] ?? 0;
              return (
                <li key={f}>
                  <a href={`/factors/${id}`} target="_blank" rel="noreferrer">
                    {taxonomy.get(id)?.name ?? f}
                  </a>
                  <span className={n >= 3 ? "badge badge--recurred" : "chip"}>
                    {n === 0 ? "first time" : `${n} incident${n === 1 ? "" : "s"}`}
                  </span>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
