import { z } from "zod";
import { ROLES } from "../auth/viewer";

const unknownKeys = {
  error: (iss: { code: string; keys?: string[] }) => (iss.code === "unrecognized_keys" ? `unknown field(s): ${(iss.keys ?? []).join(", ")}` : undefined),
};
/** Keys an earlier review policy had; naming where they went beats a bare "unknown field". */
const MOVED: Record<string, string> = {
  channel: "review requests go to the notifications: channels (KAIZEN_SLACK_WEBHOOK or notifications.webhook, notifications.teams)",
  group_channels: "restricted incidents are announced only in the channels notifications.groups maps their groups to",
};
const reviewKeys = {
  error: (iss: { code: string; keys?: string[] }) => {
    if (iss.code !== "unrecognized_keys") return undefined;
    const keys = iss.keys ?? [];
    const moved = keys.filter((k) => MOVED[k]);
    if (moved.length === 0) return `unknown field(s): ${keys.join(", ")}`;
    return moved.map((k) => `${k} is no longer a review setting: ${MOVED[k]}`).join("; ") + (keys.length > moved.length ? `; unknown field(s): ${keys.filter((k) => !MOVED[k]).join(", ")}` : "");
  },
};
const handle = z.string({ error: "expected text" }).trim().min(1, "empty string");

/**
 * The `review:` key of kaizen.yml: how many approvals publish an incident and who may give them. Every key is optional;
 * an absent `review:` is one approval from any requested reviewer. Where "review requested" is announced is the
 * `notifications:` section's business, like every other channel message.
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
  },
  reviewKeys,
);

export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

export const DEFAULT_REVIEW_POLICY: ReviewPolicy = reviewPolicySchema.parse({});
