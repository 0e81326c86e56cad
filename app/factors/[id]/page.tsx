import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { notFound, permanentRedirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { getFactorPage, type FactorPageData } from "@/lib/pages/factor";
import { StatusBadge } from "../../_components/badges";
import { monthYear } from "../../_components/charts/sparkline";
import { monthLabel, SEVERITY_SERIES, StackedBars } from "../../_components/charts/stacked-bars";
import { formatDate } from "../../_components/format";
import { IncidentRow } from "../../_components/incident-row";
import "../factors.css";
import { InlineText } from "@/app/_components/inline-text";

type Props = { params: Promise<{ id: string }> };

// One authorized load per request, shared by the tab title and the page (React's per-request cache).
const load = cache(async (id: string) => {
  const viewer = await requireViewer(`/factors/${encodeURIComponent(id)}`);
  return getFactorPage(viewer, id);
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const data = await load((await params).id);
  return { title: !data ? "Not found" : "redirectTo" in data ? "Factor" : `${data.factor.name} · Factors` };
}

// Aliases are the words people write; a few give the idea, the rest stay one click away.
const ALIASES_SHOWN = 8;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export default async function FactorPage({ params }: Props) {
  const { id } = await params;
  const data = await load(id);
  if (!data) notFound();
  if ("redirectTo" in data) permanentRedirect(data.redirectTo);
  const { factor, totals, chart, recurrences } = data;
  const chartTitle = `${factor.name}: incidents per month by severity, last ${chart.months} months`;
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">
            <Link href="/factors">Factors</Link> / <Link href={`/factors#category-${factor.category.id}`}>{factor.category.name}</Link>
          </div>
          <h1>{factor.name}</h1>
          {factor.description && <p className="kf-lead">{factor.description}</p>}
          <div className="row kf-meta">
            <code className="small muted">{factor.id}</code>
            {!factor.known && <span className="badge badge--overdue">not in the taxonomy</span>}
            {factor.aliases.length > 0 && (
              <>
                <span className="small muted">Also written as</span>
                {factor.aliases.slice(0, ALIASES_SHOWN).map((a) => (
                  <span key={a} className="chip">
                    {a}
                  </span>
                ))}
                {factor.aliases.length > ALIASES_SHOWN && (
                  <details className="kf-more">
                    <summary>{factor.aliases.length - ALIASES_SHOWN} more</summary>
                    <div className="row">
                      {factor.aliases.slice(ALIASES_SHOWN).map((a) => (
                        <span key={a} className="chip">
                          {a}
                        </span>
                      ))}
                    </div>
                  </details>
                )}
              </>
            )}
            {factor.mergedIds.length > 0 && (
              <span className="small muted">
                Merged from{" "}
                {factor.mergedIds.map((m, i) => (
                  <span key={m}>
                    {i > 0 && ", "}
                    <code>{m}</code>
                  </span>
                ))}
              </span>
            )}
          </div>
        </div>
        <Link className="btn" href={`/incidents?factor=${encodeURIComponent(factor.id)}`}>
          Incidents with this factor
        </Link>
      </div>

      {recurrences.length > 0 && (
        <section className="alert alert--danger kf-recur" aria-labelledby="h-recurred">
          <h2 id="h-recurred" className="kf-recur__title">
            Recurred after a countermeasure was done
          </h2>
          <ul>
            {recurrences.map((r) => (
              <li key={`${r.countermeasure.incidentId}#${r.countermeasure.id}`}>
                “<InlineText text={r.countermeasure.title} />” from <Link href={`/incidents/${r.countermeasure.incidentId}#h-cms`}>{r.countermeasure.incidentTitle}</Link> was done on {formatDate(r.countermeasure.done_at)}; the factor came back in{" "}
                {r.recurredIn.map((inc, i) => (
                  <span key={inc.incidentId}>
                    {i > 0 && ", "}
                    <Link href={`/incidents/${inc.incidentId}`}>{inc.title}</Link> ({formatDate(inc.started_at)})
                  </span>
                ))}
                {r.count > r.recurredIn.length && ` and ${plural(r.count - r.recurredIn.length, "later incident")}`}.
              </li>
            ))}
          </ul>
          {data.recurrencesTotal > recurrences.length && (
            <p className="small">
              {plural(data.recurrencesTotal - recurrences.length, "more countermeasure")} were followed by this factor again: see the table below or the{" "}
              <Link href={`/countermeasures?factor=${encodeURIComponent(factor.id)}&status=done`}>done countermeasures for this factor</Link>.
            </p>
          )}
        </section>
      )}

      <section className="grid grid-4 kf-stats" aria-label="Key figures">
        <div className="card stat">
          <span className="stat__value">{totals.incidents}</span>
          <span className="stat__label">{totals.incidents === 1 ? "Incident" : "Incidents"}</span>
          <span className="stat__sub">{totals.firstSeen ? `${formatDate(totals.firstSeen)} – ${formatDate(totals.lastSeen)}` : "never seen"}</span>
        </div>
        <div className="card stat">
          <span className="stat__value">{totals.teams}</span>
          <span className="stat__label">{totals.teams === 1 ? "Team" : "Teams"}</span>
          <span className="stat__sub">{totals.teams > 1 ? "a cross-team learning" : totals.teams === 1 ? "so far in one team" : "none yet"}</span>
        </div>
        <div className="card stat">
          <span className="stat__value">{totals.services}</span>
          <span className="stat__label">{totals.services === 1 ? "Service" : "Services"}</span>
          <span className="stat__sub">affected by these incidents</span>
        </div>
        <div className={`card stat${totals.recurrences ? " stat--danger" : ""}`}>
          <span className="stat__value">{totals.recurrences}</span>
          <span className="stat__label">Recurrences after a fix</span>
          <span className="stat__sub">
            {data.countermeasureCounts.done} done · {data.countermeasureCounts.open} open countermeasure{data.countermeasureCounts.open === 1 ? "" : "s"}
          </span>
        </div>
      </section>

      <div className="grid grid-main">
        <div className="stack">
          {totals.incidents > 0 && (
            <section className="card" aria-labelledby="h-chart">
              <h2 id="h-chart">Occurrences over time</h2>
              <StackedBars title={chartTitle} data={chart.data} series={SEVERITY_SERIES} formatX={(x) => (x.endsWith("-01") ? `${monthLabel(x)} ’${x.slice(2, 4)}` : monthLabel(x))} height={160} />
              {chart.inWindow < totals.incidents && (
                <p className="small muted kf-caption">
                  {chart.inWindow === 0 ? "None" : `${chart.inWindow} of ${totals.incidents}`} in this window
                  {totals.firstSeen ? `; first seen ${monthYear(totals.firstSeen.slice(0, 7))}` : ""}.
                </p>
              )}
            </section>
          )}

          <section className="card card--flush" aria-labelledby="h-incidents">
            <h2 id="h-incidents">Incidents ({totals.incidents})</h2>
            {totals.incidents > data.incidents.length && (
              <p className="small muted kf-caption" style={{ padding: "0 20px" }}>
                The newest {data.incidents.length}: <Link href={`/incidents?factor=${encodeURIComponent(factor.id)}`}>all {totals.incidents} incidents with this factor</Link>
              </p>
            )}
            {data.incidents.length === 0 ? (
              <div className="empty">
                <strong>No incident mentions this factor yet.</strong>
                When a post-mortem names it, it will appear here.
              </div>
            ) : (
              <ul className="incident-list kf-incidents">
                {data.incidents.map((i) => (
                  <IncidentRow key={i.id} i={i} />
                ))}
              </ul>
            )}
          </section>

          <section className="card" aria-labelledby="h-cms">
            <h2 id="h-cms">Countermeasures addressing it</h2>
            {data.countermeasuresTotal > data.countermeasures.length && (
              <p className="small muted kf-caption">
                Showing {data.countermeasures.length} from the newest incidents: <Link href={`/countermeasures?factor=${encodeURIComponent(factor.id)}`}>all {data.countermeasuresTotal} on the dashboard</Link>
              </p>
            )}
            {data.countermeasures.length === 0 ? (
              <p className="muted">No countermeasure names this factor in its <code>addresses</code> yet.</p>
            ) : (
              <div className="table-wrap">
                <table className="table kf-cm-table">
                  <thead>
                    <tr>
                      <th scope="col">Countermeasure</th>
                      <th scope="col">Owner</th>
                      <th scope="col">Due</th>
                      <th scope="col">Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.countermeasures.map((cm) => (
                      <tr key={`${cm.incidentId}#${cm.id}`} className={cm.recurredIn.length ? "kf-cm--recurred" : cm.overdue ? "is-overdue" : undefined}>
                        <td>
                          <div className="kf-cm__title"><InlineText text={cm.title} /></div>
                          <div className="small muted">
                            <span className="kf-cm__type">{cm.type}</span> · from <Link href={`/incidents/${cm.incidentId}#h-cms`}>{cm.incidentTitle}</Link>
                          </div>
                          {cm.recurredIn.length > 0 && (
                            <p className="kf-cm__recurred">
                              <span className="badge badge--recurred">Recurred after this was done:</span>{" "}
                              {cm.recurredIn.map((r, i) => (
                                <span key={r.incidentId}>
                                  {i > 0 && ", "}
                                  <Link href={`/incidents/${r.incidentId}`}>{r.title}</Link>
                                </span>
                              ))}
                              {cm.recurredCount > cm.recurredIn.length && ` and ${cm.recurredCount - cm.recurredIn.length} more`}
                            </p>
                          )}
                        </td>
                        <td className="small" data-label="Owner">
                          {cm.owner}
                        </td>
                        <td className="kf-nowrap small" data-label="Due">
                          {formatDate(cm.due)}
                          {cm.overdue && (
                            <div>
                              <span className="badge badge--overdue">overdue</span>
                            </div>
                          )}
                          {cm.done_at && <div className="muted">done {formatDate(cm.done_at)}</div>}
                        </td>
                        <td data-label="Status">
                          <StatusBadge status={cm.status} />
                          {cm.verification && (
                            <div className="small kf-cm__outcome">
                              <span className={`badge kf-badge--${cm.verification}`}>{VERIFICATION_LABEL[cm.verification]}</span>
                              {cm.daysWithoutRecurrence !== null && <span className="muted"> {cm.verification === "failed" ? `recurred after ${cm.daysWithoutRecurrence} d` : `${cm.daysWithoutRecurrence} d held`}</span>}
                            </div>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>

        <aside className="stack">
          <FactorEffectivenessCard data={data} />
          <section className="card" aria-labelledby="h-teams">
            <h2 id="h-teams">Teams</h2>
            {data.teams.length === 0 ? (
              <p className="small muted">None yet.</p>
            ) : (
              <ul className="kf-bars" aria-label="Teams spanned">
                {data.teams.map((t) => (
                  <li key={t.name}>
                    <Link href={`/incidents?team=${encodeURIComponent(t.name)}&factor=${encodeURIComponent(factor.id)}`}>{t.name}</Link>
                    <span className="kf-bars__n">{plural(t.count, "incident")}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="h-services">
            <h2 id="h-services">Services</h2>
            {data.services.length === 0 ? (
              <p className="small muted">None yet.</p>
            ) : (
              <ul className="kf-chips" aria-label="Services affected">
                {data.services.map((s) => (
                  <li key={s.name}>
                    <Link className="chip" href={`/incidents?service=${encodeURIComponent(s.name)}&factor=${encodeURIComponent(factor.id)}`}>
                      {s.name} <span className="muted">{s.count}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="h-co">
            <h2 id="h-co">Often seen with</h2>
            {data.coOccurring.length === 0 ? (
              <p className="small muted">No other factor shares two or more incidents with this one.</p>
            ) : (
              <>
                <ul className="kf-bars" aria-label="Co-occurring factors">
                  {data.coOccurring.map((c) => (
                    <li key={c.factor}>
                      <Link href={`/factors/${c.factor}`}>{c.name}</Link>
                      <span className="kf-bars__n" title={`Together in ${plural(c.count, "incident")}; ${c.lift.toFixed(1)}× as often as two independent factors would meet`}>
                        {plural(c.count, "incident")} · lift {c.lift.toFixed(1)}
                      </span>
                    </li>
                  ))}
                </ul>
                <p className="small muted kf-caption">
                  Lift compares how often two factors appear together with how often they would if they were unrelated: above 1 they tend to come together. Only pairs sharing at least two incidents are
                  shown.
                </p>
              </>
            )}
          </section>
        </aside>
      </div>
    </main>
  );
}

const VERIFICATION_LABEL = { verified: "Verified", unverified: "Unverified", failed: "Failed" } as const;

/** Did the countermeasures for this factor work: how long it has stayed away, and verified / unverified / failed. */
function FactorEffectivenessCard({ data }: { data: FactorPageData }) {
  const e = data.effectiveness;
  return (
    <section className="card" aria-labelledby="h-effect">
      <h2 id="h-effect">Did the fixes hold?</h2>
      {!e.latest ? (
        <p className="small muted">No countermeasure addressing this factor is done yet.</p>
      ) : (
        <>
          <p className="kf-effect__days">
            {e.recurredIn ? (
              <>
                Came back <strong>{e.daysWithoutRecurrence} days</strong> after the latest fix, in <Link href={`/incidents/${e.recurredIn.incidentId}`}>{e.recurredIn.title}</Link>.
              </>
            ) : (
              <>
                <strong>{e.daysWithoutRecurrence} days</strong> without a recurrence since the latest fix.
              </>
            )}
          </p>
          <p className="small muted">
            Latest: “{e.latest.title}” (<Link href={`/incidents/${e.latest.incidentId}#h-cms`}>{e.latest.incidentTitle}</Link>), done {formatDate(e.latest.done_at)}.
          </p>
          <dl className="kf-effect">
            <div>
              <dt>Verified</dt>
              <dd>{e.verified}</dd>
            </div>
            <div>
              <dt>Unverified</dt>
              <dd>{e.unverified}</dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd>{e.failed}</dd>
            </div>
          </dl>
          <p className="small muted">Of {e.done} done. Failed: the factor came back after done. Verified: evidence recorded and confirmed after its verify-by date.</p>
        </>
      )}
    </section>
  );
}
