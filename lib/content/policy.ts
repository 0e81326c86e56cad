import { EMPTY_POLICY, policySchema, type Policy } from "../schema/policy";
import { fieldPath, type Problem } from "../schema/problems";
import type { ContentRepository } from "./repository";
import { FrontmatterError, parseYamlSafe, type ParsedYaml } from "./yaml";

export const POLICY_FILE = "kaizen.yml";

/** Parses `kaizen.yml` text; a missing file is the empty policy, a broken one is the empty policy plus its problems. */
export function parsePolicy(raw: string | null): { policy: Policy; problems: Problem[] } {
  if (raw === null) return { policy: EMPTY_POLICY, problems: [] };
  let yaml: ParsedYaml;
  try {
    yaml = parseYamlSafe(raw);
  } catch (err) {
    const at = err instanceof FrontmatterError ? { line: err.line, col: err.col, message: err.message } : { line: 1, col: 1, message: `could not read kaizen.yml: ${(err as Error).message}` };
    return { policy: EMPTY_POLICY, problems: [{ file: POLICY_FILE, ...at, field: "kaizen.yml", severity: "error" }] };
  }
  const data: unknown = yaml.value ?? {};
  const parsed = policySchema.safeParse(data);
  if (parsed.success) return { policy: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => ({
    file: POLICY_FILE,
    ...yaml.locate(issue.path),
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
