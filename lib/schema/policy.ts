import { z } from "zod";
import { expected } from "./common";

const term = z.string({ error: "expected text" }).trim().min(1, "empty string");
const terms = z.array(term, { error: (iss) => expected("a list of strings", iss.input) });

// `redact` is either a plain list of terms or a mapping that also names internal hosts and private GitHub orgs.
const redactSchema = z
  .union(
    [
      terms,
      z.strictObject(
        {
          /** Words and phrases that must not appear in public text (project code names, customer names, …). */
          terms: terms.default([]),
          /** Host names (or `*.suffix` patterns) that are internal: links to them and mentions of them are reported. */
          hosts: terms.default([]),
          /** GitHub organisations whose issue and pull request URLs are internal tickets. */
          github_orgs: terms.default([]),
        },
        { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field(s): ${iss.keys.join(", ")}` : undefined) },
      ),
    ],
    { error: "expected a list of terms, or a mapping with terms, hosts and github_orgs" },
  )
  .transform((r) => (Array.isArray(r) ? { terms: r, hosts: [], github_orgs: [] } : r));

/**
 * `kaizen.yml` at the content root: optional policy. Only `redact` is defined here; other keys pass through so that
 * policy fields added elsewhere (due-date targets, approvals, notifications) extend this schema instead of failing it.
 */
export const policySchema = z.looseObject({
  redact: redactSchema.default({ terms: [], hosts: [], github_orgs: [] }),
});

export type Policy = z.infer<typeof policySchema>;
export type RedactPolicy = Policy["redact"];

export const EMPTY_POLICY: Policy = { redact: { terms: [], hosts: [], github_orgs: [] } };
