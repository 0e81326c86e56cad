import yaml from "js-yaml";
import type { IncidentFrontmatterInput } from "../schema/incident";

// Field order in written files: what a reader scans first comes first.
const ORDER = [
  "title", "status", "kind", "severity", "visibility", "groups", "publish", "started_at", "detected_at", "mitigated_at", "resolved_at",
  "services", "teams", "tags", "authors", "summary", "impact", "timeline", "contributing_factors", "countermeasures", "source",
] as const;

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

/** Writes an incident file: YAML frontmatter (defaults left out) and the MDX body. */
export function serializeIncident(fm: IncidentFrontmatterInput, body: string): string {
  const ordered: Record<string, unknown> = {};
  const src = fm as Record<string, unknown>;
  for (const k of ORDER) if (!isEmpty(src[k])) ordered[k] = clean(src[k]);
  for (const [k, v] of Object.entries(src)) if (!(k in ordered) && !isEmpty(v)) ordered[k] = clean(v);
  if (ordered.kind === "incident") delete ordered.kind;
  if (ordered.visibility === "internal") delete ordered.visibility;
  const text = yaml.dump(ordered, { schema: yaml.CORE_SCHEMA, lineWidth: 118, noRefs: true, quotingType: '"', sortKeys: false });
  const b = body.replace(/^\n+/, "");
  return `---\n${text}---\n\n${b.endsWith("\n") ? b : `${b}\n`}`;
}
