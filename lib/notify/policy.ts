import { POLICY_FILE } from "../content/policy";
import type { ContentRepository } from "../content/repository";
import { FrontmatterError, parseYamlSafe, type ParsedYaml } from "../content/yaml";
import { EMPTY_NOTIFY_POLICY, notifyPolicySchema, type NotifyPolicy } from "../schema/notify-policy";
import { fieldPath, type Problem } from "../schema/problems";

/**
 * The `notifications:` key of kaizen.yml, validated with file, line and field for every problem. A broken policy
 * sends nothing beyond the default channel (no team or group mapping is guessed), and its problems are reported.
 * (Stands alone until the composed kaizen.yml schema lands; then it reads its `notifications` part.)
 */
export function parseNotifyPolicy(raw: string | null): { policy: NotifyPolicy; problems: Problem[] } {
  if (raw === null) return { policy: EMPTY_NOTIFY_POLICY, problems: [] };
  let yaml: ParsedYaml;
  try {
    yaml = parseYamlSafe(raw);
  } catch (err) {
    const at = err instanceof FrontmatterError ? { line: err.line, col: err.col, message: err.message } : { line: 1, col: 1, message: `could not read kaizen.yml: ${(err as Error).message}` };
    return { policy: EMPTY_NOTIFY_POLICY, problems: [{ file: POLICY_FILE, ...at, field: "kaizen.yml", severity: "error" }] };
  }
  const root = yaml.value;
  const section = root && typeof root === "object" && !Array.isArray(root) ? (root as Record<string, unknown>).notifications : undefined;
  if (section === undefined || section === null) return { policy: EMPTY_NOTIFY_POLICY, problems: [] };
  const parsed = notifyPolicySchema.safeParse(section);
  if (parsed.success) return { policy: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => {
    const path = ["notifications", ...issue.path];
    return { file: POLICY_FILE, ...yaml.locate(path), field: fieldPath(path), message: issue.message, severity: "error" as const };
  });
  return { policy: EMPTY_NOTIFY_POLICY, problems };
}

/** Reads the content repository's notification policy. */
export async function loadNotifyPolicy(repo: ContentRepository): Promise<{ policy: NotifyPolicy; problems: Problem[] }> {
  return parseNotifyPolicy(await repo.readFile(POLICY_FILE));
}
