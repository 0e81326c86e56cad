"use client";

import "./editor.css";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { clearDraft, fetchSimilar, readDraft, rememberMerge, saveThroughApi, writeDraft, type LocalDraft } from "@/lib/editor/client-api";
import type { EditorData } from "@/lib/pages/editor";
import { formFromData, formToText, mergeProblems, placeProblems, type EditorForm } from "@/lib/editor/form";
import { incidentIdFrom } from "@/lib/editor/ids";
import { parseIncidentText } from "@/lib/content/incident-file";
import { splitDocument } from "@/lib/content/frontmatter";
import { Taxonomy } from "@/lib/schema/taxonomy";
import { lintBlameless } from "@/lib/lint/blameless";
import { ID_PATTERN } from "@/lib/schema/common";
import { KINDS, SEVERITIES, STATUSES, VISIBILITIES } from "@/lib/schema/incident";
import type { Problem } from "@/lib/schema/problems";
import { BodyEditor } from "./body-editor";
import { PublicPreview } from "./public-preview";
import { ConflictView, type Conflict } from "./conflict-view";
import { CountermeasureEditor } from "./countermeasure-editor";
import { FactorPicker } from "./factor-picker";
import { Field, TagInput } from "./inputs";
import { BlamelessPanel, SeenBeforePanel, type EditorHint, type SimilarItem } from "./side-panel";
import { KeyTimes, TimelineEditor } from "./timeline-editor";

type SetForm = (fn: (f: EditorForm) => EditorForm) => void;

const STATUS_LABELS = { draft: "Draft", "in-review": "In review", published: "Published" } as const;
const KIND_LABELS = { incident: "Incident", "near-miss": "Near miss" } as const;

function offsetOf(text: string, line: number, col: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return at + col - 1;
}

/** Blameless hints over every prose field, each pointing at the control that holds the phrase. */
function blamelessHints(form: EditorForm): EditorHint[] {
  const out: EditorHint[] = [];
  const scan = (where: string, target: string, text: string) => {
    for (const h of lintBlameless(text, 1)) out.push({ ...h, where, target, start: offsetOf(text, h.line, h.col) });
  };
  scan("Summary", "ed-summary", form.summary);
  scan("Impact", "ed-impact", form.impact);
  form.timeline.forEach((r, i) => scan(`Timeline row ${i + 1}`, `ed-tl-${r.key}`, r.event));
  form.factors.forEach((f) => scan(`Factor note (${f.factor})`, `ed-factor-${f.factor}`, f.note));
  scan("Write-up", "ed-body", form.body);
  return out;
}

interface Checked {
  form: EditorForm;
  text: string;
  problems: Problem[];
  warnings: Problem[];
  hints: EditorHint[];
}

function check(form: EditorForm, baseText: string | null, file: string, taxonomy: Taxonomy): Checked {
  const text = formToText(form, baseText);
  const r = parseIncidentText(file, text, taxonomy);
  return { form, text, problems: r.ok ? [] : r.problems, warnings: r.ok ? r.warnings : [], hints: blamelessHints(form) };
}

function formFromText(text: string): EditorForm {
  const split = splitDocument(text);
  return split.ok ? formFromData(split.doc.data, split.doc.body) : formFromData({}, text);
}

const timeFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** The structured post-mortem editor: fields, timeline, factors, countermeasures, body, hints, drafts, conflicts. */
export function IncidentEditor({ data }: { data: EditorData }) {
  const router = useRouter();
  const taxonomy = useMemo(() => new Taxonomy(data.taxonomy), [data.taxonomy]);
  const file = `incidents/${data.id ?? "new"}.mdx`;
  const [form, setFormState] = useState<EditorForm>(data.form);
  // The text the form's values are applied onto (so comments and untouched lines survive a save): the file as opened,
  // the version loaded from a conflict, or a restored draft.
  const [baseText, setBaseText] = useState(data.baseText);
  const [savedText, setSavedText] = useState(() => formToText(data.form, data.baseText));
  const [baseBlob, setBaseBlob] = useState(data.baseBlob);
  const [newId, setNewId] = useState(data.id ?? "");
  const [checked, setChecked] = useState<Checked>(() => check(data.form, data.baseText, file, taxonomy));
  const [serverProblems, setServerProblems] = useState<Problem[]>([]);
  const [conflict, setConflict] = useState<Conflict | null>(data.syncConflict);
  const [stash, setStash] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [draftOffer, setDraftOffer] = useState<LocalDraft | null>(null);
  const [similar, setSimilar] = useState<SimilarItem[] | null>(null);
  const [similarLoading, setSimilarLoading] = useState(false);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const leaving = useRef(false);
  const touched = useRef(false);

  const setForm: SetForm = useCallback((fn) => {
    touched.current = true;
    setFormState(fn);
    setServerProblems([]);
  }, []);

  const text = useMemo(() => formToText(form, baseText), [form, baseText]);
  const dirty = text !== savedText || newId !== (data.id ?? "");

  // A draft left by a crash or a closed tab is offered back, never applied silently.
  useEffect(() => {
    const d = readDraft(data.id);
    if (!d || (d.text === formToText(data.form, data.baseText) && d.newId === (data.id ?? ""))) return;
    // Deferred: localStorage exists only in the browser, and the server-rendered page must hydrate first.
    const t = setTimeout(() => setDraftOffer(d), 0);
    return () => clearTimeout(t);
  }, [data.id, data.form, data.baseText]);

  // Every change is kept in this browser until it is saved.
  useEffect(() => {
    if (!touched.current || leaving.current) return;
    if (!dirty) return;
    writeDraft(data.id, { savedAt: new Date().toISOString(), baseBlob, newId, text });
  }, [text, newId, baseBlob, dirty, data.id]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      if (leaving.current) return;
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  // Validation and hints follow typing with a short delay, so long bodies do not slow the keyboard down.
  useEffect(() => {
    const t = setTimeout(() => setChecked(check(form, baseText, file, taxonomy)), 250);
    return () => clearTimeout(t);
  }, [form, baseText, file, taxonomy]);

  const factorIds = form.factors.map((f) => f.factor).join(",");
  const similarText = `${form.title}\n${form.summary}\n${form.impact}`;
  const similarEnabled = similarText.trim().length >= 12 || factorIds !== "";
  useEffect(() => {
    const factors = factorIds ? factorIds.split(",") : [];
    if (!similarEnabled) return;
    const ctl = new AbortController();
    const t = setTimeout(async () => {
      setSimilarLoading(true);
      const r = await fetchSimilar({ text: similarText, factors, ...(data.id ? { exclude: data.id } : {}) }, ctl.signal);
      if (!ctl.signal.aborted) {
        if (r) setSimilar(r);
        setSimilarLoading(false);
      }
    }, 700);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [similarText, factorIds, similarEnabled, data.id]);

  const problems = useMemo(() => mergeProblems(checked.problems, serverProblems), [checked.problems, serverProblems]);
  const placed = useMemo(() => placeProblems(problems, checked.form, checked.text), [problems, checked]);
  const errors = useCallback((field: string) => placed.byField.get(field), [placed]);
  const problemCount = problems.length;
  const idValid = data.mode === "new" || ID_PATTERN.test(newId);

  const save = useCallback(
    async (base: string | null = baseBlob) => {
      if (saving) return;
      setSaving(true);
      setError(null);
      const outcome = await saveThroughApi({ id: data.id, text, baseBlob: base, newId: newId || undefined });
      if (outcome.kind === "saved") {
        leaving.current = true;
        clearDraft(data.id);
        setSavedText(text);
        if (outcome.merged) rememberMerge(outcome.id, outcome.merged);
        router.push(`/incidents/${outcome.id}`);
        return;
      }
      setSaving(false);
      if (outcome.kind === "conflict") {
        setConflict({ currentText: outcome.currentText, currentBlob: outcome.currentBlob, message: outcome.message, baseText: outcome.baseText, hunks: outcome.hunks });
        window.scrollTo({ top: 0, behavior: "smooth" });
      } else if (outcome.kind === "invalid") {
        setServerProblems(outcome.problems);
        setError(`Not saved: ${outcome.problems.length} problem${outcome.problems.length === 1 ? "" : "s"} to fix (marked below).`);
      } else {
        setError(outcome.message);
      }
    },
    [saving, baseBlob, data.id, text, newId, router],
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

  const saveMineOverTheirs = () => {
    if (!conflict) return;
    setBaseBlob(conflict.currentBlob);
    setConflict(null);
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
    setConflict(null);
  };
  const restoreDraft = () => {
    if (!draftOffer) return;
    touched.current = true;
    setFormState(formFromText(draftOffer.text));
    // The draft's text was itself applied onto its base: starting from it keeps what that base had.
    setBaseText(draftOffer.text);
    setBaseBlob(draftOffer.baseBlob);
    if (data.mode === "edit" && draftOffer.newId) setNewId(draftOffer.newId);
    setDraftOffer(null);
  };
  const discardDraft = () => {
    clearDraft(data.id);
    setDraftOffer(null);
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
  const restricted = form.visibility === "restricted";

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

      {draftOffer && (
        <div className="alert alert--info ed-banner" role="status">
          <span>Restore your unsaved draft from {timeFmt.format(new Date(draftOffer.savedAt))}?</span>
          <span className="row">
            <button type="button" className="btn btn--small btn--primary" onClick={restoreDraft}>
              Restore draft
            </button>
            <button type="button" className="btn btn--small" onClick={discardDraft}>
              Discard it
            </button>
          </span>
        </div>
      )}
      {data.loadProblems.length > 0 && (
        <div className="alert alert--warn ed-banner" role="status">
          <div>
            <strong>This file had problems when it was opened.</strong> Values that could not be read were left empty; fix what is marked and save.
            <ul className="ed-problem-list">
              {data.loadProblems.map((p, i) => (
                <li key={i}>
                  <code>
                    {p.line}:{p.col}
                  </code>{" "}
                  {p.field} — {p.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {conflict && <ConflictView conflict={conflict} mine={text} saving={saving} onSaveMine={saveMineOverTheirs} onLoadTheirs={loadTheirs} />}
      {stash !== null && (
        <details className="card ed-stash" open>
          <summary>Your version before you loaded theirs (copy what you need)</summary>
          <label htmlFor="ed-stash" className="visually-hidden">
            Your previous text
          </label>
          <textarea id="ed-stash" readOnly rows={10} value={stash} />
          <button type="button" className="btn btn--small" onClick={() => setStash(null)}>
            Done, hide it
          </button>
        </details>
      )}
      {error && (
        <div className="alert alert--danger ed-banner" role="alert">
          {error}
        </div>
      )}

      <div className="ed-layout">
        <div className="ed-form">
          <section className="card ed-section" aria-labelledby="ed-h-basics">
            <h2 id="ed-h-basics">Basics</h2>
            <div className="ed-grid">
              <Field label="Title" htmlFor="ed-title" errors={errors("title")} className="ed-span-all" hint="What happened and where, in plain words: “Checkout latency as the Redis pool saturates”.">
                <input id="ed-title" type="text" value={form.title} autoFocus={data.mode === "new"} onChange={(e) => {
                  const v = e.target.value;
                  setForm((f) => ({ ...f, title: v }));
                }} />
              </Field>
              <Field label="Kind" htmlFor="ed-kind" errors={errors("kind")}>
                <select id="ed-kind" value={form.kind} onChange={(e) => {
                  const v = KINDS.find((k) => k === e.target.value) ?? "incident";
                  setForm((f) => ({ ...f, kind: v }));
                }}>
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Severity" htmlFor="ed-severity" errors={errors("severity")}>
                <select id="ed-severity" value={form.severity} onChange={(e) => {
                  const v = SEVERITIES.find((s) => s === e.target.value) ?? "";
                  setForm((f) => ({ ...f, severity: v }));
                }}>
                  <option value="">{form.kind === "near-miss" ? "None" : "Choose…"}</option>
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                label="Status"
                htmlFor="ed-status"
                errors={errors("status")}
                hint={data.publishThroughReview ? "Published through review: request reviewers in the incident page's Review panel (kaizen.yml review.required)." : undefined}
              >
                <select id="ed-status" value={form.status} onChange={(e) => {
                  const v = STATUSES.find((s) => s === e.target.value) ?? "draft";
                  setForm((f) => ({ ...f, status: v }));
                }}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s} disabled={s === "published" && data.publishThroughReview && form.status !== "published"}>
                      {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              </Field>
              {data.viewer.canManageVisibility ? (
                <>
                  <Field label="Visibility" htmlFor="ed-visibility" errors={errors("visibility")}>
                    <select id="ed-visibility" value={form.visibility} onChange={(e) => {
                      const v = VISIBILITIES.find((x) => x === e.target.value) ?? "internal";
                      setForm((f) => ({ ...f, visibility: v }));
                    }}>
                      {VISIBILITIES.map((v) => (
                        <option key={v} value={v}>
                          {v === "internal" ? "Everyone signed in" : "Restricted to groups"}
                        </option>
                      ))}
                    </select>
                  </Field>
                  {restricted && (
                    <TagInput id="ed-groups" label="Groups who may read it" values={form.groups} options={data.facets.groups} errors={errors("groups")} onChange={(groups) => setForm((f) => ({ ...f, groups }))} placeholder="e.g. security" />
                  )}
                </>
              ) : (
                restricted && (
                  <div className="field ed-span-all">
                    <span className="label">Visibility</span>
                    <span className="small">
                      Restricted to {form.groups.join(", ")}. Only admins change who may read an incident.
                    </span>
                  </div>
                )
              )}
              <TagInput id="ed-services" label="Services" values={form.services} options={data.facets.services} errors={errors("services")} onChange={(services) => setForm((f) => ({ ...f, services }))} placeholder="checkout-api" />
              <TagInput id="ed-teams" label="Teams" values={form.teams} options={data.facets.teams} errors={errors("teams")} onChange={(teams) => setForm((f) => ({ ...f, teams }))} placeholder="checkout" />
              <TagInput id="ed-tags" label="Tags" values={form.tags} options={data.facets.tags} errors={errors("tags")} onChange={(tags) => setForm((f) => ({ ...f, tags }))} placeholder="redis, latency" />
              <TagInput id="ed-authors" label="Authors" values={form.authors} options={data.facets.people} errors={errors("authors")} onChange={(authors) => setForm((f) => ({ ...f, authors }))} placeholder="e-mail or handle" />
            </div>
          </section>

          <section className="card ed-section" aria-labelledby="ed-h-summary">
            <h2 id="ed-h-summary">Summary and impact</h2>
            <div className="ed-grid ed-grid--2">
              <Field label="Summary" htmlFor="ed-summary" errors={errors("summary")} hint="One paragraph: shown in lists and search results.">
                <textarea id="ed-summary" rows={4} value={form.summary} onChange={(e) => {
                  const v = e.target.value;
                  setForm((f) => ({ ...f, summary: v }));
                }} />
              </Field>
              <Field label="Impact" htmlFor="ed-impact" errors={errors("impact")} hint="Who and what was affected, for how long, with figures.">
                <textarea id="ed-impact" rows={4} value={form.impact} onChange={(e) => {
                  const v = e.target.value;
                  setForm((f) => ({ ...f, impact: v }));
                }} />
              </Field>
            </div>
          </section>

          <section className="card ed-section" aria-labelledby="ed-h-timeline">
            <h2 id="ed-h-timeline">Timeline</h2>
            <p className="muted small ed-section__lead">All times are UTC. Key times give the time to detect, mitigate and resolve.</p>
            <KeyTimes form={form} setForm={setForm} errors={errors} />
            <TimelineEditor form={form} setForm={setForm} errors={errors} />
          </section>

          <section className="card ed-section" aria-labelledby="ed-h-factors">
            <h2 id="ed-h-factors">Contributing factors</h2>
            <p className="muted small ed-section__lead">The conditions that made this possible. Several, never one root cause; each with a note on how it showed up here.</p>
            <FactorPicker form={form} setForm={setForm} taxonomy={taxonomy} past={data.pastIncidents} counts={data.factorCounts} errors={errors} />
          </section>

          <section className="card ed-section" aria-labelledby="ed-h-cms">
            <h2 id="ed-h-cms">Countermeasures</h2>
            <CountermeasureEditor form={form} setForm={setForm} taxonomy={taxonomy} people={data.facets.people} errors={errors} />
          </section>

          <section className="card ed-section" aria-labelledby="ed-h-body">
            <h2 id="ed-h-body">Write-up</h2>
            <p className="muted small ed-section__lead">
              Markdown with a few components (<code>{"<Callout>"}</code>, <code>{"<Metric>"}</code>, <code>{"<Figure>"}</code>). The preview uses the same renderer as the incident page.
            </p>
            <BodyEditor value={form.body} onChange={(body) => setForm((f) => ({ ...f, body }))} textareaRef={bodyRef} />
          </section>
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
                <input id="ed-id" type="text" value={newId} spellCheck={false} onChange={(e) => {
                  touched.current = true;
                  setNewId(e.target.value.trim());
                }} />
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
          <SeenBeforePanel similar={similarEnabled ? similar : null} loading={similarLoading} factors={form.factors.map((f) => f.factor)} counts={data.factorCounts} taxonomy={taxonomy} />
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

      <div className="ed-savebar" role="region" aria-label="Save">
        <div className="ed-savebar__inner">
          <div className="ed-savebar__status small" aria-live="polite">
            {problemCount > 0 ? (
              <button type="button" className="ed-linkish ed-problems-link" onClick={jumpToFirstProblem}>
                {problemCount} problem{problemCount === 1 ? "" : "s"} to fix
              </button>
            ) : (
              <span className="ed-ok">✓ Ready to save</span>
            )}
            {checked.hints.length > 0 && (
              <>
                <span className="ed-sep"> · </span>
                <button
                  type="button"
                  className="ed-linkish ed-hints-link"
                  onClick={() => document.getElementById("ed-h-hints")?.scrollIntoView({ block: "start", behavior: "smooth" })}
                >
                  {checked.hints.length} wording hint{checked.hints.length === 1 ? "" : "s"}
                </button>
              </>
            )}
            <span className="muted">
              {dirty ? " · Unsaved changes, kept in this browser until you save" : " · No changes yet"}
            </span>
          </div>
          <Link className="btn" href={data.id ? `/incidents/${data.id}` : "/incidents"}>
            Cancel
          </Link>
          <button type="button" className="btn btn--primary" onClick={() => void save()} disabled={saving} aria-keyshortcuts="Control+S" aria-label={data.mode === "new" ? "Save post-mortem" : "Save changes"}>
            {saving ? (
              "Saving…"
            ) : (
              <>
                <span className="ed-save-long">{data.mode === "new" ? "Save post-mortem" : "Save changes"}</span>
                <span className="ed-save-short">Save</span>
              </>
            )}
          </button>
        </div>
      </div>
    </main>
  );
}
