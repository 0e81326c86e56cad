import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { notFound, permanentRedirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { getIncidentPage, renamedIncident } from "@/lib/pages/incident";
import { getIncidentKnowledge } from "@/lib/pages/incident-knowledge";
import { getReviewPanel } from "@/lib/pages/reviews";
import { ReviewPanel } from "./review-panel";
import { incidentOutline } from "@/lib/pages/incident-outline";
import { formatDuration } from "@/lib/knowledge/metrics";
import { MdxContent } from "@/lib/mdx/render";
import { KindBadge, RestrictedBadge, SeverityBadge, StatusBadge } from "../../_components/badges";
import { BrokenIncidentView } from "../../_components/broken-incident";
import { CountermeasureTable } from "../../_components/countermeasure-table";
import { IncidentKnowledgeSection } from "../../_components/incident-knowledge";
import { formatDateTime } from "../../_components/format";
import { linkedHeadings } from "../../_components/mdx-headings";
import { PrintButton } from "../../_components/print-button";
import { SectionLink } from "../../_components/section-link";
import { Timeline } from "../../_components/timeline";
import { conflictsFor } from "@/lib/sync/service";
import { MergeNotice } from "../../_components/merge-notice";
import { InlineText } from "@/app/_components/inline-text";

type Props = { params: Promise<{ id: string }> };

// One authorized load per request, shared by the tab title and the page (React's per-request cache).
const load = cache(async (id: string) => {
  const viewer = await requireViewer(`/incidents/${encodeURIComponent(id)}`);
  return { viewer, data: await getIncidentPage(viewer, id) };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { data } = await load((await params).id);
  if (!data) return { title: "Not found" };
  return { title: "ok" in data ? `${data.id} (cannot be read)` : data.incident.frontmatter.title };
}

export default async function IncidentPage({ params }: Props) {
  const { id } = await params;
  const { viewer, data } = await load(id);
  if (!data) {
    const moved = await renamedIncident(viewer, id);
    if (moved) permanentRedirect(`/incidents/${moved}`);
    notFound();
  }
  if ("ok" in data) return <BrokenIncidentView id={data.id} problems={data.problems} />;
  const { incident, compiled, fieldExtra, metrics, factors, countermeasures } = data;
  const fm = incident.frontmatter;
  const knowledge = await getIncidentKnowledge(viewer, incident.id);
  const review = await getReviewPanel(viewer, incident.id);
  const timelineComments: Record<string, number> = {};
  for (const item of review?.items ?? []) if (item.action === "comment" && item.anchor?.kind === "timeline") timelineComments[item.anchor.id] = (timelineComments[item.anchor.id] ?? 0) + 1;
  // In review (and once a review happened) the panel comes first: it is what the people opening the page are here for.
  // It stays there when an approval publishes the incident, so its confirmation is not lost to a remount.
  const reviewPanel = review && <ReviewPanel data={review} />;
  const reviewFirst = fm.status === "in-review" || (review?.items.length ?? 0) > 0;
  const syncConflicts = data.canEdit ? (await conflictsFor(viewer, incident.id)).filter((c) => c.theirsBlob === incident.blob) : [];
  return (
    <main id="main">
      {data.canEdit && <MergeNotice id={incident.id} />}
      {syncConflicts.length > 0 && (
        <div className="card ed-conflict" role="alert" data-testid="sync-conflict">
          <strong>Your last save of this incident was not published.</strong> It was changed on the team&apos;s repository meanwhile; your text is kept.{" "}
          <Link href={`/incidents/${incident.id}/edit`}>Compare both versions and save again</Link>.
        </div>
      )}
      <div className="incident-head">
        <div className="row">
          <SeverityBadge severity={fm.severity} />
          <StatusBadge status={fm.status} />
          <KindBadge kind={fm.kind} />
          {fm.visibility === "restricted" && <RestrictedBadge groups={fm.groups} />}
          <span className="spacer" />
          <div className="row incident-actions">
            <Link className="btn btn--small" href={`/incidents/${incident.id}/history`}>
              History
            </Link>
            <a className="btn btn--small" href={`/incidents/${incident.id}/download`} download={`${incident.id}.mdx`}>
              Download .mdx
            </a>
            <PrintButton />
            {data.canEdit && (
              <Link className="btn btn--small btn--primary" href={`/incidents/${incident.id}/edit`}>
                Edit
              </Link>
            )}
          </div>
        </div>
        <h1>{fm.title}</h1>
        {fm.summary && <p className="summary-lead"><InlineText text={fm.summary} /></p>}
        {fieldExtra.summary && (
          <div className="prose summary-more">
            <MdxContent hast={fieldExtra.summary} />
          </div>
        )}
      </div>
      <div className="grid grid-main">
        <div className="stack">
          {reviewFirst && reviewPanel}
          <section className="card" aria-labelledby="h-facts">
            <h2 id="h-facts" className="visually-hidden">
              Key facts
            </h2>
            <div className="metrics">
              <div className="metric-box">
                <div className="metric-box__value">{formatDuration(metrics.timeToDetect)}</div>
                <div className="metric-box__label">Time to detect</div>
              </div>
              <div className="metric-box">
                <div className="metric-box__value">{formatDuration(metrics.timeToMitigate)}</div>
                <div className="metric-box__label">Time to mitigate</div>
              </div>
              <div className="metric-box">
                <div className="metric-box__value">{formatDuration(metrics.timeToResolve)}</div>
                <div className="metric-box__label">Time to resolve</div>
              </div>
            </div>
            <dl className="meta-grid">
              <div>
                <dt>Started</dt>
                <dd>{formatDateTime(fm.started_at)}</dd>
              </div>
              <div>
                <dt>Detected</dt>
                <dd>{formatDateTime(fm.detected_at)}</dd>
              </div>
              <div>
                <dt>Mitigated</dt>
                <dd>{formatDateTime(fm.mitigated_at)}</dd>
              </div>
              <div>
                <dt>Resolved</dt>
                <dd>{formatDateTime(fm.resolved_at)}</dd>
              </div>
              <div>
                <dt>Services</dt>
                <dd className="row">{fm.services.length ? fm.services.map((s) => <Link key={s} className="chip" href={`/incidents?service=${encodeURIComponent(s)}`}>{s}</Link>) : "—"}</dd>
              </div>
              <div>
                <dt>Teams</dt>
                <dd className="row">{fm.teams.length ? fm.teams.map((s) => <Link key={s} className="chip" href={`/incidents?team=${encodeURIComponent(s)}`}>{s}</Link>) : "—"}</dd>
              </div>
              <div>
                <dt>Authors</dt>
                <dd className="meta-grid__text">
                  {fm.authors.length === 0
                    ? "—"
                    : fm.authors.map((a) => (
                        // One author a line; a long address breaks before its "@" rather than mid-word.
                        <span key={a} className="meta-grid__line">
                          {a.includes("@") ? (
                            <>
                              {a.slice(0, a.indexOf("@"))}
                              <wbr />
                              {a.slice(a.indexOf("@"))}
                            </>
                          ) : (
                            a
                          )}
                        </span>
                      ))}
                </dd>
              </div>
              {fm.tags.length > 0 && (
                <div>
                  <dt>Tags</dt>
                  <dd className="row">{fm.tags.map((t) => <span key={t} className="chip">{t}</span>)}</dd>
                </div>
              )}
            </dl>
            {fm.impact && (
              <>
                <h3 style={{ marginTop: 16 }}>Impact</h3>
                <p style={{ margin: 0 }}><InlineText text={fm.impact} /></p>
                {fieldExtra.impact && (
                  <div className="prose field-more">
                    <MdxContent hast={fieldExtra.impact} />
                  </div>
                )}
              </>
            )}
          </section>
          <section className="card" aria-labelledby="h-timeline">
            <h2 id="h-timeline">
              Timeline <SectionLink id="h-timeline" label="Timeline" />
            </h2>
            <Timeline entries={fm.timeline} comments={timelineComments} />
          </section>
          <section className="card" aria-labelledby="h-factors">
            <h2 id="h-factors">
              Contributing factors <SectionLink id="h-factors" label="Contributing factors" />
            </h2>
            {factors.length === 0 ? (
              <p className="muted">No contributing factors recorded yet.</p>
            ) : (
              <ul className="factor-list">
                {factors.map((f) => (
                  <li key={f.id}>
                    <div className="row">
                      <Link href={`/factors/${f.id}`} style={{ fontWeight: 600 }}>
                        {f.name}
                      </Link>
                      {f.category && <span className="chip">{f.category}</span>}
                    </div>
                    {f.note && <p className="small" style={{ margin: "2px 0 0", color: "var(--text-2)" }}><InlineText text={f.note} /></p>}
                  </li>
                ))}
              </ul>
            )}
            {fieldExtra.factors && (
              <div className="prose field-more">
                <MdxContent hast={fieldExtra.factors} />
              </div>
            )}
          </section>
          {knowledge && <IncidentKnowledgeSection data={knowledge} />}
          <section className="card" aria-labelledby="h-cms">
            <h2 id="h-cms">
              Countermeasures <SectionLink id="h-cms" label="Countermeasures" />
            </h2>
            <CountermeasureTable rows={countermeasures} />
          </section>
          <article className="card prose" aria-label="Post-mortem">
            <MdxContent hast={compiled.hast} headings={linkedHeadings} />
          </article>
          {!reviewFirst && reviewPanel}
        </div>
        <aside className="stack toc">
          {compiled.toc.length > 0 && (
            <nav className="card" aria-label="On this page">
              <h2 style={{ fontSize: "0.85rem", textTransform: "uppercase", letterSpacing: "0.05em", color: "var(--text-3)" }}>On this page</h2>
              <ol>
                {incidentOutline(compiled.toc).map((t) => (
                  <li key={t.id} className={`depth-${t.depth}`}>
                    <a href={`#${t.id}`}>{t.text}</a>
                  </li>
                ))}
              </ol>
            </nav>
          )}
        </aside>
      </div>
    </main>
  );
}
