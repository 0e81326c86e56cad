import { monthLabel } from "./stacked-bars";

/** "2026-03" → "Mar 2026". */
export function monthYear(ym: string): string {
  return `${monthLabel(ym)} ${ym.slice(0, 4)}`;
}

/** A tiny bar sparkline of counts per month (SVG, server-rendered), titled with the figures for screen readers. */
export function Sparkline({ data, label, width = 96, height = 24 }: { data: { month: string; count: number }[]; label: string; width?: number; height?: number }) {
  const max = Math.max(1, ...data.map((d) => d.count));
  const total = data.reduce((s, d) => s + d.count, 0);
  const slot = width / Math.max(1, data.length);
  const bar = Math.max(1, slot - 2);
  const months = data.filter((d) => d.count > 0).map((d) => `${monthYear(d.month)}: ${d.count}`);
  const title = `${label}: ${total} in the last ${data.length} months${months.length ? ` (${months.join(", ")})` : ""}`;
  return (
    <svg className="kf-spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="kf-spark__base" />
      {data.map((d, i) =>
        d.count > 0 ? (
          <rect key={d.month} x={i * slot + (slot - bar) / 2} width={bar} y={height - 1 - ((height - 3) * d.count) / max} height={((height - 3) * d.count) / max} rx={1} className="kf-spark__bar" />
        ) : null,
      )}
    </svg>
  );
}
