import type { Countermeasure, FactorRef, IncidentFrontmatter, TimelineEntry } from "../schema/incident";

/** One change between two versions of an incident's fields, as a person would describe it. */
export interface FieldChange {
  /** The part of the post-mortem: "Status", "Summary", "Timeline", "Contributing factors", "Countermeasures", … */
  section: string;
  op: "added" | "removed" | "changed";
  /** Which row of a list changed: a timeline event, a factor id, a countermeasure id and title. */
  item?: string;
  /** For a timeline row: its time (ISO), so the page can show it in the organization's zone. */
  at?: string;
  before?: string;
  after?: string;
  /** For a changed row: what changed in it ("status open → done", "owner ana → bo"). */
  details?: string[];
}

const SCALARS: { key: keyof IncidentFrontmatter; section: string }[] = [
  { key: "title", section: "Title" },
  { key: "status", section: "Status" },
  { key: "severity", section: "Severity" },
  { key: "kind", section: "Kind" },
  { key: "visibility", section: "Visibility" },
  { key: "started_at", section: "Started" },
  { key: "detected_at", section: "Detected" },
  { key: "mitigated_at", section: "Mitigated" },
  { key: "resolved_at", section: "Resolved" },
  { key: "summary", section: "Summary" },
  { key: "impact", section: "Impact" },
];

const LISTS: { key: "groups" | "services" | "teams" | "tags" | "authors"; section: string }[] = [
  { key: "groups", section: "Groups" },
  { key: "services", section: "Services" },
  { key: "teams", section: "Teams" },
  { key: "tags", section: "Tags" },
  { key: "authors", section: "Authors" },
];

const text = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

function scalar(section: string, before: string, after: string): FieldChange | null {
  if (before === after) return null;
  if (!before) return { section, op: "added", after };
  if (!after) return { section, op: "removed", before };
  return { section, op: "changed", before, after };
}

/** Timeline rows matched by time: same time and event is unchanged; the same time with another text is a change. */
function timelineChanges(a: readonly TimelineEntry[], b: readonly TimelineEntry[]): FieldChange[] {
  const key = (e: TimelineEntry) => `${e.at}\u0000${e.event}\u0000${e.kind ?? "note"}`;
  const unmatchedA = new Map<string, TimelineEntry[]>();
  const remaining = new Map<string, number>();
  for (const e of b) remaining.set(key(e), (remaining.get(key(e)) ?? 0) + 1);
  for (const e of a) {
    const n = remaining.get(key(e)) ?? 0;
    if (n > 0) remaining.set(key(e), n - 1);
    else unmatchedA.set(e.at, [...(unmatchedA.get(e.at) ?? []), e]);
  }
  const keep = new Map<string, number>();
  for (const e of a) keep.set(key(e), (keep.get(key(e)) ?? 0) + 1);
  const out: FieldChange[] = [];
  const addedB: TimelineEntry[] = [];
  for (const e of b) {
    const n = keep.get(key(e)) ?? 0;
    if (n > 0) keep.set(key(e), n - 1);
    else addedB.push(e);
  }
  for (const e of addedB) {
    const same = unmatchedA.get(e.at);
    const old = same?.shift();
    if (old) {
      const details: string[] = [];
      if (old.kind !== e.kind) details.push(`kind ${old.kind ?? "note"} → ${e.kind ?? "note"}`);
      out.push({ section: "Timeline", op: "changed", at: e.at, item: e.event, before: old.event, after: e.event, ...(details.length ? { details } : {}) });
    } else out.push({ section: "Timeline", op: "added", at: e.at, item: e.event, after: e.event });
  }
  for (const rest of unmatchedA.values()) for (const e of rest) out.push({ section: "Timeline", op: "removed", at: e.at, item: e.event, before: e.event });
  return out.sort((x, y) => Date.parse(x.at ?? "") - Date.parse(y.at ?? ""));
}

function factorChanges(a: readonly FactorRef[], b: readonly FactorRef[], name: (id: string) => string): FieldChange[] {
  const before = new Map(a.map((f) => [f.factor, f]));
  const after = new Map(b.map((f) => [f.factor, f]));
  const out: FieldChange[] = [];
  for (const [id, f] of after) {
    const old = before.get(id);
    if (!old) out.push({ section: "Contributing factors", op: "added", item: name(id), ...(f.note ? { after: f.note } : {}) });
    else if (text(old.note) !== text(f.note)) out.push({ section: "Contributing factors", op: "changed", item: name(id), before: text(old.note), after: text(f.note), details: ["note"] });
  }
  for (const [id, f] of before) if (!after.has(id)) out.push({ section: "Contributing factors", op: "removed", item: name(id), ...(f.note ? { before: f.note } : {}) });
  return out;
}

const CM_FIELDS: (keyof Countermeasure)[] = ["title", "type", "owner", "due", "status", "done_at", "ticket", "addresses"];

function countermeasureChanges(a: readonly Countermeasure[], b: readonly Countermeasure[]): FieldChange[] {
  const before = new Map(a.map((c) => [c.id, c]));
  const after = new Map(b.map((c) => [c.id, c]));
  const show = (c: Countermeasure, k: keyof Countermeasure) => (Array.isArray(c[k]) ? (c[k] as string[]).join(", ") : text(c[k]));
  const out: FieldChange[] = [];
  for (const [id, c] of after) {
    const old = before.get(id);
    if (!old) {
      out.push({ section: "Countermeasures", op: "added", item: `${id}: ${c.title}`, after: `${c.type}, ${c.owner}, due ${c.due}, ${c.status}` });
      continue;
    }
    const details = CM_FIELDS.filter((k) => show(old, k) !== show(c, k)).map((k) => `${k} ${show(old, k) || "(none)"} → ${show(c, k) || "(none)"}`);
    if (details.length) out.push({ section: "Countermeasures", op: "changed", item: `${id}: ${c.title}`, details });
  }
  for (const [id, c] of before) if (!after.has(id)) out.push({ section: "Countermeasures", op: "removed", item: `${id}: ${c.title}`, before: `${c.type}, ${c.owner}, due ${c.due}, ${c.status}` });
  return out;
}

/**
 * What changed in an incident's fields between two versions (either may be absent: created, or unreadable), in the
 * order the incident page shows them. Pure: the history page renders it beside the raw line diff.
 */
export function fieldChanges(before: IncidentFrontmatter | null, after: IncidentFrontmatter | null, factorName: (id: string) => string = (id) => id): FieldChange[] {
  const out: FieldChange[] = [];
  for (const { key, section } of SCALARS) {
    const c = scalar(section, text(before?.[key]), text(after?.[key]));
    if (c) out.push(c);
  }
  for (const { key, section } of LISTS) {
    const a = before?.[key] ?? [];
    const b = after?.[key] ?? [];
    for (const v of b) if (!a.includes(v)) out.push({ section, op: "added", item: v });
    for (const v of a) if (!b.includes(v)) out.push({ section, op: "removed", item: v });
  }
  out.push(...timelineChanges(before?.timeline ?? [], after?.timeline ?? []));
  out.push(...factorChanges(before?.contributing_factors ?? [], after?.contributing_factors ?? [], factorName));
  out.push(...countermeasureChanges(before?.countermeasures ?? [], after?.countermeasures ?? []));
  return out;
}
