import type { IncidentFrontmatter } from "../schema/incident";

const LABELS: Partial<Record<keyof IncidentFrontmatter, string>> = {
  title: "title",
  status: "status",
  severity: "severity",
  kind: "kind",
  visibility: "visibility",
  groups: "groups",
  summary: "summary",
  impact: "impact",
  timeline: "timeline",
  contributing_factors: "factors",
  countermeasures: "countermeasures",
  services: "services",
  teams: "teams",
  tags: "tags",
  started_at: "times",
  detected_at: "times",
  mitigated_at: "times",
  resolved_at: "times",
};

/**
 * `incident(<id>): <summary of the change>` — pure, so it is tested on its own. Names status transitions and what
 * changed ("status draft → published; timeline, factors"), "create" for a new file, "rename from <old>" for a rename.
 * The rename trailer history follows is added by the repository's commit (withRenameTrailers), from the same change
 * that moves the file, so no caller can forget it or claim a rename it did not make.
 */
export function incidentCommitMessage(id: string, before: { frontmatter: IncidentFrontmatter; body: string } | null, after: { frontmatter: IncidentFrontmatter; body: string }, renamedFrom?: string): string {
  if (!before) return `incident(${id}): create "${after.frontmatter.title}"`;
  const parts: string[] = [];
  if (renamedFrom && renamedFrom !== id) parts.push(`rename from ${renamedFrom}`);
  const a = before.frontmatter;
  const b = after.frontmatter;
  if (a.status !== b.status) parts.push(`status ${a.status} → ${b.status}`);
  if (a.severity !== b.severity) parts.push(`severity ${a.severity ?? "none"} → ${b.severity ?? "none"}`);
  if (a.visibility !== b.visibility) parts.push(`visibility ${a.visibility} → ${b.visibility}`);
  const changed = new Set<string>();
  for (const key of Object.keys(LABELS) as (keyof IncidentFrontmatter)[]) {
    if (key === "status" || key === "severity" || key === "visibility") continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changed.add(LABELS[key]!);
  }
  if (before.body.trim() !== after.body.trim()) changed.add("body");
  if (changed.size) parts.push(`update ${[...changed].join(", ")}`);
  return `incident(${id}): ${parts.length ? parts.join("; ") : "save without changes"}`;
}
