import { z } from "zod";
import { ROLES } from "../auth/viewer";

const unknownKeys = {
  error: (iss: { code: string; keys?: string[] }) => (iss.code === "unrecognized_keys" ? `unknown field(s): ${(iss.keys ?? []).join(", ")}` : undefined),
};
const handle = z.string({ error: "expected text" }).trim().min(1, "empty string");
/** A Slack channel name as incoming webhooks accept it in `channel` (the webhook URL itself stays in the environment). */
const channel = z.string({ error: "expected a channel name such as #incident-reviews" }).regex(/^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/, "expected a channel name such as #incident-reviews");

/**
 * The `review:` key of kaizen.yml: how many approvals publish an incident, who may give them, and where review
 * requests are announced. Every key is optional; an absent `review:` is one approval from any requested reviewer.
 */
export const reviewPolicySchema = z.strictObject(
  {
    /** Approvals from requested reviewers needed before an in-review incident is published. */
    approvals: z.int({ error: "expected a whole number" }).min(1, "at least 1").max(20, "at most 20").default(1),
    /** Besides being a requested reviewer, an approver must have one of these roles or be one of these users. */
    approvers: z
      .strictObject(
        {
          roles: z.array(z.enum(ROLES, { error: (iss) => `expected one of ${ROLES.join(", ")}, got ${JSON.stringify(iss.input)}` })).optional(),
          users: z.array(handle).optional(),
        },
        unknownKeys,
      )
      .optional(),
    /**
     * `true`: a post-mortem becomes published only through review (the approvals above); a save that sets
     * `status: published` itself is refused. Off by default, so a team opts in once its reviewers are set up.
     */
    required: z.boolean({ error: "expected true or false" }).default(false),
    /** May an author of the incident approve it? Blameless review is a second pair of eyes: no by default. */
    self_approval: z.boolean({ error: "expected true or false" }).default(false),
    /** Channel for "review requested" messages of internal incidents. */
    channel: channel.optional(),
    /** Restricted incidents are announced only where a group of theirs is mapped to a channel. */
    group_channels: z.record(handle, channel, { error: "expected a mapping of group → channel" }).default({}),
  },
  unknownKeys,
);

export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

export const DEFAULT_REVIEW_POLICY: ReviewPolicy = reviewPolicySchema.parse({});
