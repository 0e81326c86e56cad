import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/session";
import { getLearnings, parseLearningsFilters } from "@/lib/pages/learnings";
import { SEVERITY_KEYS } from "@/lib/knowledge/incident-view";
import { SEVERITY_SERIES } from "../_components/charts/stacked-bars";
import { formatDate } from "../_components/format";
import "../factors/factors.css";
import { DateRangeFields, SelectField } from "../_components/select-field";

export const metadata: Metadata = { title: "Learnings" };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export default async function LearningsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer("/learnings");
  const filters = parseLearningsFilters(await searchParams);
  const { learnings, options, categoryNames } = await getLearnings(viewer, filters);
  const active = [filters.category, filters.team, filters.from, filters.to].filter(Boolean).length;
  const crossTeam = learnings.filter((l) => l.crossTeam).length;
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Knowledge</div>
          <h1>Global learnings</h1>
          <p>
            Contributing factors seen more than once, ranked as lessons for everyone: {plural(learnings.length, "learning")}
            {active > 0 ? " match the filters" : ""}, {crossTeam} of them across teams.
          </p>
        </div>
        <Link className="btn" href="/factors">
          All factors →
        </Link>
      </div>
      <form className="card kl-filters" method="get" action="/learnings" aria-label="Filter learnings">
        <div className="filters">
          <SelectField id="l-category" name="category" label="Category" value={filters.category} options={options.categories.map((c) => ({ value: c.id, label: c.name }))} />
          <SelectField id="l-team" name="team" label="Team" value={filters.team} options={options.teams} />
          <DateRangeFields idPrefix="l" from={{ name: "from", label: "From", value: filters.from }} to={{ name: "to", label: "To", value: filters.to }} />
          <div className="filters__actions">
            <button className="btn btn--primary" type="submit">
              Apply
            </button>
            {active > 0 && (
              <Link className="btn" href="/learnings">
                Clear
              </Link>
            )}
          </div>
        </div>
      </form>
      <div className="grid grid-main">
        <section aria-labelledby="h-ranking">
          <h2 id="h-ranking" className="visually-hidden">
            Ranking
          </h2>
          {learnings.length === 0 ? (
            <div className="card empty">
              {active > 0 ? (
                <>
                  <strong>No learnings match these filters.</strong>A factor becomes a learning once two incidents name it. Widen the period or <Link href="/learnings">clear the filters</Link>.
                </>
              ) : (
                <>
                  <strong>No learnings yet.</strong>A factor becomes a learning once two post-mortems name it as a contributing factor; <Link href="/factors">the factors</Link> list every one in use.
                </>
              )}
            </div>
          ) : (
            <ol className="kl-list">
              {learnings.map((l, rank) => {
                const sev = SEVERITY_KEYS.flatMap((k) => {
                  const s = SEVERITY_SERIES.find((x) => x.key === k);
                  return s && l.severity[k] > 0 ? [{ ...s, n: l.severity[k] }] : [];
                });
                return (
                  <li key={l.factor} className="card kl-item" aria-labelledby={`l-${l.factor}`}>
                    <div className="kl-item__rank" aria-hidden="true">
                      {rank + 1}
                    </div>
                    <div className="kl-item__body">
                      <div className="row kl-item__head">
                        <h3 id={`l-${l.factor}`} className="kl-item__name">
                          <Link href={`/factors/${l.factor}`}>{l.name}</Link>
                        </h3>
                        <span className="chip">{categoryNames[l.category] ?? l.category}</span>
                        {l.crossTeam ? <span className="badge kl-badge--cross">Cross-team</span> : <span className="badge badge--none">One team</span>}
                        {l.recurrences > 0 && <span className="badge badge--recurred">recurred after countermeasure</span>}
                      </div>
                      <p className="kl-item__reasons">{sentence(l.summary)}.</p>
                      <dl className="kl-figures">
                        <div>
                          <dt>Incidents</dt>
                          <dd>{l.incidents}</dd>
                        </div>
                        <div>
                          <dt>Teams</dt>
                          <dd>
                            {l.teams.length} <span className="muted small">{l.teams.join(", ")}</span>
                          </dd>
                        </div>
                        <div>
                          <dt>Services</dt>
                          <dd title={l.services.join(", ")}>{l.services.length}</dd>
                        </div>
                        <div>
                          <dt>Recurrences</dt>
                          <dd className={l.recurrences ? "kl-danger" : undefined}>{l.recurrences}</dd>
                        </div>
                        <div>
                          <dt>Last seen</dt>
                          <dd className="small">{formatDate(l.lastSeen)}</dd>
                        </div>
                        <div className="kl-figures__sev">
                          <dt>Severity mix</dt>
                          <dd>
                            <span className="kl-sevbar" role="img" aria-label={sev.map((s) => `${s.label}: ${s.n}`).join(", ")}>
                              {sev.map((s) => (
                                <i key={s.key} style={{ background: s.color, flexGrow: s.n }} title={`${s.label}: ${s.n}`} />
                              ))}
                            </span>
                            <span className="small muted">{sev.map((s) => `${s.n} ${s.label}`).join(" · ")}</span>
                          </dd>
                        </div>
                      </dl>
                    </div>
                  </li>
                );
              })}
            </ol>
          )}
        </section>
        <aside className="stack">
          <section className="card" aria-labelledby="h-how">
            <h2 id="h-how">How the ranking works</h2>
            <p className="small">A factor that crossed a team boundary is the kind of lesson a single team’s review cannot see, so cross-team factors come first. Within each group the score grows with:</p>
            <ul className="small kl-how">
              <li>the number of incidents, with diminishing returns;</li>
              <li>each further team and, less, each further service;</li>
              <li>severity (SEV1 counts most, near misses least);</li>
              <li>recency: the weight halves every 180 days since it was last seen.</li>
            </ul>
            <p className="small muted">Recurrences after a done countermeasure are called out: the fix did not hold, or did not reach the other teams.</p>
          </section>
        </aside>
      </div>
    </main>
  );
}
