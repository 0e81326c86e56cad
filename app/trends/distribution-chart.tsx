import { formatDuration } from "@/lib/knowledge/metrics";
import type { QuarterDurations } from "@/lib/knowledge/trends";

const W = 640;
const LEFT = 96;
const RIGHT = 12;
const ROW = 34;
const TOP = 8;
const AXIS = 30;
const MIN_MS = 60_000;
const TICKS = [
  { ms: 60_000, label: "1 min" },
  { ms: 600_000, label: "10 min" },
  { ms: 3_600_000, label: "1 h" },
  { ms: 6 * 3_600_000, label: "6 h" },
  { ms: 86_400_000, label: "1 d" },
  { ms: 7 * 86_400_000, label: "1 w" },
  { ms: 30 * 86_400_000, label: "30 d" },
];

/**
 * A box and strip plot per quarter on a log time axis: the box spans p25–p75, the whiskers p10–p90, the bar is the
 * median; each dot is one incident, coloured by severity. Durations under a minute sit on the 1-minute line.
 */
export function DistributionChart({ rows, label }: { rows: QuarterDurations[]; label: string }) {
  const all = rows.flatMap((r) => r.points.map((p) => p.ms));
  const max = Math.max(MIN_MS * 10, ...all);
  const lo = Math.log10(MIN_MS);
  const hi = Math.log10(max) + 0.05;
  const x = (ms: number) => LEFT + ((Math.log10(Math.max(MIN_MS, ms)) - lo) / (hi - lo)) * (W - LEFT - RIGHT);
  const h = TOP + rows.length * ROW + AXIS;
  const ticks = TICKS.filter((t) => t.ms <= max);
  const summary = rows.map((r) => (r.all ? `${r.quarter}: median ${formatDuration(r.all.p50)}, p90 ${formatDuration(r.all.p90)} (${r.all.n})` : `${r.quarter}: no data`)).join("; ");
  return (
    <svg className="tr-chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-label={`${label} per quarter. ${summary}`}>
      {ticks.map((t) => (
        <g key={t.ms}>
          <line className="tr-grid" x1={x(t.ms)} x2={x(t.ms)} y1={TOP} y2={h - AXIS} />
          <text className="tr-tick" x={x(t.ms)} y={h - 8} textAnchor="middle">
            {t.label}
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        const cy = TOP + i * ROW + ROW / 2;
        const d = r.all;
        return (
          <g key={r.quarter}>
            <text className="tr-label" x={0} y={cy + 4}>
              {r.quarter}
            </text>
            {d && (
              <>
                <line className="tr-whisker" x1={x(d.p10)} x2={x(d.p90)} y1={cy} y2={cy} />
                <rect className="tr-box" x={x(d.p25)} y={cy - 9} width={Math.max(2, x(d.p75) - x(d.p25))} height={18} rx={3} />
                <line className="tr-median" x1={x(d.p50)} x2={x(d.p50)} y1={cy - 11} y2={cy + 11} />
              </>
            )}
            {r.points.map((p, j) => (
              <circle key={j} className={`tr-pt tr-pt--${p.severity}`} cx={x(p.ms)} cy={cy + ((j % 5) - 2) * 2.2} r={3.5}>
                <title>{`${p.severity === "none" ? "near miss / unrated" : p.severity}: ${formatDuration(p.ms)}`}</title>
              </circle>
            ))}
            {!d && (
              <text className="tr-tick" x={LEFT + 4} y={cy + 4}>
                no data
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
