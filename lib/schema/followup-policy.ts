import { z } from "zod";
import { COUNTERMEASURE_TYPES, SEVERITIES, type CountermeasureType, type Severity } from "./incident";

const unknownKeys = (allowed: readonly string[]) => ({
  error: (iss: { code: string; keys?: string[] }) =>
    iss.code === "unrecognized_keys" ? `unknown field(s): ${(iss.keys ?? []).join(", ")} (allowed: ${allowed.join(", ")})` : undefined,
});

const days = z
  .number({ error: (iss) => `expected a number of days, got ${JSON.stringify(iss.input)}` })
  .int("expected a whole number of days")
  .min(1, "at least 1 day")
  .max(3650, "at most 3650 days");

const TYPE_KEYS = [...COUNTERMEASURE_TYPES, "default"] as const;
const byType = z.strictObject(
  { prevent: days.optional(), detect: days.optional(), mitigate: days.optional(), process: days.optional(), default: days.optional() },
  unknownKeys(TYPE_KEYS),
);

/** Days, or days per countermeasure type (with a `default` for the other types). */
const target = z.union([days, byType], { error: "expected a number of days, or days per type such as { prevent: 28, default: 56 }" });

const SEVERITY_KEYS = [...SEVERITIES, "default"] as const;

/**
 * `followups:` in kaizen.yml: how soon countermeasures must be due, whether done needs evidence, and when to ask
 * whether it held.
 */
export const followupPolicySchema = z.strictObject(
  {
    /** Target days from the incident's start to a countermeasure's due date, by severity (and optionally type). */
    due_days: z
      .strictObject(
        { SEV1: target.optional(), SEV2: target.optional(), SEV3: target.optional(), SEV4: target.optional(), default: target.optional() },
        unknownKeys(SEVERITY_KEYS),
      )
      .default({}),
    /** `true`: marking any countermeasure done needs an evidence link; a list: only those types. */
    evidence_required: z
      .union([z.boolean(), z.array(z.enum(COUNTERMEASURE_TYPES))], {
        error: `expected true, false or a list of types (${COUNTERMEASURE_TYPES.join(", ")})`,
      })
      .default(false),
    /** Days after done that `verify_by` is set to when a countermeasure is marked done from the dashboard. */
    verify_after_days: days.optional(),
  },
  unknownKeys(["due_days", "evidence_required", "verify_after_days"]),
);

export type FollowupPolicy = z.infer<typeof followupPolicySchema>;

export const EMPTY_FOLLOWUP_POLICY: FollowupPolicy = { due_days: {}, evidence_required: false };

/** The target in days for a severity and type: severity entry, then `default`; a type entry, then its `default`. */
export function targetDays(policy: FollowupPolicy, severity: Severity | null, type: CountermeasureType): number | null {
  const pick = (t: z.infer<typeof target> | undefined): number | null => (t === undefined ? null : typeof t === "number" ? t : (t[type] ?? t.default ?? null));
  return (severity ? pick(policy.due_days[severity]) : null) ?? pick(policy.due_days.default);
}

/** Whether marking a countermeasure of this type done needs an evidence link. */
export function evidenceRequired(policy: FollowupPolicy, type: CountermeasureType): boolean {
  return policy.evidence_required === true || (Array.isArray(policy.evidence_required) && policy.evidence_required.includes(type));
}
