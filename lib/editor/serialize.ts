import { stringifyYaml } from "../content/yaml";
import type { IncidentFrontmatterInput } from "../schema/incident";

// Field order in written files: what a reader scans first comes first.
const ORDER = [
  "title", "status", "kind", "severity", "visibility", "groups", "publish", "started_at", "detected_at", "mitigated_at", "resolved_at",
  "services", "teams", "tags", "authors", "summary", "impact", "timeline", "contributing_factors", "countermeasures", "source",
] as const;

/** Values a file leaves out: empty ones, and the defaults of `kind` and `visibility`. */
export function isOmitted(key: string, v: unknown): boolean {
  return isEmpty(v) || (key === "kind" && v === "incident") || (key === "visibility" && v === "internal");
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
}

/** Drops empty values (so files stay short) and orders fields; nested objects lose their empty values too. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!isEmpty(x)) out[k] = clean(x);
    return out;
  }
  return v;
}

/** The frontmatter as a file holds it: fields in reading order, empty values and defaults left out. */
export function frontmatterData(fm: IncidentFrontmatterInput): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  const src = fm as Record<string, unknown>;
  for (const k of ORDER) if (!isOmitted(k, src[k])) ordered[k] = clean(src[k]);
  for (const [k, v] of Object.entries(src)) if (!(k in ordered) && !isOmitted(k, v)) ordered[k] = clean(v);
  return ordered;
}

/** Writes an incident file: YAML frontmatter (defaults left out) and the MDX body. */
export function serializeIncident(fm: IncidentFrontmatterInput, body: string): string {
  const text = stringifyYaml(frontmatterData(fm));
  const b = body.replace(/^\n+/, "");
  return `---\n${text}---\n\n${b.endsWith("\n") ? b : `${b}\n`}`;
}
