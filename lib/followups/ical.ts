import { incidentUrl } from "./csv";
import { addDays } from "../knowledge/dates";
import { isOpen } from "../knowledge/facts";
import type { FollowupRow } from "./rows";
import { stripInline } from "../mdx/inline";

export interface ICalendarOptions {
  baseUrl: string;
  /** DTSTAMP of every event; defaults to now. */
  now?: Date;
  calendarName?: string;
}

/** RFC 5545 §3.3.11 TEXT escaping: backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

const encoder = new TextEncoder();

/**
 * RFC 5545 §3.1 folding: content lines longer than 75 octets continue on lines that start with one space. Splits
 * only between characters, never inside a multi-byte UTF-8 sequence.
 */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    if (octets + n > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = 74; // the leading space of a continuation line counts
    }
    current += ch;
    octets += n;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

const compactDate = (date: string) => date.replace(/-/g, "");

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/**
 * An iCalendar feed with one all-day VEVENT per open or in-progress countermeasure, on its due date. UIDs are stable
 * (`<incident>-<cm>@kaizen`) so calendar clients update events instead of duplicating them.
 */
export function rowsToICalendar(rows: readonly FollowupRow[], options: ICalendarOptions): string {
  const dtstamp = stamp(options.now ?? new Date());
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Kaizen//Countermeasure follow-ups//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(options.calendarName ?? "Kaizen countermeasures")}`,
  ];
  for (const r of rows) {
    if (!isOpen(r.status)) continue;
    const url = incidentUrl(options.baseUrl, r.incident.id);
    const description = [
      `Owner: ${r.owner}`,
      `Type: ${r.type}, status: ${r.status}${r.overdue ? `, ${r.daysOverdue} day(s) overdue` : ""}`,
      `Incident: ${r.incident.title}`,
      url,
      ...(r.ticket ? [`Ticket: ${r.ticket}`] : []),
    ].join("\n");
    lines.push(
      "BEGIN:VEVENT",
      `UID:${r.incident.id}-${r.id}@kaizen`,
      `DTSTAMP:${dtstamp}`,
      `DTSTART;VALUE=DATE:${compactDate(r.dueDate)}`,
      `DTEND;VALUE=DATE:${compactDate(addDays(r.dueDate, 1))}`,
      `SUMMARY:${escapeText(`Countermeasure due: ${stripInline(r.title)}`)}`,
      `DESCRIPTION:${escapeText(description)}`,
      // URI values are not TEXT-escaped (RFC 5545 §3.3.13); ids and the base URL hold no line breaks.
      `URL:${url.replace(/[\r\n]/g, "")}`,
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
