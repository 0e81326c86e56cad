import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/session";
import { formatDuration } from "@/lib/knowledge/metrics";
import { DURATION_METRICS } from "@/lib/knowledge/trends";
import { getTrends } from "@/lib/pages/trends";
import { DistributionChart } from "./distribution-chart";
import "./trends.css";

export const metadata: Metadata = { title: "Trends" };

const SEV_LABEL: Record<string, string> = { SEV1: "SEV1", SEV2: "SEV2", SEV3: "SEV3", SEV4: "SEV4", none: "Near miss / unrated" };
const pct = (n: number, of: number) => (of === 0 ? "—" : `${Math.round((100 * n) / of)}%`);

export default async function TrendsPage() {
  const viewer = await requireViewer("/trends");
  const t = await getTrends(viewer);
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Knowledge</div>
          <h1>Trends</h1>
          <p>
            Distributions per quarter, not averages: incident durations are heavy-tailed and barely follow severity. Based on {t.incidents} post-mortems you may read
            {t.undated > 0 ? ` (${t.undated} without a start time left out)` : ""}.
          </p>
        </div>
      </div>
      {t.quarters.length === 0 ? (
        <div className="card empty">
          <strong>No dated incidents yet.</strong>Trends appear once post-mortems have a start time.
        </div>
      ) : (
        <>
          {DURATION_METRICS.map(({ key, label }) => {
            const rows = t.durations[key];
            const id = `h-${key}`;
            return (
              <section key={key} className="card tr-section" aria-labelledby={id}>
                <h2 id={id}>{label}</h2>
                <div className="tr-legend" aria-hidden="true">
                  <span>
                    <i className="tr-sw--box" />
                    p25–p75, bar = median, line = p10–p90
                  </span>
                  {t.severities.map((s) => (
                    <span key={s}>
                      <i className={`tr-sw--${s}`} />
                      {SEV_LABEL[s]}
                    </span>
                  ))}
                </div>
                <DistributionChart rows={rows} label={label} />
                <div className="table-wrap">
                  <table className="table tr-table">
                    <caption className="visually-hidden">{label}: median and 90th percentile per quarter and severity</caption>
                    <thead>
                      <tr>
                        <th scope="col">Quarter</th>
                        <th scope="col" className="num">
                          All (n)
                        </th>
                        {t.severities.map((s) => (
                          <th key={s} scope="col" className="num">
                            {s === "none" ? "Unrated" : s}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((r) => (
                        <tr key={r.quarter}>
                          <th scope="row">{r.quarter}</th>
                          <td className="num">{r.all ? `${formatDuration(r.all.p50)} / ${formatDuration(r.all.p90)} (${r.all.n})` : "—"}</td>
                          {t.severities.map((s) => {
                            const d = r.bySeverity[s];
                            return (
                              <td key={s} className="num">
                                {d ? `${formatDuration(d.p50)} / ${formatDuration(d.p90)}` : "—"}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <p className="small muted">Each cell: median / 90th percentile.</p>
              </section>
            );
          })}
          <section className="card tr-section" aria-labelledby="h-repeat">
            <h2 id="h-repeat">Repeat incidents</h2>
            <div className="table-wrap">
              <table className="table tr-table">
                <thead>
                  <tr>
                    <th scope="col">Quarter</th>
                    <th scope="col" className="num">
                      Incidents
                    </th>
                    <th scope="col" className="num">
                      Factor seen before
                    </th>
                    <th scope="col" className="num">
                      After a done countermeasure
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {t.repeats.map((r) => (
                    <tr key={r.quarter}>
                      <th scope="row">{r.quarter}</th>
                      <td className="num">{r.incidents}</td>
                      <td className="num">
                        {r.repeats} ({pct(r.repeats, r.incidents)})
                      </td>
                      <td className="num">
                        {r.afterCountermeasure} ({pct(r.afterCountermeasure, r.incidents)})
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="small muted">A repeat shares a contributing factor with an earlier incident; the last column counts factors that came back although a countermeasure addressing them was done.</p>
          </section>
          <section className="card tr-section" aria-labelledby="h-ontime">
            <h2 id="h-ontime">On-time countermeasures by team</h2>
            {t.teams.length === 0 ? (
              <p className="muted">No countermeasure is done or overdue yet.</p>
            ) : (
              <div className="table-wrap">
                <table className="table tr-table">
                  <thead>
                    <tr>
                      <th scope="col">Team</th>
                      {t.onTimeQuarters.map((q) => (
                        <th key={q} scope="col" className="num">
                          {q}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {t.teams.map((row) => (
                      <tr key={row.team}>
                        <th scope="row">{row.team}</th>
                        {t.onTimeQuarters.map((q) => {
                          const c = row.byQuarter[q];
                          const n = c ? c.onTime + c.late : 0;
                          return (
                            <td key={q} className="num" title={c ? `${c.onTime} on time, ${c.late} late` : undefined}>
                              {c ? `${pct(c.onTime, n)} of ${n}` : "—"}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <p className="small muted">By quarter of the due date: done by the end of the due day is on time; done later, or still open past it, is late.</p>
          </section>
        </>
      )}
    </main>
  );
}
