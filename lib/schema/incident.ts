import { z } from "zod";
import { dateSchema, dateTimeSchema, idSchema, oneOf, stringList } from "./common";

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export const STATUSES = ["draft", "in-review", "published"] as const;
export const KINDS = ["incident", "near-miss"] as const;
export const VISIBILITIES = ["internal", "restricted"] as const;
export const PUBLISH_TARGETS = ["public"] as const;
export const TIMELINE_KINDS = ["trigger", "detection", "response", "mitigation", "resolution", "note"] as const;
export const COUNTERMEASURE_TYPES = ["prevent", "detect", "mitigate", "process"] as const;
export const COUNTERMEASURE_STATUSES = ["open", "in-progress", "done", "wont-do"] as const;
export const KEY_TIMES = ["started_at", "detected_at", "mitigated_at", "resolved_at"] as const;

export type Severity = (typeof SEVERITIES)[number];
export type IncidentStatus = (typeof STATUSES)[number];
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export type CountermeasureType = (typeof COUNTERMEASURE_TYPES)[number];
export type CountermeasureStatus = (typeof COUNTERMEASURE_STATUSES)[number];

const unknownKeys = {
  error: (iss: { code: string; keys?: string[] }) =>
    iss.code === "unrecognized_keys" ? `unknown field(s): ${(iss.keys ?? []).join(", ")}` : undefined,
};

export const timelineEntrySchema = z.strictObject(
  {
    at: dateTimeSchema,
    event: z.string({ error: "expected text" }).min(1, "required"),
    kind: oneOf(TIMELINE_KINDS).optional(),
    /** Left out of the public version (see lib/publish). */
    internal: z.boolean({ error: "expected true or false" }).optional(),
  },
  unknownKeys,
);

export const factorRefSchema = z.strictObject(
  {
    factor: idSchema,
    note: z.string().optional(),
    internal: z.boolean({ error: "expected true or false" }).optional(),
  },
  unknownKeys,
);

export const EVIDENCE_VERDICTS = ["held", "did-not-hold"] as const;
export type EvidenceVerdict = (typeof EVIDENCE_VERDICTS)[number];

