import { z } from "zod";

/**
 * Where a channel's webhook comes from: the name of an environment variable holding the URL (preferred: a webhook
 * URL carries its secret in the path, and kaizen.yml is committed), or the http(s) URL itself.
 */
export const webhookTargetSchema = z
  .string({ error: "expected an environment variable name (e.g. SLACK_SRE_WEBHOOK) or an http(s) URL" })
  .trim()
  .refine((s) => /^[A-Z_][A-Z0-9_]{0,127}$/.test(s) || /^https?:\/\/[^\s]+$/.test(s), {
    error: "expected an environment variable name in capitals (e.g. SLACK_SRE_WEBHOOK) or an http(s) URL",
  });

const name = z.string().trim().min(1, "empty name").max(100, "name longer than 100 characters");

/**
 * `notifications:` in kaizen.yml. `teams` sends a team's post-mortems to its own channel (besides the default one);
 * `groups` maps a visibility group to the channel allowed to hear about restricted incidents of that group: without
 * such a mapping a restricted incident is never in any channel message.
 */
export const notifyPolicySchema = z.strictObject(
  {
    /** The default channel; KAIZEN_SLACK_WEBHOOK when absent. */
    webhook: webhookTargetSchema.optional(),
    teams: z.record(name, webhookTargetSchema, { error: "expected a mapping: team → webhook" }).default({}),
    groups: z.record(name, webhookTargetSchema, { error: "expected a mapping: group → webhook" }).default({}),
    /** Which events go out at all; all by default. */
    events: z
      .strictObject(
        {
          published: z.boolean({ error: "expected true or false" }).default(true),
          recurrence: z.boolean({ error: "expected true or false" }).default(true),
          /** "Review requested": an author asked named reviewers to review a post-mortem. */
          review_requested: z.boolean({ error: "expected true or false" }).default(true),
        },
        { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field(s): ${iss.keys.join(", ")}` : undefined) },
      )
      .default({ published: true, recurrence: true, review_requested: true }),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field(s): ${iss.keys.join(", ")}` : undefined) },
);

export type NotifyPolicy = z.infer<typeof notifyPolicySchema>;

export const EMPTY_NOTIFY_POLICY: NotifyPolicy = { teams: {}, groups: {}, events: { published: true, recurrence: true, review_requested: true } };
