import {
  COUNTERMEASURE_STATUSES,
  COUNTERMEASURE_TYPES,
  KINDS,
  SEVERITIES,
  STATUSES,
  TIMELINE_KINDS,
  VISIBILITIES,
  type CountermeasureStatus,
  type CountermeasureType,
  type Evidence,
  evidenceSchema,
  type IncidentFrontmatterInput,
  type IncidentStatus,
  type Severity,
  type TimelineKind,
} from "../schema/incident";
import type { Problem } from "../schema/problems";
import { frontmatterRegions } from "../content/frontmatter";
import { editYaml } from "../content/yaml-edit";
import { frontmatterData, isOmitted, serializeIncident } from "./serialize";
import { instantOfWallTime, wallTime } from "../knowledge/dates";

/** Editable state of the structured editor. Pure data (survives JSON), so it is also the local draft. */
export interface EditorForm {
  title: string;
  kind: (typeof KINDS)[number];
  severity: Severity | "";
  status: IncidentStatus;
  visibility: (typeof VISIBILITIES)[number];
  groups: string[];
  /** `public`: a public version is produced too (lib/publish). Optional so forms saved as local drafts before it still load. */
  publish?: "public";
  started_at: string;
  detected_at: string;
  mitigated_at: string;
  resolved_at: string;
  services: string[];
  teams: string[];
  tags: string[];
  authors: string[];
  summary: string;
  impact: string;
  timeline: TimelineRow[];
  factors: FactorRow[];
  countermeasures: CountermeasureRow[];
  source: { url?: string; uuid?: string; company?: string } | null;
  /** Not edited in the form (the review panel asks reviewers), carried through so that a save keeps them. */
  reviewers?: string[];
  body: string;
}

export interface TimelineRow {
  key: string;
  at: string;
  event: string;
  kind: TimelineKind | "";
  /** Left out of the public version. */
  internal?: boolean;
}

export interface FactorRow {
  factor: string;
  note: string;
  internal?: boolean;
}

export interface CountermeasureRow {
  key: string;
  id: string;
  title: string;
  type: CountermeasureType;
  owner: string;
  due: string;
  status: CountermeasureStatus;
  done_at: string;
  ticket: string;
  addresses: string[];
  internal?: boolean;
  /** Not edited in the form, carried through so that a save keeps them (the dashboard and ticket hooks add them). */
  verify_by?: string;
  evidence?: Evidence[];
}

export const KEY_TIME_FIELDS = ["started_at", "detected_at", "mitigated_at", "resolved_at"] as const;
export type KeyTimeField = (typeof KEY_TIME_FIELDS)[number];
/** Which timeline kind gives each key time (the first row of that kind). */
export const KEY_TIME_SOURCE: Record<KeyTimeField, TimelineKind> = { started_at: "trigger", detected_at: "detection", mitigated_at: "mitigation", resolved_at: "resolution" };

let keySeq = 0;
/** A row key unique within this page (React keys and problem mapping; never written to the file). */
export function rowKey(prefix = "r"): string {
  keySeq += 1;
  return `${prefix}${Date.now().toString(36)}${keySeq}`;
}

function oneOfOr<const T extends readonly string[], F>(values: T, fallback: F, v: unknown): T[number] | F {
  return typeof v === "string" && (values as readonly string[]).includes(v) ? v : fallback;
}
const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" && v ? [v] : []);
const rows = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map((x) => objectOf(x)) : []);
function objectOf(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : {};
}
function sourceOf(v: unknown): EditorForm["source"] {
  const o = objectOf(v);
  const s: NonNullable<EditorForm["source"]> = {};
  for (const k of ["url", "uuid", "company"] as const) {
    const x = o[k];
    if (typeof x === "string") s[k] = x;
  }
  return Object.keys(s).length ? s : null;
}

