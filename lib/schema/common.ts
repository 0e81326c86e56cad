import { z } from "zod";

/** Incident ids double as file names and URL slugs. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,80}$/;

/**
 * The message for a value that is not what a field expects. A missing value says "required" rather than "got
 * undefined" (zod reports a missing key as an invalid value whose input is undefined), so every field's message reads
 * well whether the key is absent or wrong.
 */
export function expected(what: string, input: unknown): string {
  return input === undefined ? `required: ${what}` : `expected ${what}, got ${JSON.stringify(input)}`;
}

export const idSchema = z
  .string({ error: (iss) => expected("lowercase letters, digits and dashes (max 81)", iss.input) })
  .regex(ID_PATTERN, { error: (iss) => expected("lowercase letters, digits and dashes (max 81)", iss.input) });

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * True for a real calendar date `YYYY-MM-DD`. Date.parse rolls impossible ones over (2026-02-30 becomes March 2nd),
 * so the day is checked against its month, leap years included.
 */
export function isCalendarDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** True for an ISO 8601 date-time with a time zone whose date and clock time both exist (no 24:00, no second 60). */
export function isIsoDateTime(s: string): boolean {
  const m = ISO_DATE_TIME.exec(s);
  if (!m || !isCalendarDate(m[1] ?? "")) return false;
  const within = (v: string | undefined, max: number) => v === undefined || Number(v) <= max;
  return within(m[2], 23) && within(m[3], 59) && within(m[4], 59) && within(m[5], 23) && within(m[6], 59);
}

export const dateTimeSchema = z
  .string({ error: (iss) => expected("an ISO 8601 date-time such as 2025-03-04T14:02:00Z", iss.input) })
  .refine(isIsoDateTime, {
    error: (iss) => expected("an ISO 8601 date-time with a time zone such as 2025-03-04T14:02:00Z (a date and time that exist)", iss.input),
  });

/** A calendar date (YYYY-MM-DD); a full date-time is accepted too. Impossible dates (2026-02-30) are refused. */
export const dateSchema = z
  .string({ error: (iss) => expected("a date such as 2025-03-31", iss.input) })
  .refine((s) => isCalendarDate(s) || isIsoDateTime(s), {
    error: (iss) => expected("a date that exists, such as 2025-03-31", iss.input),
  });

export const stringList = z.array(z.string({ error: "expected a list of strings" }).min(1, "empty string"), {
  error: (iss) => expected("a list of strings", iss.input),
});

/** An enum whose error names every allowed value, e.g. `expected one of open, done, got "closed"`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, label?: string) {
  return z.enum(values, {
    error: (iss) => expected(`one of ${label ?? values.join(", ")}`, iss.input),
  });
}
