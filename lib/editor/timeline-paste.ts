import type { TimelineKind } from "../schema/incident";
import { instantOfWallTime } from "../knowledge/dates";

/** One timeline row read from pasted text. */
export interface PastedRow {
  at: string;
  event: string;
  kind: TimelineKind;
}

/** A pasted line that did not become a row, with why, so the author can fix it. */
export interface UnreadLine {
  /** 1-based line number in the pasted text. */
  line: number;
  text: string;
  reason: string;
}

export interface PasteResult {
  rows: PastedRow[];
  /** Lines that could not be read: no time, a time that does not exist (25:99), or a time with no event after it. */
  unread: UnreadLine[];
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

/** Why a line that starts like a time still cannot be a row, or null when it can. */
function unreadable(m: RegExpExecArray): string | null {
  const [h, min, sec] = [Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6])];
  if (h > 23 || min > 59 || sec > 59) return `${m[4]}:${m[5]}${m[6] === undefined ? "" : `:${m[6]}`} is not a time of day`;
  if (m[7] && (h === 0 || h > 12)) return `${m[4]}:${m[5]} ${m[7]} is not a time of day`;
  if (!(m[9] ?? "").trim()) return "no event after the time";
  return null;
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Turns pasted lines (`14:02 UTC paged on-call`, chat lines `[14:05] alice: rolled back`, `2026-03-14 14:07 mitigated
 * by restart`) into timeline rows. Times without a date take `baseDate` (YYYY-MM-DD, the incident's day); a time that
 * jumps back more than 12 hours is taken as the next day (a log crossing midnight). Times are wall-clock times in
 * `timeZone` (the team's, as the editor shows them) unless a zone is written (`Z`, `UTC`, `GMT` or an offset). An indented line continues the previous event (a multi-line chat message); any other line that cannot be
 * read is reported with its line number and why, never glued onto an event it does not belong to.
 */
export function parseTimelinePaste(text: string, baseDate: string, timeZone = "UTC"): PasteResult {
  const base = /^(\d{4})-(\d{2})-(\d{2})/.exec(baseDate);
  if (!base) throw new Error(`expected a base date such as 2026-03-14, got ${JSON.stringify(baseDate)}`);
  let day = Date.UTC(Number(base[1]), Number(base[2]) - 1, Number(base[3]));
  const rows: (PastedRow & { chat: boolean })[] = [];
  const unread: UnreadLine[] = [];
  let prevMs: number | null = null;

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const last = rows[rows.length - 1];
    const timed = LINE.exec(line);
    if (/^\s/.test(raw) && last && !timed) {
      last.event = `${last.event} ${line}`;
      last.kind = guessTimelineKind(last.event, last.chat);
      return;
    }
    if (!timed) {
      unread.push({ line: index + 1, text: line, reason: "no time at the start (write 14:02, [14:02] or 2026-03-14 14:02; indent a line to continue the event above)" });
      return;
    }
    const m = timed;
    const reason = unreadable(m);
    if (reason) {
      unread.push({ line: index + 1, text: line, reason });
      return;
    }
    const hour = Number(m[4]);
    const rest = (m[9] ?? "").trim();
    let h = hour;
    const ampm = m[7]?.toLowerCase().replace(/\./g, "");
    if (ampm === "pm" && h < 12) h += 12;
    if (ampm === "am" && h === 12) h = 0;
    const seconds = m[6] ? Number(m[6]) : 0;
    const zone = m[8]?.toUpperCase();
    const offsetMin = zone && /^[+-]/.test(zone) ? (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) : 0;

    const offsetMs = zone ? offsetMin * 60_000 : null;
    // The instant of a time of day on `day` (a UTC midnight standing for that calendar date): by the written zone, else
    // as the team's wall clock read it.
    const instantOn = (dayMs: number) => {
      const wall = dayMs + ((h * 60 + Number(m[5])) * 60 + seconds) * 1000;
      if (offsetMs !== null) return wall - offsetMs;
      const minute = new Date(wall - seconds * 1000).toISOString().slice(0, 16);
      return (instantOfWallTime(minute, timeZone) ?? wall) + seconds * 1000;
    };
    if (m[1]) day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    let ms = instantOn(day);
    if (!m[1] && prevMs !== null && prevMs - ms > 12 * 3_600_000) {
      day += 86_400_000;
      ms = instantOn(day);
    }
    prevMs = ms;
    const d = new Date(ms);
    const at = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds ? `:${pad(d.getUTCSeconds())}` : ""}Z`;
    // `alice: rolled back` is a chat message: the speaker stays in the event, the kind comes from what was said.
    const chat = /^[\w.@-]{1,40}:\s/.test(rest);
    const said = chat ? rest.replace(/^[\w.@-]{1,40}:\s*/, "") : rest;
    rows.push({ at, event: rest, kind: guessTimelineKind(said, chat), chat });
  });
  return { rows: rows.map(({ at, event, kind }) => ({ at, event, kind })), unread };
}
