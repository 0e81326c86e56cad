/**
 * Horizontal bars, one per team, each team's name linking to its overdue countermeasures. Drawn in HTML: the links sit
 * beside the graphic (an image may not contain links), the bars are one image for screen readers with every figure.
 */
export function TeamBars({ data, title }: { data: { team: string; overdue: number }[]; title: string }) {
  const rows = data.slice(0, 8);
  const max = Math.max(1, ...rows.map((d) => d.overdue));
  const summary = rows.map((d) => `${d.team}: ${d.overdue}`).join(", ");
  return (
    <figure className="cms-team-bars">
      <ul className="cms-team-bars__names" aria-label="Overdue by team">
        {rows.map((d) => (
          <li key={d.team}>
            <a href={`/countermeasures?overdue=1&team=${encodeURIComponent(d.team)}`} title={`${d.team}: ${d.overdue} overdue`}>
              {d.team}
            </a>
          </li>
        ))}
      </ul>
      <div className="cms-team-bars__plot" role="img" aria-label={`${title}. ${summary}`}>
        {rows.map((d) => (
          <div key={d.team} className="cms-team-bars__row" aria-hidden="true">
            <span className="cms-team-bars__bar" style={{ width: `${(d.overdue / max) * 100}%` }} />
            <span className="cms-team-bars__value">{d.overdue}</span>
          </div>
        ))}
      </div>
      {data.length > rows.length && <figcaption className="small muted">and {data.length - rows.length} more teams</figcaption>}
    </figure>
  );
}
