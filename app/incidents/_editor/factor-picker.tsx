"use client";

import { useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { countermeasuresAddressing, removeFactor, restoreFactor, type EditorForm, type FactorRemoval } from "@/lib/editor/form";
import type { KnowledgeIncident } from "@/lib/knowledge/incident-view";
import { noteFromDescription, suggestFactors, type FactorSuggestion } from "@/lib/knowledge/suggest";
import type { Taxonomy } from "@/lib/schema/taxonomy";
import { FieldErrors } from "./inputs";
import type { SetForm } from "./form-state";

/** Contributing factors: suggestions from the author's own words, a searchable taxonomy, and a note per chosen factor. */
export function FactorPicker({
  form,
  setForm,
  taxonomy,
  past,
  counts,
  errors,
}: {
  form: EditorForm;
  setForm: SetForm;
  taxonomy: Taxonomy;
  past: readonly KnowledgeIncident[];
  counts: Record<string, number>;
  errors: (f: string) => string[] | undefined;
}) {
  const [describe, setDescribe] = useState("");
  const [filter, setFilter] = useState("");
  const describeDeferred = useDeferredValue(describe);
  const chosen = form.factors.map((f) => f.factor);
  const add = (factor: string, note = "") =>
    setForm((f) => (f.factors.some((x) => x.factor === factor) ? f : { ...f, factors: [...f.factors, { factor, note }] }));
  // Removing a factor that countermeasures address takes it off them too: asked first, then said, with an undo.
  const [pending, setPending] = useState<string | null>(null);
  const [removed, setRemoved] = useState<Omit<FactorRemoval, "form"> | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!pending) return;
    confirmRef.current?.scrollIntoView({ block: "center", behavior: "smooth" });
    confirmRef.current?.querySelector<HTMLButtonElement>("button")?.focus({ preventScroll: true });
  }, [pending]);
  const reallyRemove = (factor: string) => {
    const r = removeFactor(form, factor);
    setPending(null);
    if (!r) return;
    setForm((f) => removeFactor(f, factor)?.form ?? f);
    setRemoved(r.stripped.length > 0 ? { factor: r.factor, index: r.index, stripped: r.stripped } : null);
  };
  const remove = (factor: string) => {
    if (countermeasuresAddressing(form, factor).length > 0) setPending(factor);
    else reallyRemove(factor);
  };
  const undo = () => {
    if (!removed) return;
    setForm((f) => restoreFactor(f, removed));
    setRemoved(null);
  };
  const nameOf = (id: string) => taxonomy.get(id)?.name ?? id;
  const cmLabel = (c: { id: string; title: string }) => `${c.id}${c.title.trim() ? ` “${c.title.trim()}”` : ""}`;

  const fromWords = useMemo<FactorSuggestion[]>(
    () => (describeDeferred.trim().length < 3 ? [] : suggestFactors(describeDeferred, taxonomy, past, { exclude: chosen, limit: 5, minConfidence: 0.25 })),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `chosen` is derived from form.factors
    [describeDeferred, taxonomy, past, form.factors],
  );
  const draftText = useDeferredValue(`${form.title}\n${form.summary}\n${form.impact}`);
  const fromDraft = useMemo<FactorSuggestion[]>(
    () => (draftText.trim().length < 12 ? [] : suggestFactors({ title: form.title, summary: `${form.summary} ${form.impact}` }, taxonomy, past, { exclude: chosen, limit: 4, minConfidence: 0.5 })),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- recomputed from the deferred text only
    [draftText, taxonomy, past, form.factors],
  );

  const q = filter.trim().toLowerCase();
  const groups = taxonomy.categories
    .map((c) => ({
      category: c,
      factors: taxonomy.active.filter(
        (f) => f.category === c.id && (!q || `${f.name} ${f.id} ${f.aliases.join(" ")} ${f.description}`.toLowerCase().includes(q)),
      ),
    }))
    .filter((g) => g.factors.length > 0);

  return (
    <div className="ed-factors">
      {removed && (
        <div className="alert alert--warn ed-factor-removed" role="status">
          <span>
            Removed <strong>{nameOf(removed.factor.factor)}</strong>. {removed.stripped.length === 1 ? "This countermeasure no longer addresses it" : "These countermeasures no longer address it"}:{" "}
            {removed.stripped.map(cmLabel).join(", ")}.
          </span>
          <span className="row">
            <button type="button" className="btn btn--small" onClick={undo}>
              Undo
            </button>
            <button type="button" className="btn btn--small ed-ghost" onClick={() => setRemoved(null)}>
              OK
            </button>
          </span>
        </div>
      )}
      {form.factors.length > 0 && (
        <ul className="ed-chosen" aria-label="Chosen factors">
          {form.factors.map((ref) => {
            const f = taxonomy.get(ref.factor);
            const n = counts[taxonomy.canonicalId(ref.factor) ?? ref.factor] ?? 0;
            return (
              <li key={ref.factor} className={`ed-chosen__item ${errors(`factors:${ref.factor}`) ? "ed-invalid" : ""}`}>
                <div className="ed-chosen__head">
                  <div>
                    <strong>{f?.name ?? ref.factor}</strong>
                    <span className="muted small"> · {taxonomy.category(f?.category ?? "")?.name ?? "unknown factor"}</span>
                    {n > 0 && <span className="badge badge--recurred ed-count">seen in {n} incident{n === 1 ? "" : "s"}</span>}
                  </div>
                  <button type="button" className="ed-icon ed-icon--danger" aria-label={`Remove factor ${f?.name ?? ref.factor}`} onClick={() => remove(ref.factor)}>
                    ×
                  </button>
                </div>
                {pending === ref.factor && (
                  <div ref={confirmRef} className="alert alert--warn ed-factor-confirm" role="alert">
                    <span>
                      {countermeasuresAddressing(form, ref.factor).length === 1 ? "A countermeasure addresses" : `${countermeasuresAddressing(form, ref.factor).length} countermeasures address`} this factor:{" "}
                      {countermeasuresAddressing(form, ref.factor).map(cmLabel).join(", ")}. Removing the factor takes it off {countermeasuresAddressing(form, ref.factor).length === 1 ? "it" : "them"} too.
                    </span>
                    <span className="row">
                      <button type="button" className="btn btn--small btn--primary" onClick={() => reallyRemove(ref.factor)}>
                        Remove anyway
                      </button>
                      <button type="button" className="btn btn--small" onClick={() => setPending(null)}>
                        Keep it
                      </button>
                    </span>
                  </div>
                )}
                <label className="visually-hidden" htmlFor={`ed-factor-${ref.factor}`}>
                  Note for {f?.name ?? ref.factor}
                </label>
                <textarea
                  id={`ed-factor-${ref.factor}`}
                  rows={2}
                  placeholder="How this factor showed up in this incident"
                  value={ref.note}
                  onChange={(e) => {
                    const note = e.target.value;
                    setForm((fm) => ({ ...fm, factors: fm.factors.map((x) => (x.factor === ref.factor ? { ...x, note } : x)) }));
                  }}
                />
                <FieldErrors messages={errors(`factors:${ref.factor}`)} />
              </li>
            );
          })}
        </ul>
      )}

      <div className="ed-factor-grid">
        <div className="field">
          <label htmlFor="ed-describe">Describe a factor in your words</label>
          <textarea
            id="ed-describe"
            rows={3}
            value={describe}
            placeholder="e.g. the connection pool ran out during the batch, nobody saw the warning among all the others"
            onChange={(e) => setDescribe(e.target.value)}
          />
          <div className="ed-suggestions" aria-live="polite">
            {fromWords.length > 0 ? (
              <ul aria-label="Suggested factors" className="ed-suggest-list">
                {fromWords.map((s) => (
                  <li key={s.factor}>
                    <button
                      type="button"
                      className="ed-suggest"
                      title={s.reasons.join("; ")}
                      onClick={() => {
                        add(s.factor, noteFromDescription(describe));
                        setDescribe("");
                      }}
                    >
                      <span className="ed-suggest__plus" aria-hidden="true">
                        +
                      </span>
                      <span className="ed-suggest__name">{s.name}</span>
                      <span className="ed-confidence" aria-label={`confidence ${Math.round(s.confidence * 100)}%`}>
                        {Math.round(s.confidence * 100)}%
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : describe.trim().length >= 3 ? (
              <p className="muted small">No close match in the taxonomy yet: keep describing, or pick from the list.</p>
            ) : null}
          </div>
          {fromDraft.length > 0 && (
            <div className="ed-from-draft">
              <div className="label">From your title and summary</div>
              <div className="row">
                {fromDraft.map((s) => (
                  <button key={s.factor} type="button" className="ed-pill" title={s.reasons.join("; ")} onClick={() => add(s.factor)}>
                    + {s.name} <span className="ed-confidence">{Math.round(s.confidence * 100)}%</span>
                  </button>
                ))}
              </div>
            </div>
          )}
        </div>

        <div className="field">
          <label htmlFor="ed-factor-filter">Browse the taxonomy</label>
          <input id="ed-factor-filter" type="search" placeholder="Filter factors" value={filter} onChange={(e) => setFilter(e.target.value)} />
          <div className="ed-taxonomy" role="group" aria-label="Factors by category">
            {taxonomy.active.length === 0 ? (
              <p className="muted small ed-taxonomy__empty">
                This knowledge base has no contributing factors to choose from yet: they are defined in <code>factors.yml</code> at the root of the content repository. An
                admin can start one with <code>npm run kaizen -- init</code>. You can save this post-mortem without factors meanwhile.
              </p>
            ) : (
              groups.length === 0 && <p className="muted small">No factor matches “{filter}”.</p>
            )}
            {groups.map((g) => (
              <div key={g.category.id} className="ed-taxonomy__group">
                <div className="ed-taxonomy__cat">{g.category.name}</div>
                {g.factors.map((f) => {
                  const on = chosen.includes(f.id);
                  return (
                    <label key={f.id} className="ed-taxonomy__item" title={f.description}>
                      <input type="checkbox" checked={on} onChange={() => (on ? remove(f.id) : add(f.id))} />
                      <span>{f.name}</span>
                      {(counts[f.id] ?? 0) > 0 && <span className="muted small">{counts[f.id]}</span>}
                    </label>
                  );
                })}
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
