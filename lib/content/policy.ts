import { EMPTY_POLICY, policySchema, type Policy } from "../schema/policy";
import { fieldPath, type Problem } from "../schema/problems";
import { FrontmatterError, parseYaml } from "./frontmatter";
import type { ContentRepository } from "./repository";
import { locateYamlPath } from "./yaml-locate";

export const POLICY_FILE = "kaizen.yml";

/** Parses `kaizen.yml` text; a missing file is the empty policy, a broken one is the empty policy plus its problems. */
export function parsePolicy(raw: string | null): { policy: Policy; problems: Problem[] } {
  if (raw === null) return { policy: EMPTY_POLICY, problems: [] };
  let data: unknown;
  try {
    data = parseYaml(raw) ?? {};
  } catch (err) {
    const e = err as FrontmatterError;
    return { policy: EMPTY_POLICY, problems: [{ file: POLICY_FILE, line: e.line ?? 1, col: e.col ?? 1, field: "kaizen.yml", message: e.message, severity: "error" }] };
  }
  const parsed = policySchema.safeParse(data);
  if (parsed.success) return { policy: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => ({
    file: POLICY_FILE,
    ...locateYamlPath(raw, issue.path),
    field: fieldPath(issue.path),
    message: issue.message,
    severity: "error" as const,
  }));
  return { policy: EMPTY_POLICY, problems };
}

/** Reads and validates the content repository's `kaizen.yml`. */
export async function loadPolicy(repo: ContentRepository): Promise<{ policy: Policy; problems: Problem[] }> {
  return parsePolicy(await repo.readFile(POLICY_FILE));
}
