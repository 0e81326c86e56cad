import { z } from "zod";
import { frontmatterRegions, parseYaml } from "../content/frontmatter";
import { parseIncidentText } from "../content/incident-file";
import { editYaml } from "../content/yaml-edit";
import { AppError } from "../errors";
import { Taxonomy } from "../schema/taxonomy";
import { checkMdx, type MdxProblem } from "../mdx/validate";
import { dateSchema, isCalendarDate, oneOf } from "../schema/common";
import { COUNTERMEASURE_STATUSES, EVIDENCE_VERDICTS, evidenceSchema, type Countermeasure, type Evidence, type IncidentFrontmatter } from "../schema/incident";
import { addDays } from "../knowledge/dates";
import { isSafeUrl } from "../mdx/url";

/**
 * A piece of evidence added with an update: a link (the URL rules of the MDX body: http(s), mailto or relative), a
 * note, and for "did it hold?" answers a verdict. Who and when are added by the server.
 */
export const evidenceInputSchema = z
  .strictObject({
    url: z
      .string()
      .trim()
      .max(2000, "at most 2000 characters")
      .refine((u) => u === "" || (isSafeUrl(u) && /^(https?:\/\/|mailto:|\/)/i.test(u) && !/\s/.test(u)), "expected an http(s) link such as https://github.com/org/repo/pull/12")
      .optional(),
    note: z.string().trim().max(2000, "at most 2000 characters").optional(),
    verdict: oneOf(EVIDENCE_VERDICTS).optional(),
  })
  .transform((e) => ({ url: e.url || undefined, note: e.note || undefined, verdict: e.verdict }))
  .refine((e) => e.url !== undefined || e.note !== undefined, "give a link or a note");

export type EvidenceInput = z.infer<typeof evidenceInputSchema>;

/** The inline edits the dashboard offers on one countermeasure. */
export const countermeasurePatchSchema = z.strictObject({
  status: oneOf(COUNTERMEASURE_STATUSES).optional(),
  owner: z
    .string()
    .trim()
    .min(1, "required")
    .max(200)
    .regex(/^[^\r\n]*$/, "must be one line")
    .optional(),
  due: dateSchema.optional(),
  /** Appended to the countermeasure's evidence. */
  evidence: evidenceInputSchema.optional(),
  verify_by: dateSchema.optional(),
});

export type CountermeasurePatch = z.input<typeof countermeasurePatchSchema>;

export interface UpdateOptions {
  /** Checks factor ids in the result too; without it only the schema and MDX rules are checked. */
  taxonomy?: Taxonomy;
  /** Names the file in validation errors. */
  file?: string;
  /** Who adds evidence (e-mail or handle); required when the patch carries evidence. */
  actor?: string;
  /** Days after done that verify_by is set to when a countermeasure becomes done without one (kaizen.yml). */
  verifyAfterDays?: number;
  /** The body's MDX problems, already found (on the server, off the request thread); otherwise it is parsed here. */
  checkedBody?: { body: string; problems: readonly MdxProblem[] };
}

// Records keep the keys in their written order (a zod object would move its declared keys first).
const yamlMap = z.record(z.string(), z.unknown());
const looseFrontmatter = z.looseObject({ countermeasures: z.array(yamlMap) });

/** The frontmatter data with one countermeasure changed; done_at goes right after status, where people look for it. */
function updatedData(data: unknown, cmId: string, target: Countermeasure): Record<string, unknown> | null {
  const shape = looseFrontmatter.safeParse(data);
  if (!shape.success) return null;
  const countermeasures = shape.data.countermeasures.map((item) => {
    if (item.id !== cmId) return item;
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(item)) {
      if (k === "done_at") continue;
      next[k] = k === "status" || k === "owner" || k === "due" ? target[k] : k === "evidence" && target.evidence ? target.evidence : k === "verify_by" && target.verify_by ? target.verify_by : v;
      if (k === "status" && target.done_at) next.done_at = target.done_at;
    }
    // New keys go last, where a reader of the file expects additions.
    if (target.verify_by && !("verify_by" in next)) next.verify_by = target.verify_by;
    if (target.evidence && !("evidence" in next)) next.evidence = target.evidence;
    return next;
  });
  return { ...shape.data, countermeasures };
}

