import { z } from "zod";
import { FrontmatterError, parseYamlSafe, stringifyYaml } from "../content/yaml";
import { dateTimeSchema, ID_PATTERN } from "../schema/common";
import { fieldPath, type Problem } from "../schema/problems";

export const REVIEWS_DIR = "reviews";
export const reviewFile = (incidentId: string) => `${REVIEWS_DIR}/${incidentId}.yml`;

export const REVIEW_ACTIONS = ["request_review", "comment", "approve", "request_changes", "publish"] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** Longest comment or note, in characters: a review remark, not a second post-mortem. */
export const MAX_REVIEW_TEXT = 4000;

const unknownKeys = {
  error: (iss: { code: string; keys?: string[] }) => (iss.code === "unrecognized_keys" ? `unknown field(s): ${(iss.keys ?? []).join(", ")}` : undefined),
};
const anchorId = z.string({ error: "expected an anchor id" }).regex(ID_PATTERN, "expected lowercase letters, digits and dashes");

/** One action in a review file; the file is the list of them, oldest first, only ever appended to. */
export const reviewEntrySchema = z
  .strictObject(
    {
      id: z.string({ error: "expected an id" }).regex(/^[a-z0-9]{4,32}$/, "expected 4-32 lowercase letters or digits"),
      action: z.enum(REVIEW_ACTIONS, { error: (iss) => `expected one of ${REVIEW_ACTIONS.join(", ")}, got ${JSON.stringify(iss.input)}` }),
      /** The user id of who acted (what reviewers and approvers are matched against). */
      by: z.string({ error: "expected a user id" }).min(1, "required"),
      name: z.string().optional(),
      /** Their e-mail, so that a reviewer listed by e-mail is matched too. */
      email: z.string().optional(),
      at: dateTimeSchema,
      /** request_review: who is asked. */
      reviewers: z.array(z.string().min(1, "empty string")).optional(),
      /** A comment anchored to a section heading (its id on the page) … */
      section: anchorId.optional(),
      /** … or to a timeline row (see timelineRowIds). */
      timeline: anchorId.optional(),
      text: z.string({ error: "expected text" }).max(MAX_REVIEW_TEXT, `at most ${MAX_REVIEW_TEXT} characters`).optional(),
    },
    unknownKeys,
  )
  .superRefine((e, ctx) => {
    if (e.section && e.timeline) ctx.addIssue({ code: "custom", path: ["timeline"], message: "a comment has one anchor: a section or a timeline row" });
    if (e.action === "comment" && !e.text?.trim()) ctx.addIssue({ code: "custom", path: ["text"], message: "a comment needs text" });
    if (e.action === "request_review" && !e.reviewers?.length) ctx.addIssue({ code: "custom", path: ["reviewers"], message: "name at least one reviewer" });
  });

export type ReviewEntry = z.infer<typeof reviewEntrySchema>;

export type ParsedReviewFile = { ok: true; entries: ReviewEntry[] } | { ok: false; problems: Problem[] };

/** Parses a review file's text (null: no file yet, no entries); problems are located `file:line:col field message`. */
export function parseReviewFile(incidentId: string, raw: string | null): ParsedReviewFile {
  if (raw === null) return { ok: true, entries: [] };
  const file = reviewFile(incidentId);
  let yaml;
  try {
    yaml = parseYamlSafe(raw);
  } catch (err) {
    const at = err instanceof FrontmatterError ? { line: err.line, col: err.col } : { line: 1, col: 1 };
    return { ok: false, problems: [{ file, ...at, field: "reviews", message: (err as Error).message, severity: "error" }] };
  }
  if (yaml.value === null) return { ok: true, entries: [] };
  const parsed = z.array(reviewEntrySchema, { error: "expected a list of review entries" }).safeParse(yaml.value);
  if (parsed.success) return { ok: true, entries: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => ({ file, ...yaml.locate(i.path), field: fieldPath(i.path), message: i.message, severity: "error" as const })),
  };
}

const HEADER = (id: string) => `# Review of incidents/${id}.mdx: one entry per action, oldest first. Kaizen only appends to this file.\n`;

/**
 * The review file with one entry added at its end; every byte already there stays as it is (a review file is an
 * append-only log, so its history reads as one added block per commit). Throws when the text is not a block list
 * that an entry can be appended to.
 */
export function appendReviewEntry(incidentId: string, raw: string | null, entry: ReviewEntry): string {
  const checked = reviewEntrySchema.parse(entry);
  // Keys in a fixed, readable order; absent ones left out.
  const ordered = Object.fromEntries(
    (["id", "action", "by", "name", "email", "at", "reviewers", "section", "timeline", "text"] as const).filter((k) => checked[k] !== undefined).map((k) => [k, checked[k]]),
  );
  const block = stringifyYaml([ordered]);
  const before = raw ?? HEADER(incidentId);
  const sep = before === "" || before.endsWith("\n") ? "" : "\n";
  const text = before + sep + block;
  const was = parseReviewFile(incidentId, raw);
  const now = parseReviewFile(incidentId, text);
  if (!was.ok) throw new ReviewFileError(incidentId, was.problems);
  if (!now.ok || now.entries.length !== was.entries.length + 1) {
    throw new ReviewFileError(incidentId, [{ file: reviewFile(incidentId), line: 1, col: 1, field: "reviews", message: "the file is not a block list of entries that Kaizen can append to", severity: "error" }]);
  }
  return text;
}

export class ReviewFileError extends Error {
  constructor(
    readonly incidentId: string,
    readonly problems: Problem[],
  ) {
    super(`${reviewFile(incidentId)} does not validate: ${problems.map((p) => `${p.line}:${p.col} ${p.field} ${p.message}`).join("; ")}`);
  }
}

/**
 * Stable ids for timeline rows, from their time: `t-20260314-1002` (seconds added when not zero), `-2`, `-3` … for
 * rows at the same time. Adding a row elsewhere in the timeline does not move the anchors of the others.
 */
export function timelineRowIds(entries: readonly { at: string }[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const ms = Date.parse(e.at);
    const iso = Number.isNaN(ms) ? "" : new Date(ms).toISOString();
    const base = iso ? `t-${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19) === "00" ? "" : iso.slice(17, 19)}` : "t-row";
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}
