"use client";

import "./editor.css";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { fetchSimilar, rememberMerge, saveThroughApi } from "@/lib/editor/client-api";
import type { EditorData } from "@/lib/pages/editor";
import { formToText, mergeProblems, placeProblems, problemsWhileWriting, type EditorForm } from "@/lib/editor/form";
import { incidentIdFrom } from "@/lib/editor/ids";
import { Taxonomy } from "@/lib/schema/taxonomy";
import { ID_PATTERN } from "@/lib/schema/common";
import { PublicPreview } from "./public-preview";
import { ConflictView } from "./conflict-view";
import { Field } from "./inputs";
import { BlamelessPanel, SeenBeforePanel, type SimilarItem } from "./side-panel";
import { DraftOffer, LoadProblems, StashedText } from "./banners";
import { check, formFromText, type Checked } from "./checks";
import type { SetForm } from "./form-state";
import { initialSaveState, isBusy, saveReducer } from "./save-state";
import { SaveBar } from "./save-bar";
import { BasicsSection, CountermeasuresSection, FactorsSection, SummarySection, TimelineSection, WriteUpSection } from "./sections";
import { useLocalDraft } from "./use-local-draft";

/** Similar past incidents for what the author has written so far (debounced, the stale request aborted). */
function useSimilar(form: EditorForm, exclude: string | null) {
  const [similar, setSimilar] = useState<SimilarItem[] | null>(null);
  const [loading, setLoading] = useState(false);
  const factorIds = form.factors.map((f) => f.factor).join(",");
  // The draft as "Seen before?" reads it: title, summary, timeline events and impact (one string, so the effect below
  // runs when one of them changes, not on every render).
  const draft = JSON.stringify({ title: form.title, summary: form.summary, timeline: form.timeline.map((r) => r.event).filter((e) => e.trim()), text: form.impact });
  const enabled = `${form.title}${form.summary}${form.impact}`.trim().length >= 12 || factorIds !== "";
  useEffect(() => {
    const factors = factorIds ? factorIds.split(",") : [];
    if (!enabled) return;
    const ctl = new AbortController();
    const t = setTimeout(async () => {
      setLoading(true);
      const fields = JSON.parse(draft) as { title: string; summary: string; timeline: string[]; text: string };
      const r = await fetchSimilar({ ...fields, factors, ...(exclude ? { exclude } : {}) }, ctl.signal);
      if (!ctl.signal.aborted) {
        if (r) setSimilar(r);
        setLoading(false);
      }
    }, 700);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [draft, factorIds, enabled, exclude]);
  return { similar: enabled ? similar : null, loading };
}

/** The structured post-mortem editor: fields, timeline, factors, countermeasures, body, hints, drafts, conflicts. */
export function IncidentEditor({ data }: { data: EditorData }) {
  const router = useRouter();
  const taxonomy = useMemo(() => new Taxonomy(data.taxonomy), [data.taxonomy]);
  const file = `incidents/${data.id ?? "new"}.mdx`;
  const openedText = useMemo(() => formToText(data.form, data.baseText), [data.form, data.baseText]);
  const [form, setFormState] = useState<EditorForm>(data.form);
  // The text the form's values are applied onto (so comments and untouched lines survive a save): the file as opened,
  // the version loaded from a conflict, or a restored draft.
  const [baseText, setBaseText] = useState(data.baseText);
  const [savedText, setSavedText] = useState(openedText);
  const [baseBlob, setBaseBlob] = useState(data.baseBlob);
  const [newId, setNewId] = useState(data.id ?? "");
  const [checked, setChecked] = useState<Checked>(() => check(data.form, data.baseText, file, taxonomy));
  const [saveState, dispatch] = useReducer(saveReducer, data.syncConflict, initialSaveState);
  const [stash, setStash] = useState<string | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const leaving = useRef(false);
  const touched = useRef(false);

  const setForm: SetForm = useCallback((fn) => {
    touched.current = true;
    setFormState(fn);
    dispatch({ type: "edited" });
  }, []);

  const text = useMemo(() => formToText(form, baseText), [form, baseText]);
  const dirty = text !== savedText || newId !== (data.id ?? "");
  const draft = useLocalDraft({ id: data.id, openedText, openedNewId: data.id ?? "", text, newId, baseBlob, dirty, touched, leaving });

  // Validation and hints follow typing with a short delay, so long bodies do not slow the keyboard down.
  useEffect(() => {
    const t = setTimeout(() => setChecked(check(form, baseText, file, taxonomy)), 250);
    return () => clearTimeout(t);
  }, [form, baseText, file, taxonomy]);

  const { similar, loading: similarLoading } = useSimilar(form, data.id);

  // A new post-mortem's empty required fields are marked once the writer tries to save, not before they type.
  const [triedSave, setTriedSave] = useState(data.mode !== "new");
  const shownChecks = useMemo(() => (triedSave ? checked.problems : problemsWhileWriting(checked.problems, checked.form, data.form)), [triedSave, checked, data.form]);
  const toFillIn = useMemo(() => checked.problems.filter((p) => !shownChecks.includes(p)).map((p) => p.field), [checked.problems, shownChecks]);
  const problems = useMemo(() => mergeProblems(shownChecks, saveState.serverProblems), [shownChecks, saveState.serverProblems]);
  const placed = useMemo(() => placeProblems(problems, checked.form, checked.text), [problems, checked]);
  const errors = useCallback((field: string) => placed.byField.get(field), [placed]);
  const idValid = data.mode === "new" || ID_PATTERN.test(newId);
  const busy = isBusy(saveState);

  const save = useCallback(
    async (base: string | null = baseBlob) => {
      if (busy) return;
      setTriedSave(true);
      dispatch({ type: "start" });
      const outcome = await saveThroughApi({ id: data.id, text, baseBlob: base, newId: newId || undefined });
      if (outcome.kind === "saved") {
        leaving.current = true;
        draft.clear();
        setSavedText(text);
        if (outcome.merged) rememberMerge(outcome.id, outcome.merged);
        dispatch({ type: "saved" });
        router.push(`/incidents/${outcome.id}`);
      } else if (outcome.kind === "conflict") {
        dispatch({ type: "conflict", conflict: { currentText: outcome.currentText, currentBlob: outcome.currentBlob, message: outcome.message, baseText: outcome.baseText, hunks: outcome.hunks } });
        window.scrollTo({ top: 0, behavior: "smooth" });
      } else if (outcome.kind === "invalid") {
        dispatch({ type: "refused", problems: outcome.problems });
      } else {
        dispatch({ type: "failed", message: outcome.message });
      }
    },
    [busy, baseBlob, data.id, text, newId, router, draft],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save]);

  const conflict = saveState.conflict;
  const saveMineOverTheirs = () => {
    if (!conflict) return;
    setBaseBlob(conflict.currentBlob);
    dispatch({ type: "conflict-closed" });
    void save(conflict.currentBlob);
  };
  const loadTheirs = () => {
    if (!conflict?.currentText) return;
    setStash(text);
    const theirs = formFromText(conflict.currentText);
    setFormState(theirs);
    setBaseText(conflict.currentText);
    setSavedText(formToText(theirs, conflict.currentText));
    setBaseBlob(conflict.currentBlob);
    dispatch({ type: "conflict-closed" });
  };
  const restoreDraft = () => {
    const offer = draft.offer;
    if (!offer) return;
    touched.current = true;
    setFormState(formFromText(offer.text));
    // The draft's text was itself applied onto its base: starting from it keeps what that base had.
    setBaseText(offer.text);
    setBaseBlob(offer.baseBlob);
    if (data.mode === "edit" && offer.newId) setNewId(offer.newId);
    draft.dismiss();
  };
  const discardDraft = () => {
    draft.clear();
    draft.dismiss();
  };
  const jumpToFirstProblem = () => {
    const el = document.querySelector<HTMLElement>(".ed-invalid input, .ed-invalid textarea, .ed-invalid select");
    if (el) {
      el.scrollIntoView({ block: "center", behavior: "smooth" });
      el.focus({ preventScroll: true });
    } else if (placed.body.length) bodyRef.current?.focus();
  };

  let idPreview = "";
  try {
    idPreview = incidentIdFrom(form.title || "incident", form.started_at, () => false);
  } catch {
    idPreview = "";
  }

  const heading = data.mode === "new" ? "New post-mortem" : form.title || data.id || "Edit post-mortem";
  const sectionProps = { form, setForm, errors };

  return (
    <main id="main" className="ed-main">
      <div className="page-head ed-head">
        <div>
          <div className="eyebrow">
            <Link href="/incidents">Incidents</Link>
            {data.mode === "edit" && data.id && (
              <>
                {" / "}
                <Link href={`/incidents/${data.id}`}>{data.id}</Link>
              </>
            )}
            {" / "}
            {data.mode === "new" ? "New" : "Edit"}
          </div>
          <h1>{heading}</h1>
          <p>
            {data.mode === "new"
              ? "Tell the story of what happened so that someone who was not there can learn from it. Everything is kept in this browser until you save."
              : "Saving commits a new version to the knowledge base with you as the author."}
          </p>
        </div>
      </div>

      {draft.offer && <DraftOffer draft={draft.offer} timeZone={data.timeZone} onRestore={restoreDraft} onDiscard={discardDraft} />}
      <LoadProblems problems={data.loadProblems} />
      {conflict && <ConflictView conflict={conflict} mine={text} saving={busy} onSaveMine={saveMineOverTheirs} onLoadTheirs={loadTheirs} />}
      {stash !== null && <StashedText text={stash} onHide={() => setStash(null)} />}
      {saveState.error && (
        <div className="alert alert--danger ed-banner" role="alert">
          {saveState.error}
        </div>
      )}

      <div className="ed-layout">
        <div className="ed-form">
          <BasicsSection {...sectionProps} facets={data.facets} canManageVisibility={data.viewer.canManageVisibility} autoFocus={data.mode === "new"} publishThroughReview={data.publishThroughReview} />
          <SummarySection {...sectionProps} />
          <TimelineSection {...sectionProps} timeZone={data.timeZone} />
          <FactorsSection {...sectionProps} taxonomy={taxonomy} past={data.pastIncidents} counts={data.factorCounts} />
          <CountermeasuresSection {...sectionProps} taxonomy={taxonomy} people={data.facets.people} timeZone={data.timeZone} />
          <WriteUpSection form={form} setForm={setForm} textareaRef={bodyRef} />
          <PublicPreview form={form} setForm={setForm} />

          {placed.other.length > 0 && (
            <div className="alert alert--danger" role="alert">
              {placed.other.map((p, i) => (
                <div key={i}>
                  {p.field}: {p.message}
                </div>
              ))}
            </div>
          )}

          {data.mode === "edit" ? (
            <details className="card ed-advanced">
              <summary>Advanced: incident ID</summary>
              <Field
                label="ID"
                htmlFor="ed-id"
                errors={idValid ? undefined : ["expected lowercase letters, digits and dashes (max 81)"]}
                hint="The ID is the file name and the address of the page. Changing it renames the file with its history; the old address keeps working."
              >
                <input
                  id="ed-id"
                  type="text"
                  value={newId}
                  spellCheck={false}
                  onChange={(e) => {
                    touched.current = true;
                    setNewId(e.target.value.trim());
                  }}
                />
              </Field>
            </details>
          ) : (
            idPreview && (
              <p className="muted small ed-idnote">
                Will be saved as <code>{idPreview}</code> (from the start date and the title).
              </p>
            )
          )}
        </div>

        <aside className="ed-aside" aria-label="Writing help">
          <BlamelessPanel hints={checked.hints} />
          <SeenBeforePanel similar={similar} loading={similarLoading} factors={form.factors.map((f) => f.factor)} counts={data.factorCounts} taxonomy={taxonomy} />
          {checked.warnings.length > 0 && (
            <section className="card ed-panel" aria-labelledby="ed-h-warn">
              <h2 id="ed-h-warn">Worth a look</h2>
              <ul className="ed-warnings small">
                {checked.warnings.map((w, i) => (
                  <li key={i}>{w.message}</li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>

      <SaveBar
        mode={data.mode}
        cancelHref={data.id ? `/incidents/${data.id}` : "/incidents"}
        problemCount={problems.length}
        toFillIn={toFillIn}
        hintCount={checked.hints.length}
        dirty={dirty}
        busy={busy}
        onJumpToProblem={jumpToFirstProblem}
        onSave={() => void save()}
      />
    </main>
  );
}
