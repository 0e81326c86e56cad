import Link from "next/link";
import { requireViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { getOverview } from "@/lib/pages/overview";
import { monthLabel, SEVERITY_SERIES, StackedBars } from "./_components/charts/stacked-bars";
import { IncidentRow } from "./_components/incident-row";
import { TaxonomyMissing } from "./_components/taxonomy-missing";
import { InlineText } from "@/app/_components/inline-text";

export default async function OverviewPage() {
  const viewer = await requireViewer("/");
  const o = await getOverview(viewer);
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Overview</div>
          <h1>What we are learning from incidents</h1>
          <p>Post-mortems, recurring contributing factors and the countermeasures we promised.</p>
        </div>
        <div className="row">
          {o.broken > 0 && (
            <Link className="badge badge--overdue" href="/incidents">
              {o.broken} file{o.broken === 1 ? "" : "s"} with errors
            </Link>
          )}
          {canAuthor(viewer) && (
            <Link className="btn btn--primary" href="/incidents/new">
              New post-mortem
            </Link>
          )}
        </div>
      </div>
      {o.taxonomyFile.state !== "ok" && <TaxonomyMissing state={o.taxonomyFile.state} problems={o.taxonomyFile.problems} />}
      <section className="grid grid-4" aria-label="At a glance">
        <div className="card stat">
          <span className="stat__value">{o.totals.lastYear}</span>
          <span className="stat__label">Incidents in the last 12 months</span>
          <span className="stat__sub">{o.totals.incidents} in the knowledge base</span>
        </div>
        <div className="card stat">
          <span className="stat__value">{o.totals.sev1}</span>
          <span className="stat__label">SEV1 in the last 12 months</span>
          <span className="stat__sub">{o.totals.nearMisses} near misses recorded</span>
        </div>
        <Link className="card stat" href="/countermeasures?status=open,in-progress" style={{ color: "inherit", textDecoration: "none" }}>
          <span className="stat__value">{o.countermeasures.open}</span>
          <span className="stat__label">Open countermeasures</span>
          <span className="stat__sub">{o.countermeasures.done} done so far</span>
        </Link>
        <Link className={`card stat${o.countermeasures.overdue ? " stat--danger" : ""}`} href="/countermeasures?overdue=1" style={{ color: "inherit", textDecoration: "none" }}>
          <span className="stat__value">{o.countermeasures.overdue}</span>
          <span className="stat__label">Overdue countermeasures</span>
          <span className="stat__sub">past their due date and not done</span>
        </Link>
      </section>
      <div className="grid grid-main" style={{ marginTop: 16 }}>
        <div className="stack">
          <section className="card" aria-labelledby="h-sev">
            <h2 id="h-sev">Incidents by severity, last 12 months</h2>
            {o.totals.lastYear === 0 ? (
              // An empty grid of twelve months says nothing; say what will be here instead.
              <p className="muted">No incident started in the last 12 months. The chart fills in month by month as post-mortems are written.</p>
            ) : (
              <StackedBars title="Incidents per month by severity" data={o.byMonth.map((m) => ({ ...m, x: m.month }))} series={SEVERITY_SERIES} formatX={monthLabel} />
            )}
          </section>
          <section className="card card--flush" aria-labelledby="h-recent">
            <h2 id="h-recent">
              Recent incidents <Link className="small" href="/incidents">All incidents →</Link>
            </h2>
            {o.recent.length === 0 ? (
              <div className="empty">
                <strong>No incidents yet.</strong>
                {canAuthor(viewer) ? (
                  <>
                    <Link href="/incidents/new">Write the first post-mortem</Link> to start learning.
                  </>
                ) : (
                  "Post-mortems appear here as soon as an author publishes the first one."
                )}
              </div>
            ) : (
              <ul className="incident-list" style={{ marginTop: 8 }}>
                {o.recent.map((i) => (
                  <IncidentRow key={i.id} i={i} />
                ))}
              </ul>
            )}
          </section>
        </div>
        <div className="stack">
          <section className="card" aria-labelledby="h-factors">
            <h2 id="h-factors">
              Most recurring factors <Link className="small" href="/learnings">Learnings →</Link>
            </h2>
            {o.topFactors.length === 0 ? (
              <p className="muted small">No factor has appeared in more than one incident yet.</p>
            ) : (
              <ol className="rank-list">
                {o.topFactors.map((f) => (
                  <li key={f.factor}>
                    <Link href={`/factors/${f.factor}`}>{f.name}</Link>
                    <span className="small muted">
                      <span>
                        {f.incidents} incidents · {f.teams} team{f.teams === 1 ? "" : "s"}
                      </span>
                      {f.recurrences > 0 && <span className="badge badge--recurred">recurred after fix</span>}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section className="card" aria-labelledby="h-overdue">
            <h2 id="h-overdue">
              Most overdue <Link className="small" href="/countermeasures?overdue=1">Review →</Link>
            </h2>
            {o.overdue.length === 0 ? (
              <p className="muted small">Nothing is overdue: every countermeasure is on schedule.</p>
            ) : (
              <ul className="rank-list" style={{ listStyle: "none", paddingLeft: 0 }}>
                {o.overdue.map((r) => (
                  <li key={r.key}>
                    <Link href={`/incidents/${r.incidentId}#h-cms`}><InlineText text={r.title} links={false} /></Link>
                    <span className="small muted">
                      {r.owner} · <span className="badge badge--overdue">{r.daysOverdue} d overdue</span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </main>
  );
}
