import yaml from "js-yaml";
import { z } from "zod";
import { parseYaml } from "../content/frontmatter";
import { parseIncidentText } from "../content/incident-file";
import { locateYamlPath } from "../content/yaml-locate";
import { AppError } from "../errors";
import { Taxonomy } from "../schema/taxonomy";
import { dateSchema, oneOf } from "../schema/common";
import { COUNTERMEASURE_STATUSES, type Countermeasure, type IncidentFrontmatter } from "../schema/incident";

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
});

export type CountermeasurePatch = z.infer<typeof countermeasurePatchSchema>;

export interface UpdateOptions {
  /** Checks factor ids in the result too; without it only the schema and MDX rules are checked. */
  taxonomy?: Taxonomy;
  /** Names the file in validation errors. */
  file?: string;
}

interface Line {
  text: string;
  eol: string;
}

function splitLines(raw: string): Line[] {
  const parts = raw.split(/(\r?\n)/);
  const lines: Line[] = [];
  for (let i = 0; i < parts.length; i += 2) lines.push({ text: parts[i] ?? "", eol: parts[i + 1] ?? "" });
  return lines;
}

const joinLines = (lines: readonly Line[]) => lines.map((l) => l.text + l.eol).join("");

/** A YAML scalar on one line, quoted only when YAML needs it (dates stay plain: frontmatter is read with the core schema). */
function scalar(value: string): string | null {
  const out = yaml.dump(value, { schema: yaml.CORE_SCHEMA, lineWidth: -1 }).replace(/\n$/, "");
  return out.includes("\n") ? null : out;
}

type Field = "status" | "owner" | "due" | "done_at";
type Edit = { field: Field; value: string } | { field: "done_at"; remove: true };

const indentOf = (s: string) => s.length - s.trimStart().length;
const isContent = (s: string) => s.trim() !== "" && !s.trimStart().startsWith("#");

/**
 * Finds the line of `field` inside countermeasure `index`, only when it is a one-line `key: value` pair (no block
 * scalar, no continuation lines). Returns the 0-based yaml line and the key's column, or null.
 */
function findField(yamlLines: readonly string[], index: number, field: Field): { line: number; col: number } | null {
  const yamlText = yamlLines.join("\n");
  // Only the line is taken from locateYamlPath; the key's column is read here, whatever column it reports.
  const line = locateYamlPath(yamlText, ["countermeasures", index, field]).line - 1;
  const text = yamlLines[line] ?? "";
  const m = new RegExp(`^(\\s*(?:-\\s+)?)${field}[ \\t]*:[ \\t]+(\\S.*)$`).exec(text);
  if (!m) return null;
  const col = m[1]?.length ?? 0;
  if (/^[|>&*!]/.test(m[2] ?? "")) return null;
  // The item must really be the one we mean: locateYamlPath falls back to the deepest part it found.
  if (locateYamlPath(yamlText, ["countermeasures", index]).line - 1 > line) return null;
  for (let i = line + 1; i < yamlLines.length; i++) {
    const next = yamlLines[i] ?? "";
    if (!isContent(next)) continue;
    if (indentOf(next) > col) return null; // a continuation line of a multi-line value
    break;
  }
  return { line, col };
}

/** Edits the frontmatter lines in place; null when the layout is not one this can edit safely. */
function editInPlace(yamlLines: string[], index: number, edits: readonly Edit[]): string[] | null {
  const out = [...yamlLines];
  type Op = { at: number; kind: "replace" | "insert" | "delete"; text?: string };
  const ops: Op[] = [];
  for (const e of edits) {
    const found = findField(yamlLines, index, e.field);
    if ("remove" in e) {
      if (!found) continue;
      // A key on the dash line starts the item; deleting that line would break the list.
      if (/^\s*-\s/.test((yamlLines[found.line] ?? "").slice(0, found.col))) return null;
      ops.push({ at: found.line, kind: "delete" });
      continue;
    }
    const value = scalar(e.value);
    if (value === null) return null;
    if (found) {
      const text = yamlLines[found.line] ?? "";
      ops.push({ at: found.line, kind: "replace", text: `${text.slice(0, found.col)}${e.field}: ${value}` });
    } else if (e.field === "done_at") {
      const status = findField(yamlLines, index, "status");
      if (!status) return null;
      ops.push({ at: status.line + 1, kind: "insert", text: `${" ".repeat(status.col)}done_at: ${value}` });
    } else return null;
  }
  // Bottom-up, so earlier line numbers stay valid.
  ops.sort((a, b) => b.at - a.at);
  for (const op of ops) {
    if (op.kind === "replace") out[op.at] = op.text ?? "";
    else if (op.kind === "insert") out.splice(op.at, 0, op.text ?? "");
    else out.splice(op.at, 1);
  }
  return out;
}

// Records keep the keys in their written order (a zod object would move its declared keys first).
const yamlMap = z.record(z.string(), z.unknown());
const looseFrontmatter = z.looseObject({ countermeasures: z.array(yamlMap) });

function updatedItems(yamlText: string, cmId: string, target: Countermeasure): { top: Record<string, unknown>; items: Record<string, unknown>[] } | null {
  const data = parseYaml(yamlText);
  const top = yamlMap.safeParse(data);
  const shape = looseFrontmatter.safeParse(data);
  if (!top.success || !shape.success) return null;
  const items = shape.data.countermeasures.map((item) => {
    if (item.id !== cmId) return item;
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(item)) {
      if (k === "done_at") continue;
      next[k] = k === "status" || k === "owner" || k === "due" ? target[k] : v;
      if (k === "status" && target.done_at) next.done_at = target.done_at;
    }
    return next;
  });
  return { top: top.data, items };
}

