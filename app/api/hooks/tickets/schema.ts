import { z } from "zod";

const httpUrl = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/[^\s<>"]+$/i, "expected an http(s) URL");

const ticket = z.looseObject({
  title: z.string().max(1024).default(""),
  body: z.string().max(262_144).nullable().optional(),
  html_url: httpUrl,
});

/** GitHub `issues` event: only `closed` closes countermeasures. */
export const githubIssuesEventSchema = z.looseObject({
  action: z.string().max(64),
  issue: ticket,
});

/** GitHub `pull_request` event: a merged pull request (action closed, merged true) closes what it refers to. */
export const githubPullRequestEventSchema = z.looseObject({
  action: z.string().max(64),
  pull_request: ticket.extend({ merged: z.boolean().nullable().optional() }),
});

/**
 * The generic form for other ticket systems: `{ "reference": "<incident-id>#cm-N" }` or `{ "ticket": "<url>" }` (or
 * both), with an optional evidence `url` (defaults to the ticket) and `note`.
 */
export const genericTicketSchema = z
  .strictObject({
    status: z.enum(["closed", "done", "resolved"], { error: "status: expected closed, done or resolved" }).default("closed"),
    reference: z
      .string()
      .max(200)
      .regex(/^[a-z0-9][a-z0-9-]{0,80}#cm-[0-9]{1,6}$/, "reference: expected <incident-id>#cm-N")
      .optional(),
    ticket: httpUrl.optional(),
    url: httpUrl.optional(),
    note: z.string().max(2000).optional(),
  })
  .refine((t) => t.reference !== undefined || t.ticket !== undefined, { message: "give a reference (<incident-id>#cm-N) or a ticket URL", path: ["reference"] });

/** `<field>: <message>` for every issue, the field named. */
export function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}
