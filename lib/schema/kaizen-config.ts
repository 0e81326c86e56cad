import { z } from "zod";
import { EMPTY_FOLLOWUP_POLICY, followupPolicySchema } from "./followup-policy";
import { EMPTY_NOTIFY_POLICY, notifyPolicySchema } from "./notify-policy";
import { EMPTY_POLICY, policySchema } from "./policy";
import { DEFAULT_REVIEW_POLICY, reviewPolicySchema } from "./review-policy";

/**
 * Every top-level section of kaizen.yml, each one a sub-schema in its own file: redaction (./policy), follow-up targets
 * (./followup-policy), review before publishing (./review-policy), channel notifications (./notify-policy). Another
 * section is one line here. Unknown top-level keys are errors (a misspelt section would otherwise be silently ignored).
 */
const sections = {
  redact: policySchema.shape.redact,
  followups: followupPolicySchema.default(EMPTY_FOLLOWUP_POLICY),
  review: reviewPolicySchema.default(DEFAULT_REVIEW_POLICY),
  notifications: notifyPolicySchema.default(EMPTY_NOTIFY_POLICY),
};

export const KAIZEN_CONFIG_SECTIONS = Object.keys(sections);

export const kaizenConfigSchema = z.strictObject(sections, {
  error: (iss) => (iss.code === "unrecognized_keys" ? `unknown section(s): ${iss.keys.join(", ")} (known: ${KAIZEN_CONFIG_SECTIONS.join(", ")})` : undefined),
});

export type KaizenConfig = z.infer<typeof kaizenConfigSchema>;

export const EMPTY_KAIZEN_CONFIG: KaizenConfig = { redact: EMPTY_POLICY.redact, followups: EMPTY_FOLLOWUP_POLICY, review: DEFAULT_REVIEW_POLICY, notifications: EMPTY_NOTIFY_POLICY };