const dumpYaml = (value: unknown, flowLevel = -1) =>
  yaml.dump(value, { schema: yaml.CORE_SCHEMA, lineWidth: -1, noRefs: true, flowLevel }).replace(/\n$/, "").split("\n");

/** First fallback: re-serializes only this countermeasure's list item (e.g. one written in flow style). */
function replaceItem(yamlLines: readonly string[], index: number, cmId: string, target: Countermeasure): string[] | null {
  const updated = updatedItems(yamlLines.join("\n"), cmId, target);
  const item = updated?.items[index];
  if (!item) return null;
  const start = locateYamlPath(yamlLines.join("\n"), ["countermeasures", index]).line - 1;
  const dash = /^(\s*)-(\s|$)/.exec(yamlLines[start] ?? "");
  if (!dash) return null;
  const dashIndent = dash[1]?.length ?? 0;
  let end = start + 1;
  for (let i = start + 1; i < yamlLines.length; i++) {
    const s = yamlLines[i] ?? "";
    if (!isContent(s)) continue;
    if (indentOf(s) <= dashIndent) break;
    end = i + 1;
  }
  // The list sits at level 0 and the item at 1, so flowLevel 2 keeps `addresses: [a, b]` on one line.
  const lines = dumpYaml([item], 2).map((l) => " ".repeat(dashIndent) + l);
  return [...yamlLines.slice(0, start), ...lines, ...yamlLines.slice(end)];
}

/** Last resort: re-serializes the whole frontmatter (comments and quoting style are lost; the body is kept). */
function reserialize(yamlLines: readonly string[], _index: number, cmId: string, target: Countermeasure): string[] | null {
  const updated = updatedItems(yamlLines.join("\n"), cmId, target);
  if (!updated) return null;
  return dumpYaml(Object.fromEntries(Object.entries(updated.top).map(([k, v]) => [k, k === "countermeasures" ? updated.items : v])));
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
 * done sets `done_at: today`; leaving done removes done_at. Only the affected YAML lines change when the layout allows
 * it (otherwise the frontmatter is re-serialized); the body is always kept byte-for-byte. The result is validated.
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
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new AppError("bad_request", `today must be a date such as 2025-03-31, got ${JSON.stringify(today)}`);
  const p = parsedPatch.data;
  const file = options.file ?? "incident.mdx";
  const taxonomy = options.taxonomy ?? Taxonomy.empty();

  const before = parseIncidentText(file, rawFileText, taxonomy);
  if (!before.ok) throw new AppError("bad_request", "the incident file does not validate; fix it in the editor first", before.problems);
  const index = before.frontmatter.countermeasures.findIndex((c) => c.id === cmId);
  const current = before.frontmatter.countermeasures[index];
  if (!current) throw new AppError("not_found", `no countermeasure "${cmId}" in this incident`);

  const status = p.status ?? current.status;
  const target: Countermeasure = { ...current, status, owner: p.owner ?? current.owner, due: p.due ?? current.due };
  const edits: Edit[] = [];
  if (target.status !== current.status) edits.push({ field: "status", value: target.status });
  if (target.owner !== current.owner) edits.push({ field: "owner", value: target.owner });
  if (target.due !== current.due) edits.push({ field: "due", value: target.due });
  if (status === "done" && !current.done_at) {
    target.done_at = today;
    edits.push({ field: "done_at", value: today });
  } else if (status !== "done" && current.done_at) {
    delete target.done_at;
    edits.push({ field: "done_at", remove: true });
  }
  if (edits.length === 0) return rawFileText;

  const lines = splitLines(rawFileText);
  const close = lines.findIndex((l, i) => i > 0 && /^---\s*$/.test(l.text));
  if (!(lines[0]?.text ?? "").replace(/^\uFEFF/, "").startsWith("---") || close < 0) {
    throw new AppError("bad_request", "the incident file has no frontmatter");
  }
  const yamlLines = lines.slice(1, close).map((l) => l.text);
  const eol = lines[0]?.eol || "\n";
  const expected: IncidentFrontmatter = {
    ...before.frontmatter,
    countermeasures: before.frontmatter.countermeasures.map((c, i) => (i === index ? target : c)),
  };

  const assemble = (newYaml: string[]) => {
    const kept = lines.slice(1, close);
    const yamlPart = newYaml.map((text, i) => ({ text, eol: kept[i]?.eol || eol }));
    return joinLines([lines[0] ?? { text: "---", eol }, ...yamlPart, ...lines.slice(close)]);
  };
  const check = (text: string) => {
    const after = parseIncidentText(file, text, taxonomy);
    return after.ok && sameFrontmatter(after.frontmatter, expected) ? after : null;
  };

  const inPlace = editInPlace(yamlLines, index, edits);
  if (inPlace) {
    const text = assemble(inPlace);
    if (check(text)) return text;
  }
  let last: string[] | null = null;
  for (const attempt of [replaceItem, reserialize]) {
    last = attempt(yamlLines, index, cmId, target) ?? last;
    if (!last) continue;
    const text = assemble(last);
    if (check(text)) return text;
  }
  const after = parseIncidentText(file, assemble(last ?? yamlLines), taxonomy);
  throw new AppError("bad_request", "the updated incident does not validate", after.ok ? undefined : after.problems);
}
