import { DEFAULT_REVIEW_POLICY, reviewPolicySchema, type ReviewPolicy } from "../schema/review-policy";
import { fieldPath, type Problem } from "../schema/problems";
import { POLICY_FILE } from "./policy";
import type { ContentRepository } from "./repository";
import { FrontmatterError, parseYamlSafe, type ParsedYaml } from "./yaml";

/**
 * The `review:` key of kaizen.yml, validated on its own (the rest of the file is lib/content/policy's). A missing file
 * or key is the default policy; a broken one is the default plus its located problems, so reviews keep working.
 */
export function parseReviewPolicy(raw: string | null): { policy: ReviewPolicy; problems: Problem[] } {
  if (raw === null) return { policy: DEFAULT_REVIEW_POLICY, problems: [] };
  let yaml: ParsedYaml;
  try {
    yaml = parseYamlSafe(raw);
  } catch (err) {
    // The whole file is unreadable: lib/content/policy reports that once; here it only means "the default".
    if (err instanceof FrontmatterError) return { policy: DEFAULT_REVIEW_POLICY, problems: [] };
    throw err;
  }
  const data = yaml.value;
  const section: unknown = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>).review : undefined;
  if (section === undefined || section === null) return { policy: DEFAULT_REVIEW_POLICY, problems: [] };
  const parsed = reviewPolicySchema.safeParse(section);
  if (parsed.success) return { policy: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => ({
    file: POLICY_FILE,
    ...yaml.locate(["review", ...issue.path]),
    field: fieldPath(["review", ...issue.path]),
    message: issue.message,
    severity: "error" as const,
  }));
  return { policy: DEFAULT_REVIEW_POLICY, problems };
}

/** Reads the review policy from the committed kaizen.yml. */
export async function loadReviewPolicy(repo: ContentRepository): Promise<{ policy: ReviewPolicy; problems: Problem[] }> {
  return parseReviewPolicy(await repo.readFile(POLICY_FILE));
}
