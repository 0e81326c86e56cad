"use client";

import type { RefObject } from "react";
import type { EditorForm } from "@/lib/editor/form";
import type { EditorData } from "@/lib/pages/editor";
import type { KnowledgeIncident } from "@/lib/knowledge/incident-view";
import type { Taxonomy } from "@/lib/schema/taxonomy";
import { KINDS, SEVERITIES, STATUSES, VISIBILITIES } from "@/lib/schema/incident";
import { inputZoneLabel } from "@/lib/knowledge/dates";
import { BodyEditor } from "./body-editor";
import { CountermeasureEditor } from "./countermeasure-editor";
import { FactorPicker } from "./factor-picker";
import { fieldSetter, type FieldErrorsOf, type SetForm } from "./form-state";
import { ChoiceField, Field, TagInput } from "./inputs";
import { InlinePreview } from "./inline-preview";
import { KeyTimes, TimelineEditor } from "./timeline-editor";

const STATUS_LABELS = { draft: "Draft", "in-review": "In review", published: "Published" } as const;
const KIND_LABELS = { incident: "Incident", "near-miss": "Near miss" } as const;
const VISIBILITY_LABELS = { internal: "Everyone signed in", restricted: "Restricted to groups" } as const;

interface SectionProps {
  form: EditorForm;
  setForm: SetForm;
  errors: FieldErrorsOf;
}

/** Title, kind, severity, status, who may read it, and the lists that place the incident (services, teams, tags, authors). */
export function BasicsSection({ form, setForm, errors, facets, canManageVisibility, autoFocus, publishThroughReview }: SectionProps & { facets: EditorData["facets"]; canManageVisibility: boolean; autoFocus: boolean; publishThroughReview: boolean }) {
  const set = fieldSetter(setForm);
  const restricted = form.visibility === "restricted";
  return (
    <section className="card ed-section" aria-labelledby="ed-h-basics">
      <h2 id="ed-h-basics">Basics</h2>
      <div className="ed-grid">
        <Field label="Title" htmlFor="ed-title" errors={errors("title")} className="ed-span-all" hint="What happened and where, in plain words: “Checkout latency as the Redis pool saturates”.">
          <input id="ed-title" type="text" value={form.title} autoFocus={autoFocus} onChange={(e) => set("title")(e.target.value)} />
        </Field>
        <ChoiceField label="Kind" id="ed-kind" value={form.kind} choices={KINDS} labels={KIND_LABELS} fallback="incident" errors={errors("kind")} onChange={set("kind")} />
        <ChoiceField
          label="Severity"
          id="ed-severity"
          value={form.severity}
          choices={SEVERITIES}
          fallback=""
          empty={form.kind === "near-miss" ? "None" : "Choose…"}
          errors={errors("severity")}
          onChange={set("severity")}
        />
        <ChoiceField
          label="Status"
          id="ed-status"
          value={form.status}
          choices={STATUSES}
          labels={STATUS_LABELS}
          fallback="draft"
          errors={errors("status")}
          hint={publishThroughReview ? "Published through review: request reviewers in the incident page's Review panel (kaizen.yml review.required)." : undefined}
          disabled={(s) => s === "published" && publishThroughReview && form.status !== "published"}
          onChange={set("status")}
        />
        {canManageVisibility ? (
          <>
            <ChoiceField label="Visibility" id="ed-visibility" value={form.visibility} choices={VISIBILITIES} labels={VISIBILITY_LABELS} fallback="internal" errors={errors("visibility")} onChange={set("visibility")} />
            {restricted && <TagInput id="ed-groups" label="Groups who may read it" values={form.groups} options={facets.groups} errors={errors("groups")} onChange={set("groups")} placeholder="e.g. security" />}
          </>
        ) : (
          restricted && (
            <div className="field ed-span-all">
              <span className="label">Visibility</span>
              <span className="small">Restricted to {form.groups.join(", ")}. Only admins change who may read an incident.</span>
            </div>
          )
        )}
        <TagInput id="ed-services" label="Services" values={form.services} options={facets.services} errors={errors("services")} onChange={set("services")} placeholder="checkout-api" />
        <TagInput id="ed-teams" label="Teams" values={form.teams} options={facets.teams} errors={errors("teams")} onChange={set("teams")} placeholder="checkout" />
        <TagInput id="ed-tags" label="Tags" values={form.tags} options={facets.tags} errors={errors("tags")} onChange={set("tags")} placeholder="redis, latency" />
        <TagInput id="ed-authors" label="Authors" values={form.authors} options={facets.people} errors={errors("authors")} onChange={set("authors")} placeholder="e-mail or handle" />
      </div>
    </section>
  );
}

