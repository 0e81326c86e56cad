import type { TimelineEntry } from "@/lib/schema/incident";
import { timelineRowIds } from "@/lib/reviews/file";
import { defaultTimeZone, localDate } from "@/lib/knowledge/dates";
import { formatDateTime, formatTime, zoneName } from "./format";
import { timelineLayout } from "./timeline-layout";
import { InlineText } from "./inline-text";
import { stripInline } from "@/lib/mdx/inline";

const KINDS = ["trigger", "detection", "response", "mitigation", "resolution", "note"] as const;

/** Events on a time axis (position proportional to time, kinds coloured) above the full list. */
export function Timeline({ entries, comments = {} }: { entries: TimelineEntry[]; comments?: Record<string, number> }) {
  if (entries.length === 0) return <p className="muted">No timeline yet.</p>;
  // Each row has a stable id: review comments anchor to it and link here.
  const ids = timelineRowIds(entries);
  const times = entries.map((e) => Date.parse(e.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const layout = timelineLayout(times);
  const zone = defaultTimeZone();
  const sameDay = localDate(t0, zone) === localDate(t1, zone);
  const label = (iso: string) => (sameDay ? formatTime(iso, zone) : formatDateTime(iso, zone));
  const used = KINDS.filter((k) => entries.some((e) => (e.kind ?? "note") === k));
  return (
    <div>
      <div className="tl-axis" role="img" aria-label={`Timeline from ${formatDateTime(entries[0]?.at)} to ${formatDateTime(entries[entries.length - 1]?.at)}`}>
        <div className="tl-axis__line" />
        {layout.breaks.map((b) => (
          <span key={`b${b}`} className="tl-axis__break" style={{ left: `${b}%` }} title="Gap shortened" />
        ))}
        {entries.map((e, i) => (
          <span key={i} className={`tl-axis__dot k-${e.kind ?? "note"}`} style={{ left: `${layout.positions[i] ?? 0}%` }} title={`${label(e.at)} · ${e.kind ?? "note"}: ${stripInline(e.event)}`} />
        ))}
        <span className="tl-axis__tick tl-axis__tick--start" style={{ left: 0 }}>
          {label(entries[0]!.at)}
        </span>
        <span className="tl-axis__tick tl-axis__tick--end" style={{ left: "100%" }}>
          {label(entries[entries.length - 1]!.at)}
        </span>
      </div>
      <div className="tl-legend" aria-hidden="true">
        {used.map((k) => (
          <span key={k}>
            <i className={`k-${k}`} />
            {k}
          </span>
        ))}
        {sameDay && <span className="muted">times in {zoneName(t0, zone)}</span>}
      </div>
      <ol className="tl-list" aria-label="Timeline events">
        {entries.map((e, i) => (
          <li key={i} className="tl-item" id={ids[i]}>
            <time className="tl-item__time" dateTime={e.at}>
              {label(e.at)}
            </time>
            <span className={`tl-item__dot k-${e.kind ?? "note"}`} aria-hidden="true" />
            <div>
              <span className={`tl-item__kind k-${e.kind ?? "note"}`}>{e.kind ?? "note"}</span>
              <InlineText text={e.event} />
              {e.internal && <span className="chip chip--internal">internal</span>}
              {(comments[ids[i]!] ?? 0) > 0 && (
                <a className="chip tl-item__comments" href="#review">
                  {comments[ids[i]!]} review comment{comments[ids[i]!] === 1 ? "" : "s"}
                </a>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
