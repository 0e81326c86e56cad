/**
 * Calendar arithmetic in the organization's time zone. Due dates are calendar dates (`YYYY-MM-DD`) that end at local
 * midnight, so "today" must be computed in that zone, not in the server's.
 */

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for an unknown zone: a misconfigured KAIZEN_TIME_ZONE should be loud, not silently UTC.
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The organization's time zone: KAIZEN_TIME_ZONE, else UTC. */
export function defaultTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  const tz = env.KAIZEN_TIME_ZONE?.trim();
  if (!tz) return "UTC";
  if (!isValidTimeZone(tz)) throw new Error(`KAIZEN_TIME_ZONE is not a known IANA time zone: "${tz}"`);
  return tz;
}

/** True when Intl knows this IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date | number, timeZone: string): string {
  if (timeZone === "UTC") return new Date(instant).toISOString().slice(0, 10);
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** True for a plain calendar date such as 2025-03-31 (as opposed to a date-time). */
export function isDateOnly(s: string): boolean {
  return DATE_ONLY.test(s);
}

/** The calendar date of a `YYYY-MM-DD` or ISO date-time value, in a time zone. */
export function toLocalDate(value: string, timeZone: string): string {
  return isDateOnly(value) ? value : localDate(Date.parse(value), timeZone);
}

/** Days since 1970-01-01 for a calendar date; differences of these are whole calendar days, immune to DST. */
export function dayNumber(date: string): number {
  return Math.round(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The calendar date `n` days after `date`. */
export function addDays(date: string, n: number): string {
  return new Date((dayNumber(date) + n) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Has this due moment passed? A calendar date is due at the end of that day in `timeZone`; a date-time is due at
 * that instant.
 */
export function isPastDue(due: string, now: Date, timeZone: string): boolean {
  if (isDateOnly(due)) return localDate(now, timeZone) > due;
  return now.getTime() > Date.parse(due);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** How far a time zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    offsetFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant a calendar date begins in a time zone (local midnight; the first instant of the day across a DST gap). */
export function startOfDayMs(date: string, timeZone: string): number {
  const wall = dayNumber(date) * 86_400_000;
  if (timeZone === "UTC") return wall;
  // The offset at the guess can differ from the one at local midnight when a DST change falls in between: one
  // correction settles it.
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}

// Display: one format everywhere ("14 Mar 2026", "14 Mar 2026, 10:05 CET"), in the organization's time zone, with the
// zone named whenever a time of day is shown. Every page, export and message formats dates through these.

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

function display(kind: "date" | "dateTime" | "time" | "zone" | "zoneUS", timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let f = displayFormatters.get(key);
  if (!f) {
    const time = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } as const;
    const date = { day: "numeric", month: "short", year: "numeric" } as const;
    const options: Intl.DateTimeFormatOptions =
      kind === "date" ? date : kind === "dateTime" ? { ...date, ...time } : kind === "time" ? time : { ...time, timeZoneName: "short" };
    f = new Intl.DateTimeFormat(kind === "zoneUS" ? "en-US" : "en-GB", { ...options, timeZone });
    displayFormatters.set(key, f);
  }
  return f;
}

/**
 * The zone's short name at an instant: "UTC", "CET"/"CEST", "BST", "EST"; an offset ("GMT+5:30") where neither the
 * British nor the American English names have an abbreviation.
 */
export function zoneName(instant: number, timeZone: string): string {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return "UTC";
  const pick = (f: Intl.DateTimeFormat) => f.formatToParts(instant).find((p) => p.type === "timeZoneName")?.value ?? timeZone;
  const gb = pick(display("zone", timeZone));
  return /^(GMT|UTC)[+-]/.test(gb) ? pick(display("zoneUS", timeZone)) : gb;
}

/** Recent ICU data writes September as "Sept" in British English; every other month has three letters, and so does it here. */
const threeLetterMonth = (s: string) => s.replace(/\bSept\b/, "Sep");

/** "14 Mar 2026": a calendar date as is, a date-time as its day in the time zone; "—" when absent, the text when unreadable. */
export function formatDate(value: string | undefined | null, timeZone: string = defaultTimeZone()): string {
  if (!value) return "—";
  if (isDateOnly(value)) return threeLetterMonth(display("date", "UTC").format(Date.parse(`${value}T00:00:00Z`)));
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : threeLetterMonth(display("date", timeZone).format(t));
}

/** "14 Mar 2026, 10:05 CET": a date-time in the time zone, named; a calendar date alone as formatDate. */
export function formatDateTime(value: string | undefined | null, timeZone: string = defaultTimeZone()): string {
  if (!value) return "—";
  if (isDateOnly(value)) return formatDate(value, timeZone);
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : `${threeLetterMonth(display("dateTime", timeZone).format(t))} ${zoneName(t, timeZone)}`;
}

/** "10:05": the time of day in the time zone (the zone is named once nearby, for example in a heading). */
export function formatTime(value: string, timeZone: string = defaultTimeZone()): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : display("time", timeZone).format(t);
}

// Wall-clock times for form inputs (<input type="datetime-local"> holds `YYYY-MM-DDTHH:MM` with no zone): what the
// author sees and types is the time in the organization's zone; what is stored is the instant.

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const pad2 = (n: number) => String(n).padStart(2, "0");

/** The wall-clock time `YYYY-MM-DDTHH:MM` of an instant in a time zone (seconds dropped). */
export function wallTime(instant: number, timeZone: string): string {
  const d = new Date(instant + zoneOffsetMs(instant, timeZone));
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/**
 * The instant a wall-clock time `YYYY-MM-DDTHH:MM` names in a time zone; null when it is not such a time. Across a DST
 * change it reads as a clock on the wall would: a time the change skipped (02:30 when clocks jump from 02:00 to
 * 03:00) is taken with the offset before it, so it lands an hour later (03:30 summer time); a time that happens twice
 * (when clocks go back) is its first occurrence.
 */
export function instantOfWallTime(wall: string, timeZone: string): number | null {
  const m = WALL_TIME.exec(wall);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(asUtc).getUTCDate() !== d) return null;
  // Zones change offset at most once within a day around any time: the offsets a day before and after are the only
  // candidates.
  const before = zoneOffsetMs(asUtc - 86_400_000, timeZone);
  const after = zoneOffsetMs(asUtc + 86_400_000, timeZone);
  const candidates = [asUtc - before, asUtc - after].filter((t) => wallTime(t, timeZone) === wall);
  return candidates.length ? Math.min(...candidates) : asUtc - before;
}

/** A zone as the editor names it beside a time input: "UTC", or its IANA name ("Europe/Berlin"), the same in winter and summer. */
export function inputZoneLabel(timeZone: string): string {
  return timeZone === "Etc/UTC" ? "UTC" : timeZone;
}