/** The form for frontmatter data as parsed from YAML (valid or not) and a body. */
// Lenient on purpose: a file with mistakes (from a hand edit or a pull) still opens, keeping every value it can, and
// the editor's validation then shows what is wrong field by field.
export function formFromData(data: unknown, body: string): EditorForm {
  const d = objectOf(data);
  return {
    title: text(d.title),
    kind: oneOfOr(KINDS, "incident" as const, d.kind),
    severity: oneOfOr(SEVERITIES, "" as const, d.severity),
    status: oneOfOr(STATUSES, "draft" as const, d.status),
    visibility: oneOfOr(VISIBILITIES, "internal" as const, d.visibility),
    groups: list(d.groups),
    publish: d.publish === "public" ? "public" : undefined,
    started_at: text(d.started_at),
    detected_at: text(d.detected_at),
    mitigated_at: text(d.mitigated_at),
    resolved_at: text(d.resolved_at),
    services: list(d.services),
    teams: list(d.teams),
    tags: list(d.tags),
    authors: list(d.authors),
    summary: text(d.summary),
    impact: text(d.impact),
    timeline: rows(d.timeline).map((r) => ({ key: rowKey("t"), at: text(r.at), event: text(r.event), kind: oneOfOr(TIMELINE_KINDS, "" as const, r.kind), internal: r.internal === true || undefined })),
    factors: rows(d.contributing_factors).map((r) => ({ factor: text(r.factor), note: text(r.note), internal: r.internal === true || undefined })),
    countermeasures: rows(d.countermeasures).map((r) => ({
      key: rowKey("c"),
      id: text(r.id),
      title: text(r.title),
      type: oneOfOr(COUNTERMEASURE_TYPES, "prevent" as const, r.type),
      owner: text(r.owner),
      due: text(r.due),
      status: oneOfOr(COUNTERMEASURE_STATUSES, "open" as const, r.status),
      done_at: text(r.done_at),
      ticket: text(r.ticket),
      addresses: list(r.addresses),
      internal: r.internal === true || undefined,
      verify_by: text(r.verify_by) || undefined,
      evidence: evidenceList(r.evidence),
    })),
    source: sourceOf(d.source),
    ...(d.reviewers === undefined ? {} : { reviewers: list(d.reviewers) }),
    body: body.replace(/^\n+/, ""),
  };
}

const evidenceListSchema = evidenceSchema.array();

/** The countermeasure's evidence when it validates; a broken list is left to the file's own validation errors. */
function evidenceList(v: unknown): Evidence[] | undefined {
  const parsed = evidenceListSchema.safeParse(v);
  return parsed.success && parsed.data.length > 0 ? parsed.data : undefined;
}

const timeOf = (at: string) => {
  const t = Date.parse(at);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};

/** Timeline rows in time order (stable; rows without a valid time last), as the file stores them. */
export function sortedTimeline(rows: readonly TimelineRow[]): TimelineRow[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => timeOf(a.r.at) - timeOf(b.r.at) || a.i - b.i)
    .map((x) => x.r);
}

/** Frontmatter for a form: empty values left out, timeline sorted by time. */
export function formToFrontmatter(form: EditorForm): IncidentFrontmatterInput {
  const opt = (s: string) => (s.trim() === "" ? undefined : s);
  return {
    title: form.title.trim(),
    status: form.status,
    kind: form.kind,
    severity: form.severity || undefined,
    visibility: form.visibility,
    groups: form.groups,
    publish: form.publish,
    started_at: opt(form.started_at),
    detected_at: opt(form.detected_at),
    mitigated_at: opt(form.mitigated_at),
    resolved_at: opt(form.resolved_at),
    services: form.services,
    teams: form.teams,
    tags: form.tags,
    authors: form.authors,
    summary: form.summary.trim(),
    impact: form.impact.trim(),
    timeline: sortedTimeline(form.timeline).map((r) => ({ at: r.at, event: r.event.trim(), kind: r.kind || undefined, internal: r.internal || undefined })),
    contributing_factors: form.factors.map((f) => ({ factor: f.factor, note: opt(f.note.trim()), internal: f.internal || undefined })),
    countermeasures: form.countermeasures.map((c) => ({
      id: c.id.trim(),
      title: c.title.trim(),
      type: c.type,
      owner: c.owner.trim(),
      due: c.due,
      status: c.status,
      done_at: opt(c.done_at),
      ticket: opt(c.ticket.trim()),
      addresses: c.addresses.length ? c.addresses : undefined,
      internal: c.internal || undefined,
      verify_by: c.verify_by || undefined,
      evidence: c.evidence?.length ? c.evidence : undefined,
    })),
    source: form.source ?? undefined,
    reviewers: form.reviewers?.length ? form.reviewers : undefined,
  };
}

/**
 * The file text the form saves as. Editing an existing file (`baseText`, the text it was opened from), the form's
 * values are applied onto that text: only what the form changed is rewritten, so comments, key order, quoting and
 * every untouched line stay byte-for-byte (see editYaml), and an unchanged body is kept as it was. A new incident, or
 * a base whose frontmatter does not parse, is written afresh.
 */
