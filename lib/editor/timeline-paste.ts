import type { TimelineKind } from "../schema/incident";

/** One timeline row read from pasted text. */
export interface PastedRow {
  at: string;
  event: string;
  kind: TimelineKind;
}

export interface PasteResult {
  rows: PastedRow[];
  /** Lines that had no time and nothing before them to continue. */
  skipped: string[];
}

// Order matters: "recovered after the rollback" is a resolution, "rolled back the deploy" a mitigation, "alert on the
// deploy" a detection. Stems, so "restarted", "restarting" and "restarts" all match.
const KIND_WORDS: [TimelineKind, RegExp][] = [
  ["resolution", /\b(resolv|recover|all[- ]clear|back to normal|fully restored|incident closed|closed the incident)/i],
  ["mitigation", /\b(roll(ed|ing)?[- ]?back|revert|restart|reboot|fail(ed|ing)?[- ]?over|mitigat|scal(ed|ing) (up|out)|throttl|drain|disabl|rate[- ]limit|hotfix|workaround)/i],
  ["detection", /\b(pag(ed|e|ing)\b|alert|fired|detect|noticed|reported|oncall was|on-call was|monitor(ing)? (showed|flagged))/i],
  ["trigger", /\b(deploy|change[ds]?\b|release[ds]?\b|rolled out|roll(ing)? out|merged|config(uration)? push|migration (start|ran|began)|upgrade)/i],
  ["response", /\b(investigat|join(ed|s)?\b|escalat|declar|incident (channel|call|bridge)|looking|check(ed|ing)|triag|engag|acknowledg|ack(ed)?\b)/i],
];

/** The kind a timeline event most likely is, from its words; `note` when nothing matches. */
export function guessTimelineKind(event: string, fromChat = false): TimelineKind {
  for (const [kind, re] of KIND_WORDS) if (re.test(event)) return kind;
  // A message someone typed during the incident is part of the response; an unlabelled line is a note.
  return fromChat ? "response" : "note";
}

// [2026-03-14 14:05:12] / 2026-03-14T14:05Z / 14:05 UTC / [14:05] / 2:05 PM, followed by an optional separator.
const LINE = new RegExp(
  String.raw`^\s*[\[(]?\s*` +
    String.raw`(?:(\d{4})-(\d{2})-(\d{2})[T\s,]+)?` +
    String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*` +
    String.raw`(?:(am|pm|a\.m\.|p\.m\.)(?![a-z]))?\s*` +
    String.raw`(?:(Z|UTC|GMT|[+-]\d{2}:?\d{2})(?![a-z0-9]))?` +
    String.raw`\s*[\])]?\s*(?:[-–—|:>]\s*)?(.*)$`,
  "i",
);

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Turns pasted lines (`14:02 UTC paged on-call`, chat lines `[14:05] alice: rolled back`, `2026-03-14 14:07 mitigated
 * by restart`) into timeline rows. Times without a date take `baseDate` (YYYY-MM-DD, the incident's day); a time that
 * jumps back more than 12 hours is taken as the next day (a log crossing midnight). Times are UTC unless an offset is
 * written. Lines without a time continue the previous event (multi-line chat messages).
 */
export function parseTimelinePaste(text: string, baseDate: string): PasteResult {
  const base = /^(\d{4})-(\d{2})-(\d{2})/.exec(baseDate);
  if (!base) throw new Error(`expected a base date such as 2026-03-14, got ${JSON.stringify(baseDate)}`);
  let day = Date.UTC(Number(base[1]), Number(base[2]) - 1, Number(base[3]));
  const rows: (PastedRow & { chat: boolean })[] = [];
  const skipped: string[] = [];
  let prevMs: number | null = null;

  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const m = LINE.exec(line);
    const hour = m ? Number(m[4]) : NaN;
    const minute = m ? Number(m[5]) : NaN;
    const rest = (m?.[9] ?? "").trim();
    if (!m || hour > 23 || minute > 59 || !rest) {
      const last = rows[rows.length - 1];
      if (last) {
        last.event = `${last.event} ${line}`;
        last.kind = guessTimelineKind(last.event, last.chat);
      } else skipped.push(line);
      continue;
    }
    let h = hour;
    const ampm = m[7]?.toLowerCase().replace(/\./g, "");
    if (ampm === "pm" && h < 12) h += 12;
    if (ampm === "am" && h === 12) h = 0;
    const seconds = m[6] ? Number(m[6]) : 0;
    const zone = m[8]?.toUpperCase();
    const offsetMin = zone && /^[+-]/.test(zone) ? (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) : 0;

    let ms: number;
    if (m[1]) {
      day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
      ms = day + ((h * 60 + Number(m[5])) * 60 + seconds) * 1000 - offsetMin * 60_000;
    } else {
      ms = day + ((h * 60 + Number(m[5])) * 60 + seconds) * 1000 - offsetMin * 60_000;
      if (prevMs !== null && prevMs - ms > 12 * 3_600_000) {
        day += 86_400_000;
        ms += 86_400_000;
      }
    }
    prevMs = ms;
    const d = new Date(ms);
    const at = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds ? `:${pad(d.getUTCSeconds())}` : ""}Z`;
    // `alice: rolled back` is a chat message: the speaker stays in the event, the kind comes from what was said.
    const chat = /^[\w.@-]{1,40}:\s/.test(rest);
    const said = chat ? rest.replace(/^[\w.@-]{1,40}:\s*/, "") : rest;
    rows.push({ at, event: rest, kind: guessTimelineKind(said, chat), chat });
  }
  return { rows: rows.map(({ at, event, kind }) => ({ at, event, kind })), skipped };
}
