import { ContentStore } from "../../lib/content/store";
import { commitAll, gitRepo, inIncidents } from "../fixtures/git-repo";

export const FACTORS = `- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
- id: bad-config-push
  name: Bad configuration push
  category: change
  description: A configuration change rolled out everywhere at once.
`;

/** An incident file: frontmatter lines after the defaults, and a short body. */
export function incidentText(title: string, lines: string[]): string {
  const has = (k: string) => lines.some((l) => l.startsWith(`${k}:`));
  return [
    "---",
    `title: ${title}`,
    ...(has("status") ? [] : ["status: published"]),
    ...(has("severity") ? [] : ["severity: SEV2"]),
    ...lines,
    "---",
    "",
    "## Summary",
    "",
    "Something happened.",
    "",
  ].join("\n");
}

/** A committed content repository with a taxonomy, these incidents (id → text) and optional extra files. */
export async function makeContentRepo(incidents: Record<string, string>, extra: Record<string, string> = {}, commitDate?: string): Promise<{ root: string; store: ContentStore }> {
  const root = await gitRepo({ "factors.yml": FACTORS, ...inIncidents(incidents), ...extra }, { prefix: "kaizen-notify-", date: commitDate });
  return { root, store: new ContentStore(root) };
}

/** Commits the working tree with a given date (author and committer). */
export function commitAt(root: string, message: string, date: string): void {
  commitAll(root, message, { date });
}