export function formToText(form: EditorForm, baseText: string | null = null): string {
  if (baseText !== null) {
    const edited = editedText(form, baseText);
    if (edited !== null) return edited;
  }
  return serializeIncident(formToFrontmatter(form), form.body);
}

// The form trims text and leaves defaults and empty values out; a base that writes them differently says the same.
const formEquivalence = {
  sameScalar: (a: unknown, b: unknown) => a === b || (typeof a === "string" && typeof b === "string" && a.trim() === b.trim()),
  keepAbsent: (key: string, v: unknown) => isOmitted(key, v) || (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0),
};

function editedText(form: EditorForm, baseText: string): string | null {
  const regions = frontmatterRegions(baseText);
  if (!regions) return null;
  let yaml: string;
  try {
    yaml = editYaml(regions.yaml, frontmatterData(formToFrontmatter(form)), formEquivalence);
  } catch {
    return null;
  }
  if (yaml !== "" && !yaml.endsWith("\n")) yaml += "\n";
  const leading = (s: string) => /^(\r?\n)*/.exec(s)?.[0] ?? "";
  const strip = (s: string) => s.slice(leading(s).length);
  let body = regions.body;
  if (strip(form.body) !== strip(body)) {
    const b = strip(form.body);
    body = leading(body) + (b.endsWith("\n") ? b : `${b}\n`);
  }
  return regions.open + yaml + regions.close + body;
}

/** 1-based line of the file where the body text starts: after the closing `---` and the blank lines that follow it. */
export function bodyStartLine(text: string): number {
  const lines = text.split("\n");
  const close = lines.findIndex((l, i) => i > 0 && l.startsWith("---"));
  if (close < 0) return 1;
  let start = close + 1;
  while (start < lines.length - 1 && (lines[start] ?? "").trim() === "") start++;
  return start + 1;
}

/**
 * One list of problems from several checks of the same text (the editor's own check and the server's answer to a
 * save): a problem both found is listed once, so the count and the marks match what there is to fix.
 */
