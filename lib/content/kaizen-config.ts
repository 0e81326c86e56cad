import type { z } from "zod";
import { EMPTY_KAIZEN_CONFIG, kaizenConfigSchema, type KaizenConfig } from "../schema/kaizen-config";
import { fieldPath, type Problem } from "../schema/problems";
import { FrontmatterError, parseYamlSafe, type ParsedYaml } from "./yaml";

export const KAIZEN_CONFIG_FILE = "kaizen.yml";

export interface LoadedConfig<T> {
  value: T;
  problems: Problem[];
}

/**
 * Reads a YAML file of the content root with a zod schema: a missing file is `empty`; a syntax error is `empty` plus
 * that error; schema problems carry the file, the line and column of the offending node and the field path.
 */
export function parseYamlConfig<S extends z.ZodType>(file: string, raw: string | null, schema: S, empty: z.infer<S>): LoadedConfig<z.infer<S>> {
  if (raw === null) return { value: empty, problems: [] };
  let yaml: ParsedYaml;
  try {
    yaml = parseYamlSafe(raw);
  } catch (err) {
    const at = err instanceof FrontmatterError ? { line: err.line, col: err.col, message: err.message } : { line: 1, col: 1, message: `could not read ${file}: ${(err as Error).message}` };
    return { value: empty, problems: [{ file, ...at, field: file, severity: "error" }] };
  }
  const parsed = schema.safeParse(yaml.value ?? {});
  if (parsed.success) return { value: parsed.data, problems: [] };
  return {
    value: empty,
    problems: parsed.error.issues.map((issue) => ({ file, ...yaml.locate(issue.path), field: issue.path.length ? fieldPath(issue.path) : file, message: issue.message, severity: "error" as const })),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses kaizen.yml. Each section is validated on its own: a mistake in one (reported with its place) leaves that
 * section at its defaults and the others in force, so a typo in `followups:` does not switch off redaction.
 */
export function parseKaizenConfig(raw: string | null): LoadedConfig<KaizenConfig> {
  const whole = parseYamlConfig(KAIZEN_CONFIG_FILE, raw, kaizenConfigSchema, EMPTY_KAIZEN_CONFIG);
  if (whole.problems.length === 0 || raw === null) return whole;
  let data: unknown;
  try {
    data = parseYamlSafe(raw).value ?? {};
  } catch {
    return whole;
  }
  if (!isRecord(data)) return whole;
  const value: Record<string, unknown> = { ...EMPTY_KAIZEN_CONFIG };
  for (const [key, section] of Object.entries(kaizenConfigSchema.shape)) {
    const one = section.safeParse(data[key]);
    if (one.success) value[key] = one.data;
  }
  const merged = kaizenConfigSchema.safeParse(value);
  return { value: merged.success ? merged.data : EMPTY_KAIZEN_CONFIG, problems: whole.problems };
}

export type KaizenConfigSection = keyof KaizenConfig;

/**
 * One section of a parsed kaizen.yml (the snapshot's `config`) with the problems that concern it: those located in
 * the section, and those of the whole file (unreadable, not a mapping, an unknown section), which leave every section
 * at its defaults or may hide a misspelt one.
 */
export function configSection<K extends KaizenConfigSection>(
  loaded: { config: KaizenConfig; configProblems: readonly Problem[] },
  section: K,
): { policy: KaizenConfig[K]; problems: Problem[] } {
  const inSection = (field: string) => field === KAIZEN_CONFIG_FILE || field === section || field.startsWith(`${section}.`) || field.startsWith(`${section}[`);
  return { policy: loaded.config[section], problems: loaded.configProblems.filter((p) => inSection(p.field)) };
}

/** Parses kaizen.yml text into the shape a snapshot carries (`config`, `configProblems`). */
export function kaizenConfigOf(raw: string | null): { config: KaizenConfig; configProblems: Problem[] } {
  const { value, problems } = parseKaizenConfig(raw);
  return { config: value, configProblems: problems };
}
