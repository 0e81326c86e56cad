import { EMPTY_POLICY, policySchema, type Policy } from "../schema/policy";
import type { Problem } from "../schema/problems";
import { KAIZEN_CONFIG_FILE, parseYamlConfig } from "./kaizen-config";
import type { ContentRepository } from "./repository";

export const POLICY_FILE = KAIZEN_CONFIG_FILE;

/** Parses `kaizen.yml` text; a missing file is the empty policy, a broken one is the empty policy plus its problems. */
export function parsePolicy(raw: string | null): { policy: Policy; problems: Problem[] } {
  const { value, problems } = parseYamlConfig(POLICY_FILE, raw, policySchema, EMPTY_POLICY);
  return { policy: value, problems };
}

/** Reads and validates the content repository's `kaizen.yml`. */
export async function loadPolicy(repo: ContentRepository): Promise<{ policy: Policy; problems: Problem[] }> {
  return parsePolicy(await repo.readFile(POLICY_FILE));
}
