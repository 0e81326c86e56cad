import { scaleLinear } from "d3-scale";

export interface StackSeries {
  key: string;
  label: string;
  /** A CSS colour, normally a `var(--chart-…)` token so the chart follows the light and dark themes. */
  color: string;
}

/**
 * Stacked bars, one column per category and one segment per series, drawn in HTML rather than SVG: the labels keep
 * their real size (an SVG scaled to a phone shrank them to a few pixels) and every column fits the card at any width,
 * so no month is scrolled out of sight. The y-axis has a few round ticks; the whole chart is one image for screen
 * readers, labelled with every figure.
 */
export function StackedBars({ data, series, title, height = 180, formatX = (x: string) => x }: { data: ({ x: string } & Record<string, number | string>)[]; series: StackSeries[]; title: string; height?: number; formatX?: (x: string) => string }) {
  const totals = data.map((d) => series.reduce((s, se) => s + Number(d[se.key] ?? 0), 0));
  const y = scaleLinear().domain([0, Math.max(1, ...totals)]).nice();
  const top = y.domain()[1] ?? 1;
  const ticks = y.ticks(Math.min(4, top)).filter((t) => Number.isInteger(t));
  const summary = data.map((d, i) => `${formatX(d.x)}: ${totals[i]}`).join(", ");
  // With more than a year of columns, a phone shows every third label (and each January); the rest stay for wide screens.
  const thin = data.length > 12;
  const pct = (v: number) => `${(v / top) * 100}%`;
  return (
    <figure className="bars">
      <div className="bars__body">
        <div className="bars__plot" style={{ height }} role="img" aria-label={`${title}. ${summary}`}>
          {ticks.map((t) => (
            <div key={t} className="bars__tick" style={{ bottom: pct(t) }} aria-hidden="true">
              <span>{t}</span>
            </div>
          ))}
          <div className="bars__cols">
            {data.map((d, i) => (
              <div key={d.x} className="bars__col">
                <div className="bars__stack" style={{ height: pct(totals[i] ?? 0) }}>
                  {series.map((se) => {
                    const v = Number(d[se.key] ?? 0);
                    return v > 0 ? <div key={se.key} className="bars__seg" style={{ flex: `${v} 1 0`, background: se.color }} title={`${formatX(d.x)} · ${se.label}: ${v}`} /> : null;
                  })}
                </div>
              </div>
            ))}
          </div>
        </div>
        <div className="bars__labels" aria-hidden="true">
          {data.map((d, i) => (
            <span key={d.x} className={`bars__label${thin && i % 3 !== (data.length - 1) % 3 && !d.x.endsWith("-01") ? " bars__label--minor" : ""}`}>
              {formatX(d.x)
                .split(" ")
                .map((part) => (
                  <span key={part}>{part}</span>
                ))}
            </span>
          ))}
        </div>
      </div>
      <figcaption className="legend">
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
  { key: "SEV1", label: "SEV1", color: "var(--chart-sev1)" },
  { key: "SEV2", label: "SEV2", color: "var(--chart-sev2)" },
  { key: "SEV3", label: "SEV3", color: "var(--chart-sev3)" },
  { key: "SEV4", label: "SEV4", color: "var(--chart-sev4)" },
  { key: "none", label: "Near miss / unrated", color: "var(--chart-none)" },
];

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "2026-03" → "Mar". */
export function monthLabel(ym: string): string {
  return MONTHS[Number(ym.slice(5, 7)) - 1] ?? ym;
}
