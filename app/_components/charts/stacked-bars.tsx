import { scaleBand, scaleLinear } from "d3-scale";

export interface StackSeries {
  key: string;
  label: string;
  color: string;
}

/** Stacked bars (SVG, server-rendered): one bar per category, one segment per series; titled for screen readers. */
export function StackedBars({ data, series, title, height = 180, formatX = (x: string) => x }: { data: ({ x: string } & Record<string, number | string>)[]; series: StackSeries[]; title: string; height?: number; formatX?: (x: string) => string }) {
  const width = 640;
  const m = { top: 10, right: 8, bottom: 24, left: 28 };
  const totals = data.map((d) => series.reduce((s, se) => s + Number(d[se.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const x = scaleBand<string>().domain(data.map((d) => d.x)).range([m.left, width - m.right]).padding(0.28);
  const y = scaleLinear().domain([0, max]).nice().range([height - m.bottom, m.top]);
  const ticks = y.ticks(Math.min(4, max));
  const summary = data.map((d, i) => `${formatX(d.x)}: ${totals[i]}`).join(", ");
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}. ${summary}`}>
        <title>{title}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} stroke="#e2e6ec" />
            <text x={m.left - 6} y={y(t) + 3} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {data.map((d) => {
          let acc = 0;
          return (
            <g key={d.x}>
              {series.map((se) => {
                const v = Number(d[se.key] ?? 0);
                if (!v) return null;
                const y0 = y(acc);
                acc += v;
                const y1 = y(acc);
                return (
                  <rect key={se.key} x={x(d.x)} width={x.bandwidth()} y={y1} height={Math.max(0, y0 - y1)} fill={se.color} rx={2}>
                    <title>{`${formatX(d.x)} · ${se.label}: ${v}`}</title>
                  </rect>
                );
              })}
              <text x={(x(d.x) ?? 0) + x.bandwidth() / 2} y={height - 8} textAnchor="middle">
                {formatX(d.x)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="legend" style={{ marginTop: 6 }}>
        {series.map((se) => (
          <span key={se.key}>
            <i style={{ background: se.color }} />
            {se.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export const SEVERITY_SERIES: StackSeries[] = [
  { key: "SEV1", label: "SEV1", color: "#c42b2b" },
  { key: "SEV2", label: "SEV2", color: "#e07a2e" },
  { key: "SEV3", label: "SEV3", color: "#e0b43a" },
  { key: "SEV4", label: "SEV4", color: "#6f98bf" },
  { key: "none", label: "Near miss / unrated", color: "#b8c0cc" },
];

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "2026-03" → "Mar". */
export function monthLabel(ym: string): string {
  return MONTHS[Number(ym.slice(5, 7)) - 1] ?? ym;
}
