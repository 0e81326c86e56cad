import { z } from "zod";

/** Incident ids double as file names and URL slugs. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,80}$/;

export const idSchema = z
  .string({ error: "expected a string" })
  .regex(ID_PATTERN, { error: (iss) => `expected lowercase letters, digits and dashes (max 81), got ${JSON.stringify(iss.input)}` });

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const dateTimeSchema = z
  .string({ error: (iss) => `expected an ISO 8601 date-time such as 2025-03-04T14:02:00Z, got ${JSON.stringify(iss.input)}` })
  .refine((s) => ISO_DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)), {
    error: (iss) => `expected an ISO 8601 date-time with a time zone such as 2025-03-04T14:02:00Z, got ${JSON.stringify(iss.input)}`,
  });

/** A calendar date (YYYY-MM-DD); a full date-time is accepted too. */
export const dateSchema = z
  .string({ error: (iss) => `expected a date such as 2025-03-31, got ${JSON.stringify(iss.input)}` })
  .refine((s) => (ISO_DATE.test(s) || ISO_DATE_TIME.test(s)) && !Number.isNaN(Date.parse(s)), {
    error: (iss) => `expected a date such as 2025-03-31, got ${JSON.stringify(iss.input)}`,
  });

export const stringList = z.array(z.string({ error: "expected a list of strings" }).min(1, "empty string"), {
  error: (iss) => `expected a list of strings, got ${JSON.stringify(iss.input)}`,
});

/** An enum whose error names every allowed value, e.g. `expected one of open, done, got "closed"`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, label?: string) {
  return z.enum(values, {
    error: (iss) => `expected one of ${label ?? values.join(", ")}, got ${JSON.stringify(iss.input)}`,
  });
}