/** JSON with object keys sorted, so that key order does not matter when comparing. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function sameFrontmatter(a: IncidentFrontmatter, b: IncidentFrontmatter): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Changes status, owner and/or due of one countermeasure in an incident file and returns the new text. Marking it
 * done sets `done_at: today`; leaving done removes done_at. Only the changed values' text changes (see editYaml):
 * comments, key order and every other line are kept byte-for-byte, and so is the body. The result is validated.
 */
export function applyCountermeasureUpdate(
  rawFileText: string,
  cmId: string,
  patch: CountermeasurePatch,
  today: string,
  options: UpdateOptions = {},
): string {
  const parsedPatch = countermeasurePatchSchema.safeParse(patch);
  if (!parsedPatch.success) {
    throw new AppError("bad_request", `invalid countermeasure update: ${parsedPatch.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  if (!isCalendarDate(today)) throw new AppError("bad_request", `today must be a date such as 2025-03-31, got ${JSON.stringify(today)}`);
  const p = parsedPatch.data;
  const file = options.file ?? "incident.mdx";
  const taxonomy = options.taxonomy ?? Taxonomy.empty();

  // Every text validated below has this same body (it is kept byte-for-byte), so it is parsed at most once.
  let checked = options.checkedBody ?? null;
  const checkBody = (body: string): readonly MdxProblem[] => {
    if (checked?.body !== body) checked = { body, problems: checkMdx(body) };
    return checked.problems;
  };
  const before = parseIncidentText(file, rawFileText, taxonomy, checkBody);
  if (!before.ok) throw new AppError("bad_request", "the incident file does not validate; fix it in the editor first", before.problems);
  const index = before.frontmatter.countermeasures.findIndex((c) => c.id === cmId);
  const current = before.frontmatter.countermeasures[index];
  if (!current) throw new AppError("not_found", `no countermeasure "${cmId}" in this incident`);

  const status = p.status ?? current.status;
  const target: Countermeasure = { ...current, status, owner: p.owner ?? current.owner, due: p.due ?? current.due };
  if (status === "done" && !current.done_at) target.done_at = today;
  else if (status !== "done") delete target.done_at;
  if (p.verify_by) target.verify_by = p.verify_by;
  else if (status === "done" && current.status !== "done" && !current.verify_by && options.verifyAfterDays) target.verify_by = addDays(target.done_at?.slice(0, 10) ?? today, options.verifyAfterDays);
  if (p.evidence) {
    if (!options.actor) throw new AppError("bad_request", "evidence needs to say who added it");
    const entry = evidenceSchema.safeParse({ url: p.evidence.url, note: p.evidence.note, added_by: options.actor, added_at: today, verdict: p.evidence.verdict });
    if (!entry.success) throw new AppError("bad_request", `invalid evidence: ${entry.error.issues.map((i) => `${i.path.join(".") || "evidence"}: ${i.message}`).join("; ")}`);
    target.evidence = [...(current.evidence ?? []), compact(entry.data)];
  }
  const expected: IncidentFrontmatter = {
    ...before.frontmatter,
    countermeasures: before.frontmatter.countermeasures.map((c, i) => (i === index ? target : c)),
  };
  if (sameFrontmatter(before.frontmatter, expected)) return rawFileText;

  const regions = frontmatterRegions(rawFileText);
  if (!regions) throw new AppError("bad_request", "the incident file has no frontmatter");
  const data = updatedData(parseYaml(regions.yaml), cmId, target);
  if (!data) throw new AppError("bad_request", "the incident file does not validate; fix it in the editor first");
  const text = regions.open + withFinalNewline(editYaml(regions.yaml, data)) + regions.close + regions.body;

  const after = parseIncidentText(file, text, taxonomy, checkBody);
  if (after.ok && sameFrontmatter(after.frontmatter, expected)) return text;
  throw new AppError("bad_request", "the updated incident does not validate", after.ok ? undefined : after.problems);
}

/** The entry without its unset fields, so that the YAML gets no `url: null` lines. */
function compact(e: Evidence): Evidence {
  const out: Evidence = { added_by: e.added_by, added_at: e.added_at };
  if (e.url !== undefined) out.url = e.url;
  if (e.note !== undefined) out.note = e.note;
  if (e.verdict !== undefined) out.verdict = e.verdict;
  return out;
}

const withFinalNewline = (yaml: string) => (yaml === "" || yaml.endsWith("\n") ? yaml : `${yaml}\n`);
