/**
 * The facts about incidents and countermeasures that every page, count, chart, feed and command must agree on, each
 * defined once: when an incident started, what is open, what is overdue, what "after a countermeasure was done" means
 * for recurrence, and who may see an entry. Everything else calls these.
 */
import { canRead, type Viewer } from "../auth/viewer";
import { accessOfText, ADMINS_ONLY, entryAccess } from "../content/access";
import type { IncidentEntry } from "../content/store";
import type { CountermeasureStatus, IncidentFrontmatter } from "../schema/incident";
import { addDays, defaultTimeZone, isDateOnly, isPastDue, startOfDayMs } from "./dates";

type Dated = { frontmatter: Pick<IncidentFrontmatter, "started_at" | "detected_at" | "timeline"> };

/** When the incident started: `started_at`, else detection, else the first timeline entry; null when undated. */
export function startedAt(inc: Dated): string | null {
  const fm = inc.frontmatter;
  return fm.started_at ?? fm.detected_at ?? fm.timeline[0]?.at ?? null;
}

/** startedAt as epoch milliseconds; null when undated or unparseable. */
export function startedMs(inc: Dated): number | null {
  const s = startedAt(inc);
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/** Open and in-progress countermeasures are the ones still owed. */
export function isOpen(status: CountermeasureStatus): boolean {
  return status === "open" || status === "in-progress";
}

/**
 * Still owed and past due: a calendar `due` ends at the end of that day in the organization's time zone
 * (KAIZEN_TIME_ZONE), a date-time `due` at that instant.
 */
export function isOverdue(cm: { status: CountermeasureStatus; due: string }, now: Date, timeZone: string = defaultTimeZone()): boolean {
  return isOpen(cm.status) && isPastDue(cm.due, now, timeZone);
}

/**
 * The last instant a countermeasure counts as "done at" for recurrence: an incident recurs after it when it started
 * strictly later. A calendar `done_at` says "done that day" in the organization's time zone, so an incident later the
 * same local day is not claimed to have happened after it; a date-time is that instant. Null when missing or invalid.
 */
export function doneAtMs(doneAt: string | undefined, timeZone: string = defaultTimeZone()): number | null {
  if (!doneAt) return null;
  if (isDateOnly(doneAt)) {
    if (!Number.isFinite(Date.parse(doneAt))) return null;
    return startOfDayMs(addDays(doneAt, 1), timeZone) - 1;
  }
  const t = Date.parse(doneAt);
  return Number.isFinite(t) ? t : null;
}

/**
 * Who may see an entry, valid or broken: everything that decides whether an incident is shown, listed, counted,
 * searched, opened in the editor or quoted in a conflict calls this. A broken file whose visibility cannot be read is
 * admins-only.
 */
export function canReadEntry(viewer: Viewer | null | undefined, entry: IncidentEntry): boolean {
  return canRead(viewer, entryAccess(entry) ?? ADMINS_ONLY);
}

/** May this viewer read a file with this text, whatever state it is in (text read after a snapshot, a conflict's text). */
export function canReadText(viewer: Viewer | null | undefined, raw: string): boolean {
  return canRead(viewer, accessOfText(raw) ?? ADMINS_ONLY);
}