export function mergeProblems(...lists: readonly (readonly Problem[])[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const list of lists) {
    for (const p of list) {
      const key = `${p.field}\u0000${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

/**
 * The problems worth showing before the writer first tries to save: a new post-mortem starts empty, and a top-level
 * field that is still as opened is not yet a mistake for being "required". Everything else (a bad value, times out
 * of order, a countermeasure row the writer added without an owner) shows while typing; a save attempt shows all.
 */
export function problemsWhileWriting(problems: readonly Problem[], form: EditorForm, opened: EditorForm): Problem[] {
  const untouched = (field: string) =>
    Object.hasOwn(form, field) && JSON.stringify(form[field as keyof EditorForm]) === JSON.stringify(opened[field as keyof EditorForm]);
  return problems.filter((p) => !(p.message.startsWith("required") && /^[a-z_]+$/.test(p.field) && untouched(p.field)));
}

/** Where problems belong in the form: by field path (timeline indexes mapped back to row keys), body lines, the rest. */
export interface PlacedProblems {
  byField: Map<string, string[]>;
  body: { line: number; col: number; message: string }[];
  other: Problem[];
}

/**
 * Places validation problems on the form: `timeline[i].at` in the sorted file becomes `timeline:<rowKey>.at`,
 * `countermeasures[i].owner` becomes `countermeasures:<rowKey>.owner`, body problems get body-relative lines.
 */
export function placeProblems(problems: readonly Problem[], form: EditorForm, text: string): PlacedProblems {
  const byField = new Map<string, string[]>();
  const body: PlacedProblems["body"] = [];
  const other: Problem[] = [];
  const order = sortedTimeline(form.timeline);
  const start = bodyStartLine(text);
  const add = (k: string, m: string) => byField.set(k, [...(byField.get(k) ?? []), m]);
  for (const p of problems) {
    if (p.field === "body") {
      body.push({ line: Math.max(1, p.line - start + 1), col: p.col, message: p.message });
      continue;
    }
    const tl = /^timeline\[(\d+)\](?:\.(\w+))?$/.exec(p.field);
    const cm = /^countermeasures\[(\d+)\](?:\.(\w+))?(?:\[\d+\])?$/.exec(p.field);
    const cf = /^contributing_factors\[(\d+)\](?:\.(\w+))?$/.exec(p.field);
    if (tl) {
      const row = order[Number(tl[1])];
      if (row) add(`timeline:${row.key}.${tl[2] ?? "at"}`, p.message);
      else other.push(p);
    } else if (cm) {
      const row = form.countermeasures[Number(cm[1])];
      if (row) add(`countermeasures:${row.key}.${cm[2] ?? "title"}`, p.message);
      else other.push(p);
    } else if (cf) {
      const row = form.factors[Number(cf[1])];
      if (row) add(`factors:${row.factor}`, p.message);
      else other.push(p);
    } else if (/^(title|kind|severity|status|visibility|groups|started_at|detected_at|mitigated_at|resolved_at|services|teams|tags|authors|summary|impact)(\[\d+\])?$/.test(p.field)) {
      add(p.field.replace(/\[\d+\]$/, ""), p.message);
    } else other.push(p);
  }
  return { byField, body, other };
}

/** The countermeasures of the form that address `factor` (a factor's removal takes it off them). */
export function countermeasuresAddressing(form: EditorForm, factor: string): CountermeasureRow[] {
  return form.countermeasures.filter((c) => c.addresses.includes(factor));
}

/** What removing a factor did: the form without it, and the countermeasures that no longer address it. */
export interface FactorRemoval {
  form: EditorForm;
  factor: FactorRow;
  /** Index the factor had, so an undo puts it back where it was. */
  index: number;
  stripped: { key: string; id: string; title: string }[];
}

/** Removes a contributing factor and takes it off every countermeasure that addressed it; null when it is not chosen. */
export function removeFactor(form: EditorForm, factor: string): FactorRemoval | null {
  const index = form.factors.findIndex((f) => f.factor === factor);
  const row = form.factors[index];
  if (!row) return null;
  const stripped = countermeasuresAddressing(form, factor).map((c) => ({ key: c.key, id: c.id, title: c.title }));
  return {
    form: {
      ...form,
      factors: form.factors.filter((f) => f.factor !== factor),
      countermeasures: form.countermeasures.map((c) => (c.addresses.includes(factor) ? { ...c, addresses: c.addresses.filter((a) => a !== factor) } : c)),
    },
    factor: row,
    index,
    stripped,
  };
}

/** Undoes removeFactor on the current form: the factor back in its place and on the countermeasures still there. */
export function restoreFactor(form: EditorForm, removal: Omit<FactorRemoval, "form">): EditorForm {
  if (form.factors.some((f) => f.factor === removal.factor.factor)) return form;
  const factors = [...form.factors];
  factors.splice(Math.min(removal.index, factors.length), 0, removal.factor);
  const keys = new Set(removal.stripped.map((s) => s.key));
  return {
    ...form,
    factors,
    countermeasures: form.countermeasures.map((c) => (keys.has(c.key) && !c.addresses.includes(removal.factor.factor) ? { ...c, addresses: [...c.addresses, removal.factor.factor] } : c)),
  };
}

/** The next free countermeasure id: cm-1, cm-2, … */
export function nextCountermeasureId(rows: readonly { id: string }[]): string {
  let n = 1;
  const taken = new Set(rows.map((r) => r.id));
  while (taken.has(`cm-${n}`)) n++;
  return `cm-${n}`;
}

/** Key times taken from the first timeline row of each kind (trigger → started, detection → detected, …). */
export function keyTimesFromTimeline(rows: readonly TimelineRow[]): Partial<Record<KeyTimeField, string>> {
  const out: Partial<Record<KeyTimeField, string>> = {};
  const sorted = sortedTimeline(rows);
  for (const field of KEY_TIME_FIELDS) {
    const row = sorted.find((r) => r.kind === KEY_TIME_SOURCE[field] && !Number.isNaN(Date.parse(r.at)));
    if (row) out[field] = row.at;
  }
  return out;
}

/** `2026-03-14T14:02:00Z` → `2026-03-14T15:02` for a datetime-local input showing the time in `timeZone` (empty when unreadable). */
export function toTimeInput(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  return wallTime(t, timeZone);
}

/**
 * A datetime-local value read in `timeZone` → the instant in the file's format, `2026-03-14T14:02:00Z` (UTC, as every
 * saved time is). Empty stays empty; anything else is kept as typed, so validation names it.
 */
export function fromTimeInput(value: string, timeZone: string): string {
  const t = instantOfWallTime(value, timeZone);
  return t === null ? value : new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}
