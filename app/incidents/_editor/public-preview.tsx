"use client";

import { useMemo } from "react";
import { formToFrontmatter, type EditorForm } from "@/lib/editor/form";
import { compileMdx } from "@/lib/mdx/compile";
import { MdxContent } from "@/lib/mdx/render";
import { publicBody } from "@/lib/publish/public-version";
import type { SetForm } from "./form-state";

type Flagged = "timeline" | "factors" | "countermeasures";

/**
 * `publish: public` and, when it is on, the public version beside the internal one: what a public reader gets after
 * `<Internal>` blocks and internal rows are removed, with a toggle per row. Built by the same publicBody as the export.
 */
export function PublicPreview({ form, setForm }: { form: EditorForm; setForm: SetForm }) {
  const restricted = form.visibility === "restricted";
  const on = form.publish === "public" && !restricted;
  const preview = useMemo(() => {
    if (!on) return null;
    try {
      // Other incidents' visibility is not known here, so every link to one is previewed as its text.
      const body = publicBody(form.body, () => false);
      const compiled = compileMdx(body);
      return compiled.problems.length ? { error: "Fix the problems in the write-up to see its public version." } : { compiled };
    } catch {
      return { error: "Fix the problems in the write-up to see its public version." };
    }
  }, [on, form.body]);
  const internalCompiled = useMemo(() => (on ? compileMdx(form.body) : null), [on, form.body]);

  const flip = <T extends { internal?: boolean }>(rows: T[], index: number): T[] => rows.map((r, i) => (i === index ? { ...r, internal: !r.internal || undefined } : r));
  const toggle = (list: Flagged, index: number) =>
    setForm((f) =>
      list === "timeline" ? { ...f, timeline: flip(f.timeline, index) } : list === "factors" ? { ...f, factors: flip(f.factors, index) } : { ...f, countermeasures: flip(f.countermeasures, index) },
    );
  const fm = on ? formToFrontmatter(form) : null;

  return (
    <section className="card ed-section ed-public" aria-labelledby="ed-h-public">
      <h2 id="ed-h-public">Public version</h2>
      <label className="checks ed-public__switch">
        <input
          type="checkbox"
          checked={on}
          disabled={restricted}
          onChange={(e) => setForm((f) => ({ ...f, publish: e.target.checked ? "public" : undefined }))}
        />
        Also publish a public version (<code>publish: public</code>)
      </label>
      <p className="muted small ed-section__lead">
        {restricted
          ? "Restricted incidents are never published."
          : "`kaizen export --public` publishes it once its status is Published. Wrap text in <Internal>…</Internal> to keep it out; mark rows internal below. `kaizen lint --public` warns about e-mail addresses, internal hosts, tickets and names."}
      </p>
      {on && fm && (
        <>
          <div className="ed-public__rows">
            {(
              [
                ["timeline", "Timeline", form.timeline.map((r) => r.event || "(empty row)")],
                ["factors", "Contributing factors", form.factors.map((r) => `${r.factor}${r.note ? `: ${r.note}` : ""}`)],
                ["countermeasures", "Countermeasures", form.countermeasures.map((r) => r.title || r.id)],
              ] as const
            ).map(([list, label, texts]) =>
              texts.length === 0 ? null : (
                <fieldset key={list} className="ed-public__list">
                  <legend>{label}</legend>
                  {texts.map((t, i) => {
                    const internal = form[list][i]?.internal === true;
                    return (
                      <label key={i} className={internal ? "ed-public__row is-internal" : "ed-public__row"}>
                        <input type="checkbox" checked={internal} onChange={() => toggle(list, i)} /> Internal only <span>{t}</span>
                      </label>
                    );
                  })}
                </fieldset>
              ),
            )}
          </div>
          <div className="ed-body ed-body--split">
            <section className="ed-body__preview" aria-label="Internal version" tabIndex={0}>
              <div className="ed-preview-label">Internal</div>
              <div className="prose">{internalCompiled && <MdxContent hast={internalCompiled.hast} />}</div>
            </section>
            <section className="ed-body__preview ed-public__preview" aria-label="Public preview" tabIndex={0}>
              <div className="ed-preview-label">Public</div>
              {preview && "error" in preview ? (
                <p className="muted small">{preview.error}</p>
              ) : (
                <div className="prose">{preview && <MdxContent hast={preview.compiled.hast} />}</div>
              )}
            </section>
          </div>
        </>
      )}
    </section>
  );
}