/** Same rule as links in the MDX body (lib/mdx/url.ts), restated here because lib/schema sits below lib/mdx. */
const EVIDENCE_URL = /^(https?:\/\/[^\s<>"]+|mailto:[^\s<>"]+|\/[^\s<>"]*)$/i;

/**
 * One piece of proof that a countermeasure was done or held: a link (merged PR, ticket, alert id, game day) and/or a
 * note, who added it and when. `verdict` records the answer to "did it hold?" once verify_by has passed.
 */
export const evidenceSchema = z
  .strictObject(
    {
      url: z
        .string({ error: "expected a link" })
        .max(2000, "at most 2000 characters")
        .regex(EVIDENCE_URL, { error: (iss) => `expected an http(s), mailto or /relative link, got ${JSON.stringify(iss.input)}` })
        .optional(),
      note: z.string({ error: "expected text" }).max(2000, "at most 2000 characters").optional(),
      added_by: z.string({ error: "expected who added it (e-mail or handle)" }).min(1, "required"),
      added_at: dateSchema,
      verdict: oneOf(EVIDENCE_VERDICTS).optional(),
    },
    unknownKeys,
  )
  .refine((e) => e.url !== undefined || (e.note !== undefined && e.note.trim() !== ""), { message: "needs a url or a note" });

export const countermeasureSchema = z.strictObject(
  {
    id: idSchema,
    title: z.string({ error: "expected text" }).min(1, "required"),
    type: oneOf(COUNTERMEASURE_TYPES),
    owner: z.string({ error: "expected an owner (e-mail or handle)" }).min(1, "required"),
    due: dateSchema,
    status: oneOf(COUNTERMEASURE_STATUSES),
    done_at: dateSchema.optional(),
    ticket: z.string().optional(),
    addresses: z.array(idSchema).optional(),
    internal: z.boolean({ error: "expected true or false" }).optional(),
    /** Proof it was done (and answers to "did it hold?"). */
    evidence: z.array(evidenceSchema, { error: "expected a list of { url, note, added_by, added_at }" }).optional(),
    /** The date by which someone confirms it held. */
    verify_by: dateSchema.optional(),
  },
  unknownKeys,
);

export const sourceSchema = z.strictObject(
  {
    url: z.string().optional(),
    uuid: z.string().optional(),
    company: z.string().optional(),
  },
  unknownKeys,
);

const baseIncidentSchema = z.strictObject(
  {
    title: z.string({ error: "required" }).min(1, "required"),
    status: oneOf(STATUSES),
    kind: oneOf(KINDS).default("incident"),
    severity: oneOf(SEVERITIES, "SEV1..SEV4").optional(),
    visibility: oneOf(VISIBILITIES).default("internal"),
    groups: stringList.default([]),
    /** `public`: also produce a public version with every internal construct removed (lib/publish). */
    publish: oneOf(PUBLISH_TARGETS).optional(),
    started_at: dateTimeSchema.optional(),
    detected_at: dateTimeSchema.optional(),
    mitigated_at: dateTimeSchema.optional(),
    resolved_at: dateTimeSchema.optional(),
    services: stringList.default([]),
    teams: stringList.default([]),
    tags: stringList.default([]),
    authors: stringList.default([]),
    summary: z.string().default(""),
    impact: z.string().default(""),
    timeline: z.array(timelineEntrySchema).default([]),
    contributing_factors: z.array(factorRefSchema).default([]),
    countermeasures: z.array(countermeasureSchema).default([]),
    source: sourceSchema.optional(),
    /** Who is asked to review (user ids or e-mails) while `in-review`; decisions live in reviews/<id>.yml. */
    reviewers: stringList.optional(),
  },
  unknownKeys,
);

/**
 * Incident frontmatter with the rules that need no outside knowledge: severity required for incidents, key times in
 * order, timeline sorted, countermeasure ids unique, `done_at` only with status done. Factor ids are checked against the
 * taxonomy separately (see validateAgainstTaxonomy).
 */
export const incidentSchema = baseIncidentSchema.superRefine((fm, ctx) => {
  if (fm.kind === "incident" && !fm.severity) {
    ctx.addIssue({ code: "custom", path: ["severity"], message: "required for incidents (one of SEV1..SEV4)" });
  }
  let prev: { key: string; t: number } | undefined;
  for (const key of KEY_TIMES) {
    const v = fm[key];
    if (!v) continue;
    const t = Date.parse(v);
    if (prev && t < prev.t) {
      ctx.addIssue({ code: "custom", path: [key], message: `must not be before ${prev.key}` });
    }
    prev = { key, t };
  }
  fm.timeline.forEach((entry, i) => {
    const before = fm.timeline[i - 1];
    if (before && Date.parse(entry.at) < Date.parse(before.at)) {
      ctx.addIssue({ code: "custom", path: ["timeline", i, "at"], message: `timeline is not sorted: ${entry.at} comes after ${before.at}` });
    }
  });
  const seen = new Set<string>();
  fm.countermeasures.forEach((cm, i) => {
    if (seen.has(cm.id)) ctx.addIssue({ code: "custom", path: ["countermeasures", i, "id"], message: `duplicate countermeasure id "${cm.id}"` });
    seen.add(cm.id);
    if (cm.done_at && cm.status !== "done") {
      ctx.addIssue({ code: "custom", path: ["countermeasures", i, "done_at"], message: `only allowed when status is done (status is ${cm.status})` });
    }
  });
  const asked = new Set<string>();
  (fm.reviewers ?? []).forEach((r, i) => {
    if (asked.has(r.toLowerCase())) ctx.addIssue({ code: "custom", path: ["reviewers", i], message: `"${r}" is listed twice` });
    asked.add(r.toLowerCase());
  });
  if (fm.publish === "public" && fm.visibility === "restricted") {
    ctx.addIssue({ code: "custom", path: ["publish"], message: "a restricted incident cannot be published: make it internal first, or remove publish" });
  }
  if (fm.visibility === "restricted" && fm.groups.length === 0) {
    ctx.addIssue({ code: "custom", path: ["groups"], message: "a restricted incident needs at least one group that may read it" });
  }
});

export type IncidentFrontmatter = z.infer<typeof incidentSchema>;
export type IncidentFrontmatterInput = z.input<typeof incidentSchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type Countermeasure = z.infer<typeof countermeasureSchema>;
export type FactorRef = z.infer<typeof factorRefSchema>;
export type Evidence = z.infer<typeof evidenceSchema>;