/** The two paragraphs lists and search show: summary and impact. */
export function SummarySection({ form, setForm, errors }: SectionProps) {
  const set = fieldSetter(setForm);
  return (
    <section className="card ed-section" aria-labelledby="ed-h-summary">
      <h2 id="ed-h-summary">Summary and impact</h2>
      <div className="ed-grid ed-grid--2">
        <Field label="Summary" htmlFor="ed-summary" errors={errors("summary")} hint="One paragraph: shown in lists and search results.">
          <textarea id="ed-summary" rows={4} value={form.summary} onChange={(e) => set("summary")(e.target.value)} />
          <InlinePreview text={form.summary} label="Summary as shown" />
        </Field>
        <Field label="Impact" htmlFor="ed-impact" errors={errors("impact")} hint="Who and what was affected, for how long, with figures.">
          <textarea id="ed-impact" rows={4} value={form.impact} onChange={(e) => set("impact")(e.target.value)} />
          <InlinePreview text={form.impact} label="Impact as shown" />
        </Field>
      </div>
    </section>
  );
}

/** Key times and the timeline rows, in the team's time zone. */
export function TimelineSection({ form, setForm, errors, timeZone }: SectionProps & { timeZone: string }) {
  const zone = inputZoneLabel(timeZone);
  return (
    <section className="card ed-section" aria-labelledby="ed-h-timeline">
      <h2 id="ed-h-timeline">Timeline</h2>
      <p className="muted small ed-section__lead">
        All times are in {zone === "UTC" ? "UTC" : <>the team&rsquo;s time zone, {zone}</>}. Key times give the time to detect, mitigate and resolve.
      </p>
      <KeyTimes form={form} setForm={setForm} errors={errors} timeZone={timeZone} />
      <TimelineEditor form={form} setForm={setForm} errors={errors} timeZone={timeZone} />
    </section>
  );
}

export function FactorsSection({ form, setForm, errors, taxonomy, past, counts }: SectionProps & { taxonomy: Taxonomy; past: readonly KnowledgeIncident[]; counts: Record<string, number> }) {
  return (
    <section className="card ed-section" aria-labelledby="ed-h-factors">
      <h2 id="ed-h-factors">Contributing factors</h2>
      <p className="muted small ed-section__lead">The conditions that made this possible. Several, never one root cause; each with a note on how it showed up here.</p>
      <FactorPicker form={form} setForm={setForm} taxonomy={taxonomy} past={past} counts={counts} errors={errors} />
    </section>
  );
}

export function CountermeasuresSection({ form, setForm, errors, taxonomy, people, timeZone }: SectionProps & { taxonomy: Taxonomy; people: readonly string[]; timeZone: string }) {
  return (
    <section className="card ed-section" aria-labelledby="ed-h-cms">
      <h2 id="ed-h-cms">Countermeasures</h2>
      <CountermeasureEditor form={form} setForm={setForm} taxonomy={taxonomy} people={people} errors={errors} timeZone={timeZone} />
    </section>
  );
}

export function WriteUpSection({ form, setForm, textareaRef }: Omit<SectionProps, "errors"> & { textareaRef: RefObject<HTMLTextAreaElement | null> }) {
  return (
    <section className="card ed-section" aria-labelledby="ed-h-body">
      <h2 id="ed-h-body">Write-up</h2>
      <p className="muted small ed-section__lead">
        Markdown with a few components (<code>{"<Callout>"}</code>, <code>{"<Metric>"}</code>, <code>{"<Figure>"}</code>). The preview uses the same renderer as the incident page.
      </p>
      <BodyEditor value={form.body} onChange={fieldSetter(setForm)("body")} textareaRef={textareaRef} />
    </section>
  );
}
