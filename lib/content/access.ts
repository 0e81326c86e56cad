import { splitDocument } from "./frontmatter";
import type { IncidentEntry } from "./store";

/** Who may read an incident: its `visibility` and `groups`, as far as they could be read from the file. */
export interface Access {
  visibility: "internal" | "restricted";
  groups: string[];
}

/** What a file whose visibility cannot be worked out is treated as: restricted to admins (knowledge/facts.ts canReadEntry). */
export const ADMINS_ONLY: Access = { visibility: "restricted", groups: [] };

/** An entry's visibility; null for a broken file whose visibility could not be worked out. */
export function entryAccess(entry: IncidentEntry): Access | null {
  return entry.ok ? { visibility: entry.frontmatter.visibility, groups: [...entry.frontmatter.groups] } : entry.access;
}

/**
 * Visibility of an incident file from its text, also when it does not validate: from the parsed YAML when that parsed
 * to a mapping, else from a line scan of the frontmatter. Anything other than a clear "internal" (or no mention of
 * visibility at all, the default) counts as restricted; null when the text mentions visibility in a way that cannot be
 * read (callers then treat the file as admins-only).
 */
export function accessOfText(raw: string): Access | null {
  const split = splitDocument(raw);
  const data: unknown = split.ok ? split.doc.data : undefined;
  if (data && typeof data === "object" && !Array.isArray(data)) return accessOfData(data as Record<string, unknown>);
  return scanAccess(raw);
}

function accessOfData(data: Record<string, unknown>): Access {
  const v = data.visibility;
  const g = data.groups;
  // Only plain strings count as groups: dropping anything else can only narrow who reads the file.
  const groups = typeof g === "string" ? [g] : Array.isArray(g) ? g.filter((x): x is string => typeof x === "string") : [];
  return { visibility: v === undefined || v === null || v === "internal" ? "internal" : "restricted", groups };
}

const VISIBILITY_KEY = /^\s*(?:-\s+)?(["']?)visibility\1\s*:(.*)$/i;
const GROUPS_KEY = /^\s*(?:-\s+)?(["']?)groups\1\s*:(.*)$/i;
const LIST_ITEM = /^\s*-\s+(.*)$/;
// A double-quoted key with an escape could spell "visibility" without the word appearing in the text.
const ESCAPED_KEY = /^\s*(?:-\s+)?"(?:[^"\\]|\\.)*\\(?:[^"\\]|\\.)*"\s*:/;

/** One YAML scalar as written on a line: comment, quotes and surrounding space removed. */
function scalar(s: string): string {
  const t = s.replace(/\s+#.*$/, "").trim();
  const q = /^(["'])(.*)\1$/.exec(t);
  return (q ? (q[2] ?? "") : t).trim();
}

/**
 * For YAML that did not parse: the `visibility:` and `groups:` lines of the frontmatter (the whole file when the
 * frontmatter's delimiters cannot be found, since a broken delimiter can leave it anywhere).
 */
function scanAccess(raw: string): Access | null {
  const lines = raw.replace(/^\uFEFF/, "").split(/\r?\n/);
  let region = lines;
  if (lines[0]?.startsWith("---")) {
    const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
    if (end > 0) region = lines.slice(1, end);
  }
  const values: string[] = [];
  let mentions = 0;
  for (const line of region) {
    if (ESCAPED_KEY.test(line)) return null;
    mentions += line.match(/visibility/gi)?.length ?? 0;
    const m = VISIBILITY_KEY.exec(line);
    if (m) values.push(scalar(m[2] ?? ""));
  }
  // Every mention must be a key line we can read; "visibility" anywhere else (a flow mapping, a value on the next
  // line, a complex key) could be setting it.
  if (mentions !== values.length) return null;
  if (!values.every((v) => v === "internal" || v === "restricted")) return null;
  return { visibility: values.includes("restricted") ? "restricted" : "internal", groups: scanGroups(region) };
}

/** Groups from one `groups:` key (flow list, one scalar or a block list); none when unclear, which narrows to admins. */
function scanGroups(region: string[]): string[] {
  const at = region.flatMap((l, i) => (GROUPS_KEY.test(l) ? [i] : []));
  if (at.length !== 1 || at[0] === undefined) return [];
  const rest = scalar(GROUPS_KEY.exec(region[at[0]] ?? "")?.[2] ?? "");
  if (rest.startsWith("[")) {
    if (!rest.endsWith("]")) return [];
    return rest.slice(1, -1).split(",").map(scalar).filter(Boolean);
  }
  if (rest) return [rest];
  const groups: string[] = [];
  for (const line of region.slice(at[0] + 1)) {
    const item = LIST_ITEM.exec(line);
    if (!item) break;
    const g = scalar(item[1] ?? "");
    if (g) groups.push(g);
  }
  return groups;
}
