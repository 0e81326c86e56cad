import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/session";
import { getReviewPage } from "@/lib/pages/countermeasures";
import { RestrictedBadge, SeverityBadge, StatusBadge } from "../../_components/badges";
import { formatDate } from "../../_components/format";
import { DueNote, EvidenceList, FactorChips, OutcomeNote, RecurredFlag, TicketLink } from "../_components/countermeasure-item";
import { CountermeasureDialog, HeldButton } from "../_components/mark-done-dialog";
import type { ReviewPageData } from "@/lib/pages/countermeasures";
import { ReviewKeys } from "../_components/review-keys";
import { CountermeasureUpdateForm } from "../_components/update-form";
import "../countermeasures.css";
import { InlineText } from "@/app/_components/inline-text";
import { stripInline } from "@/lib/mdx/inline";

export const metadata: Metadata = { title: "Countermeasure review" };

/** "5 days", "3 weeks", "8 months", "2 years". */
function since(days: number): string {
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  if (days < 14) return unit(days, "day");
  if (days < 60) return unit(Math.round(days / 7), "week");
  if (days < 730) return unit(Math.round(days / 30.44), "month");
  return unit(Math.round(days / 365.25), "year");
}

export default async function ReviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer("/countermeasures/review");
  const data = await getReviewPage(viewer, await searchParams);
  const { item, incident } = data;
  const href = (i: number) => `/countermeasures/review?${new URLSearchParams([...new URLSearchParams(data.scopeQuery), ["i", String(i)]]).toString()}`;
  const prevHref = data.position > 1 ? href(data.position - 1) : null;
  const nextHref = data.position < data.count ? href(data.position + 1) : null;
  const back = `/countermeasures${data.scopeQuery ? `?${data.scopeQuery}` : ""}`;
  return (
    <main id="main" className="cms-page">
      <div className="page-head">
        <div>
          <div className="eyebrow">Weekly follow-up review</div>
          <h1>Review countermeasures</h1>
          <p>
            {data.overdue} overdue · {data.dueSoon} due in the next {data.windowDays} days
          </p>
        </div>
        <Link className="btn" href={back}>
          Back to the dashboard
        </Link>
      </div>

      <HoldPrompts data={data} />

      {!item || !incident ? (
        <section className="card">
          <div className="empty">
            <strong>Nothing to review.</strong>
            No countermeasure is overdue or due in the next {data.windowDays} days. <Link href={back}>See all countermeasures</Link>.
          </div>
        </section>
      ) : (
        <>
          <div className="cms-review-bar">
            <div className="cms-progress">
              <span className="cms-progress__text" aria-live="polite">
                {data.position} of {data.count}
              </span>
              <span className="cms-progress__track" role="progressbar" aria-label="Review progress" aria-valuemin={1} aria-valuemax={data.count} aria-valuenow={data.position} aria-valuetext={`${data.position} of ${data.count}`}>
                <span style={{ width: `${(data.position / data.count) * 100}%` }} />
              </span>
            </div>
            <nav className="cms-review-nav" aria-label="Review navigation">
              {prevHref ? (
                <Link className="btn btn--small" href={prevHref} rel="prev">
                  ← Previous
                </Link>
              ) : (
                <span className="btn btn--small" aria-disabled="true">
                  ← Previous
                </span>
              )}
              {nextHref ? (
                <Link className="btn btn--small btn--primary" href={nextHref} rel="next">
                  Next →
                </Link>
              ) : (
                <span className="btn btn--small" aria-disabled="true">
                  Next →
                </span>
              )}
              <span className="cms-keys">
                <kbd>k</kbd> <kbd>j</kbd> or <kbd>←</kbd> <kbd>→</kbd>
              </span>
            </nav>
            <ReviewKeys prevHref={prevHref} nextHref={nextHref} />
          </div>

          <div className="cms-review">
            <section className={`card${item.overdue ? " cms-review__card--overdue" : ""}`} aria-labelledby="h-cms-item">
              <div className="row">
                <StatusBadge status={item.status} />
                <DueNote item={item} />
                <span className="chip cms-type">{item.type}</span>
              </div>
              <h2 id="h-cms-item" className="cms-review__title">
                <InlineText text={item.title} />
              </h2>
              <dl className="cms-review__facts">
                <div>
                  <dt>Owner</dt>
                  <dd>{item.owner}</dd>
                </div>
                <div>
                  <dt>Due</dt>
                  <dd>{formatDate(item.dueDate)}</dd>
                </div>
                <div>
                  <dt>Ticket</dt>
                  <dd>
                    <TicketLink item={item} />
                  </dd>
                </div>
                <div>
                  <dt>Id</dt>
                  <dd>
                    <code>{item.id}</code>
                  </dd>
                </div>
              </dl>
              {item.factors.length > 0 && (
                <div className="cms-review__section">
                  <h3>Addresses</h3>
                  <FactorChips item={item} />
                </div>
              )}
              <RecurredFlag item={item} />
              {data.canEdit && item.incidentBlob && (item.status === "open" || item.status === "in-progress") && (
                <div className="cms-item__actions" style={{ marginTop: 14 }}>
                  <CountermeasureDialog key={item.key} target={{ incidentId: item.incident.id, cmId: item.id, baseBlob: item.incidentBlob, title: item.title }} evidenceRequired={item.evidenceRequired} />
                </div>
              )}
              {data.canEdit && item.incidentBlob && (
                <CountermeasureUpdateForm key={item.key} incidentId={item.incident.id} cmId={item.id} baseBlob={item.incidentBlob} title={stripInline(item.title)} values={{ status: item.status, owner: item.owner, due: item.due }} />
              )}
            </section>

            <section className="card" aria-labelledby="h-cms-incident">
              <div className="eyebrow">Incident</div>
              <div className="row">
                <SeverityBadge severity={incident.severity} />
                {incident.restricted && <RestrictedBadge groups={item.incident.groups} />}
                {incident.daysSince !== null && (
                  <span className="small muted">
                    {since(incident.daysSince)} ago · {formatDate(incident.startedAt)}
                  </span>
                )}
              </div>
              <h2 id="h-cms-incident" className="cms-review__title">
                <Link href={`/incidents/${incident.id}`}>{incident.title}</Link>
              </h2>
              {incident.summary && <p className="small"><InlineText text={incident.summary} /></p>}
              {(incident.teams.length > 0 || incident.services.length > 0) && (
                <div className="row small">
                  {incident.teams.map((t) => (
                    <span key={`t-${t}`} className="chip">
                      team: {t}
                    </span>
                  ))}
                  {incident.services.map((s) => (
                    <span key={`s-${s}`} className="chip">
                      {s}
                    </span>
                  ))}
                </div>
              )}
              {incident.factors.length > 0 && (
                <div className="cms-review__section">
                  <h3>Contributing factors</h3>
                  <ul className="cms-factors">
                    {incident.factors.map((f) => (
                      <li key={f.id}>
                        <Link href={`/factors/${f.id}`}>{f.name}</Link>
                        {f.category && <span className="small muted"> · {f.category}</span>}
                        {f.note && <p><InlineText text={f.note} /></p>}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <div className="cms-review__section">
                <h3>Other countermeasures</h3>
                {incident.others.length === 0 ? (
                  <p className="small muted">This is the only one.</p>
                ) : (
                  <ul className="cms-others">
                    {incident.others.map((o) => (
                      <li key={o.key}>
                        <span><InlineText text={o.title} /></span>
                        <span className="cms-others__meta">
                          <StatusBadge status={o.status} />
                          <DueNote item={o} />
                          <span>
                            {o.owner} · due <span className="cms-nowrap">{formatDate(o.dueDate)}</span>
                          </span>
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </section>
          </div>
        </>
      )}
    </main>
  );
}

/** "Did it hold?": done countermeasures whose verify-by date has come, each answered with one click. */
function HoldPrompts({ data }: { data: ReviewPageData }) {
  if (data.holdPrompts.length === 0) return null;
  return (
    <section className="card cms-holds-card" aria-labelledby="h-cms-holds" style={{ marginBottom: 16 }}>
      <h2 id="h-cms-holds">Did it hold?</h2>
      <p className="small muted">
        {data.holdPromptsTotal === 1 ? "One countermeasure has" : `${data.holdPromptsTotal} countermeasures have`} reached the date by which someone should confirm it held.
        {data.holdPromptsTotal > data.holdPrompts.length && ` The ${data.holdPrompts.length} with the earliest verify-by date are listed; answering one brings up the next.`}
      </p>
      <ul className="cms-holds">
        {data.holdPrompts.map((h) => {
          const target = { incidentId: h.incident.id, cmId: h.id, baseBlob: h.incidentBlob, title: h.title };
          return (
            <li key={h.key} aria-label={h.title}>
              <div className="cms-holds__text">
                <strong>{h.title}</strong>
                <span className="small muted">
                  <Link href={`/incidents/${h.incident.id}#h-cms`}>{h.incident.title}</Link> · done {formatDate(h.doneAt)} · verify by {formatDate(h.verifyBy)}
                  {h.incident.restricted && (
                    <>
                      {" "}
                      <RestrictedBadge groups={h.incident.groups} />
                    </>
                  )}
                </span>
                <OutcomeNote item={h} />
                <RecurredFlag item={h} />
                <EvidenceList item={h} />
              </div>
              {data.canEdit && h.incidentBlob && (
                <div className="cms-holds__actions">
                  <HeldButton target={target} />
                  <CountermeasureDialog target={target} mode="not-held" />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
