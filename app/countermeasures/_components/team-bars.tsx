import { scaleBand, scaleLinear } from "d3-scale";

/** Horizontal bars (SVG, server-rendered), one per team, each linking to that team's overdue countermeasures. */
export function TeamBars({ data, title }: { data: { team: string; overdue: number }[]; title: string }) {
  const rows = data.slice(0, 8);
  const width = 420;
  const rowHeight = 30;
  const m = { top: 4, right: 34, bottom: 4, left: 124 };
  const height = m.top + m.bottom + rows.length * rowHeight;
  const max = Math.max(1, ...rows.map((d) => d.overdue));
  const x = scaleLinear().domain([0, max]).range([m.left, width - m.right]);
  const y = scaleBand<string>().domain(rows.map((d) => d.team)).range([m.top, height - m.bottom]).padding(0.25);
  const summary = rows.map((d) => `${d.team}: ${d.overdue}`).join(", ");
  const clip = (s: string) => (s.length > 16 ? `${s.slice(0, 15)}…` : s);
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart cms-team-bars" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}. ${summary}`}>
        <title>{title}</title>
        {rows.map((d) => {
          const top = y(d.team) ?? 0;
          const mid = top + y.bandwidth() / 2;
          return (
            <a key={d.team} href={`/countermeasures?overdue=1&team=${encodeURIComponent(d.team)}`}>
              <title>{`${d.team}: ${d.overdue} overdue`}</title>
              <text x={m.left - 8} y={mid + 4} textAnchor="end" className="cms-team-bars__label">
                {clip(d.team)}
              </text>
              <rect x={m.left} y={top} width={Math.max(2, x(d.overdue) - m.left)} height={y.bandwidth()} rx={3} className="cms-team-bars__bar" />
              <text x={x(d.overdue) + 6} y={mid + 4} className="cms-team-bars__value">
                {d.overdue}
              </text>
            </a>
          );
        })}
      </svg>
      {data.length > rows.length && <figcaption className="small muted">and {data.length - rows.length} more teams</figcaption>}
    </figure>
  );
}
