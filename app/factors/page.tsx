import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/session";
import { getFactorsIndex, parseFactorSort, type FactorSort, type FactorsIndexData } from "@/lib/pages/factors";
import { Sparkline } from "../_components/charts/sparkline";
import { formatDate } from "../_components/format";
import { TaxonomyActions } from "./taxonomy-actions";
import { TaxonomyMissing } from "../_components/taxonomy-missing";
import "./factors.css";

export const metadata: Metadata = { title: "Contributing factors" };

const SORT_LABEL: Record<FactorSort, string> = { incidents: "Incidents", teams: "Teams", recency: "Most recent", name: "Name" };

const USED_ONCE_SHOWN = 8;

function UsedOnce({ f }: { f: FactorsIndexData["care"]["usedOnce"][number] }) {
  return (
    <li>
      <Link href={`/factors/${f.factor}`}>{f.name}</Link>
      {f.suggestions.length > 0 && <span className="small muted"> · merge into {f.suggestions.join(", ")}?</span>}
    </li>
  );
}

export default async function FactorsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer("/factors");
  const sort = parseFactorSort((await searchParams).sort);
  const data = await getFactorsIndex(viewer, sort);
  const { totals, care } = data;
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Knowledge</div>
          <h1>Contributing factors</h1>
          <p>
            {totals.factors === 0
              ? "The shared vocabulary that connects incidents: none is defined yet."
              : `${totals.used} of ${totals.factors} factors seen in incidents · ${totals.crossTeam} across more than one team · ${totals.recurred} recurred after a countermeasure`}
          </p>
        </div>
        <Link className="btn" href="/learnings">
          Global learnings →
        </Link>
      </div>
      {data.categories.length > 0 && (
      <nav className="kf-sort" aria-label="Sort factors">
        <span className="kf-sort__label">Sort by</span>
        {(Object.keys(SORT_LABEL) as FactorSort[]).map((s) => (
          <Link key={s} href={s === "incidents" ? "/factors" : `/factors?sort=${s}`} aria-current={s === sort ? "true" : undefined} className="kf-sort__link">
            {SORT_LABEL[s]}
          </Link>
        ))}
      </nav>
      )}
      {data.taxonomyFile.state !== "ok" && <TaxonomyMissing state={data.taxonomyFile.state} problems={data.taxonomyFile.problems} />}
      {data.taxonomyFile.state === "ok" && data.categories.length === 0 && (
        <div className="card empty">
          <strong>No factors yet.</strong>
          <code>factors.yml</code> defines no factor: add some to it, then name them in post-mortems.
        </div>
      )}
      {data.categories.length > 0 && (
      <div className="grid grid-main">
        <div className="stack">
          {data.categories.map((c) => (
            <section key={c.id} id={`category-${c.id}`} className="card card--flush kf-category" aria-labelledby={`h-cat-${c.id}`}>
              <div className="kf-category__head">
                <h2 id={`h-cat-${c.id}`}>{c.name}</h2>
                <span className="small muted">
                  {c.incidents} incident{c.incidents === 1 ? "" : "s"} · {c.factors.length} factor{c.factors.length === 1 ? "" : "s"}
                </span>
              </div>
              {c.description && <p className="kf-category__desc">{c.description}</p>}
              <div className="table-wrap">
                <table className="table kf-table">
                  <thead>
                    <tr>
                      <th scope="col">Factor</th>
                      <th scope="col" className="kf-num">
                        Incidents
                      </th>
                      <th scope="col" className="kf-num">
                        Teams
                      </th>
                      <th scope="col" className="kf-col-spark">
                        Last 12 months
                      </th>
                      <th scope="col" className="kf-col-last">
                        Last seen
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.factors.map((f) => (
                      <tr key={f.id} className={f.incidents === 0 ? "kf-unused" : undefined} data-factor={f.id}>
                        <th scope="row" className="kf-factor-cell">
                          <div className="kf-factor">
                            <Link href={`/factors/${f.id}`}>{f.name}</Link>
                            {f.recurrences > 0 && (
                              <span className="badge badge--recurred" title="Seen again after a countermeasure addressing it was done">
                                recurred after countermeasure
                              </span>
                            )}
                            {f.incidents === 0 && <span className="kf-tag">unused</span>}
                            {!f.known && <span className="badge badge--overdue">not in taxonomy</span>}
                          </div>
                        </th>
                        <td className="kf-num" data-unit={f.incidents === 1 ? "incident" : "incidents"}>
                          {f.incidents}
                        </td>
                        <td className="kf-num" title={f.teams.join(", ")} data-unit={f.teams.length === 1 ? "team" : "teams"}>
                          {f.teams.length}
                        </td>
                        <td className="kf-col-spark">
                          <Sparkline data={f.sparkline} label={`${f.name}, incidents per month`} />
                        </td>
                        <td className="kf-col-last small muted">{f.lastSeen ? formatDate(f.lastSeen) : "never"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
        </div>
        <aside className="stack kf-aside">
          <section className="card" aria-labelledby="h-care">
            <h2 id="h-care">Taxonomy care</h2>
            <p className="small muted kf-care__intro">Factors nobody uses are candidates to retire or describe better; factors used once may belong inside a broader one.</p>
            <h3 className="kf-care__h">Never used ({care.unused.length})</h3>
            {care.unused.length === 0 ? (
              <p className="small muted">Every factor has been used.</p>
            ) : (
              <ul className="kf-chips" aria-label="Never used factors">
                {care.unused.map((f) => (
                  <li key={f.factor}>
                    <Link className="chip" href={`/factors/${f.factor}`}>
                      {f.name}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            <h3 className="kf-care__h">Used once ({care.usedOnce.length})</h3>
            {care.usedOnce.length === 0 ? (
              <p className="small muted">No factor is used by exactly one incident.</p>
            ) : (
              <>
                <ul className="kf-care__list" aria-label="Factors used once">
                  {care.usedOnce.slice(0, USED_ONCE_SHOWN).map((f) => (
                    <UsedOnce key={f.factor} f={f} />
                  ))}
                </ul>
                {care.usedOnce.length > USED_ONCE_SHOWN && (
                  <details className="kf-care__more">
                    <summary>{care.usedOnce.length - USED_ONCE_SHOWN} more used once</summary>
                    <ul className="kf-care__list kf-care__list--more" aria-label="More factors used once">
                      {care.usedOnce.slice(USED_ONCE_SHOWN).map((f) => (
                        <UsedOnce key={f.factor} f={f} />
                      ))}
                    </ul>
                  </details>
                )}
              </>
            )}
            <h3 className="kf-care__h">Merged ids still in use ({care.mergedInUse.length})</h3>
            {care.mergedInUse.length === 0 ? (
              <p className="small muted">No incident uses an old, merged id.</p>
            ) : (
              <ul className="kf-care__list" aria-label="Merged ids still in use">
                {care.mergedInUse.map((m) => (
                  <li key={m.oldId}>
                    <code>{m.oldId}</code> → <Link href={`/factors/${m.newId}`}>{m.newId}</Link>
                    <div className="small muted">
                      in{" "}
                      {m.incidentIds.map((id, i) => (
                        <span key={id}>
                          {i > 0 && ", "}
                          <Link href={`/incidents/${id}`}>{id}</Link>
                        </span>
                      ))}
                    </div>
                  </li>
                ))}
              </ul>
            )}
            {care.unknownInUse.length > 0 && (
              <>
                <h3 className="kf-care__h">Unknown ids ({care.unknownInUse.length})</h3>
                <ul className="kf-care__list" aria-label="Unknown ids in use">
                  {care.unknownInUse.map((u) => (
                    <li key={u.id}>
                      <code>{u.id}</code>
                      <span className="small muted">
                        {" "}
                        · {u.incidentIds.length} incident{u.incidentIds.length === 1 ? "" : "s"}
                        {u.suggestions.length > 0 && <> · did you mean {u.suggestions.join(", ")}?</>}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
          {data.admin && <TaxonomyActions factors={data.admin.factors} candidates={data.admin.candidates} />}
        </aside>
      </div>
      )}
    </main>
  );
}
