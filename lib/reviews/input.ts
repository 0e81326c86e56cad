import { z } from "zod";
import { ID_PATTERN } from "../schema/common";
import { MAX_REVIEW_TEXT } from "./file";

const text = z.string({ error: "expected text" }).trim().max(MAX_REVIEW_TEXT, `at most ${MAX_REVIEW_TEXT} characters`);
const anchor = z.string({ error: "expected an anchor id" }).regex(ID_PATTERN, "expected lowercase letters, digits and dashes");
const handle = z
  .string({ error: "expected a user id or e-mail" })
  .trim()
  .min(1, "empty reviewer")
  .max(200, "at most 200 characters")
  .regex(/^[^\s,]+$/, "one user id or e-mail per reviewer, without spaces or commas");

/** What POST /api/incidents/[id]/reviews accepts: one review action. */
export const reviewActionSchema = z.discriminatedUnion(
  "action",
  [
    z.strictObject({ action: z.literal("comment"), text: text.min(1, "write a comment"), section: anchor.optional(), timeline: anchor.optional() }),
    z.strictObject({ action: z.literal("approve"), text: text.optional() }),
    z.strictObject({ action: z.literal("request_changes"), text: text.min(1, "say what should change") }),
    z.strictObject({ action: z.literal("request_review"), reviewers: z.array(handle, { error: "expected a list of reviewers" }).min(1, "name at least one reviewer").max(20, "at most 20 reviewers") }),
  ],
  { error: (iss) => (iss.code === "invalid_union" ? "action: expected one of comment, approve, request_changes, request_review" : undefined) },
);

export type ReviewActionInput = z.infer<typeof reviewActionSchema>;

/** A zod failure as one message naming each field, e.g. `text: write a comment`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}
