import { z } from "zod";
import { dateSchema, dateTimeSchema, expected, idSchema, isIsoDateTime, oneOf, stringList } from "./common";

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
    event: z.string({ error: (iss) => (iss.input === undefined ? "required" : "expected text") }).min(1, "required"),
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
    title: z.string({ error: (iss) => (iss.input === undefined ? "required" : "expected text") }).min(1, "required"),
    type: oneOf(COUNTERMEASURE_TYPES),
    owner: z.string({ error: (iss) => expected("an owner (e-mail or handle)", iss.input) }).min(1, "required"),
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

type Issue = { path: (string | number)[]; message: string };

/** The raw value as a plain record (anything else reads as empty), for checks that run on invalid input too. */
export const recordOf = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : {});
export const arrayOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const stringOf = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const timeOf = (v: unknown): number | undefined => {
  const t = typeof v === "string" && isIsoDateTime(v) ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? undefined : t;
};

/**
 * The rules across fields: severity required for incidents, key times in order, timeline sorted, countermeasure ids
 * unique, `done_at` only with status done, publish and groups against visibility. They read the raw value defensively
 * (each rule looks only at values that are themselves well-formed) so they run even when other fields are wrong: an
 * author sees every problem at once rather than one wave after another.
 */
export function crossFieldIssues(value: unknown): Issue[] {
  const out: Issue[] = [];
  const fm = recordOf(value);
  const kind = fm.kind ?? "incident";
  if (kind === "incident" && (fm.severity === undefined || fm.severity === null || fm.severity === "")) {
    out.push({ path: ["severity"], message: "required for incidents (one of SEV1..SEV4)" });
  }
  let prev: { key: string; t: number } | undefined;
  for (const key of KEY_TIMES) {
    const t = timeOf(fm[key]);
    if (t === undefined) continue;
    if (prev && t < prev.t) out.push({ path: [key], message: `must not be before ${prev.key}` });
    prev = { key, t };
  }
  const timeline = arrayOf(fm.timeline).map(recordOf);
  let last: { at: string; t: number } | undefined;
  timeline.forEach((entry, i) => {
    const t = timeOf(entry.at);
    const at = stringOf(entry.at);
    if (t === undefined || at === undefined) return;
    if (last && t < last.t) out.push({ path: ["timeline", i, "at"], message: `timeline is not sorted: ${at} comes after ${last.at}` });
    last = { at, t };
  });
  const seen = new Set<string>();
  arrayOf(fm.countermeasures).map(recordOf).forEach((cm, i) => {
    const id = stringOf(cm.id);
    if (id) {
      if (seen.has(id)) out.push({ path: ["countermeasures", i, "id"], message: `duplicate countermeasure id "${id}"` });
      seen.add(id);
    }
    const status = stringOf(cm.status) ?? "open";
    if (cm.done_at !== undefined && status !== "done") {
      out.push({ path: ["countermeasures", i, "done_at"], message: `only allowed when status is done (status is ${status})` });
    }
  });
  const asked = new Set<string>();
  (Array.isArray(fm.reviewers) ? fm.reviewers : []).forEach((r: unknown, i: number) => {
    if (typeof r !== "string") return;
    if (asked.has(r.toLowerCase())) out.push({ path: ["reviewers", i], message: `"${r}" is listed twice` });
    asked.add(r.toLowerCase());
  });
  const visibility = fm.visibility ?? "internal";
  if (fm.publish === "public" && visibility === "restricted") {
    out.push({ path: ["publish"], message: "a restricted incident cannot be published: make it internal first, or remove publish" });
  }
  if (visibility === "restricted" && arrayOf(fm.groups).length === 0) {
    out.push({ path: ["groups"], message: "a restricted incident needs at least one group that may read it" });
  }
  return out;
}

/**
 * Incident frontmatter: the shape of every field plus the rules across fields (crossFieldIssues). Factor ids are
 * checked against the taxonomy separately (see validateAgainstTaxonomy).
 */
export const incidentSchema = baseIncidentSchema.superRefine(
  (fm, ctx) => {
    for (const issue of crossFieldIssues(fm)) ctx.addIssue({ code: "custom", ...issue });
  },
  // By default zod skips a refinement when a field failed; these rules run regardless so all problems show together.
  { when: () => true },
);

export type IncidentFrontmatter = z.infer<typeof incidentSchema>;
export type IncidentFrontmatterInput = z.input<typeof incidentSchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type Countermeasure = z.infer<typeof countermeasureSchema>;
export type FactorRef = z.infer<typeof factorRefSchema>;
export type Evidence = z.infer<typeof evidenceSchema>;
