import { parseArgs as parseNodeArgs, type ParseArgsConfig } from "node:util";

/** The options a command accepts: node:util parseArgs option specs plus a one-line description for --help. */
export type OptionSpec = { type: "string" | "boolean"; short?: string; multiple?: false; description: string; value?: string };
export type OptionSpecs = Record<string, OptionSpec>;

export interface CliArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

/** A CLI command: loaded on demand from scripts/commands/<file>.ts. */
export interface Command {
  summary: string;
  /** The argument shape after the command name, e.g. `"<query>"` or `list | add <username> …`. */
  usage: string;
  options: OptionSpecs;
  run: (args: CliArgs) => Promise<number>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  content: { type: "string", value: "DIR", description: "the content repository (default: KAIZEN_CONTENT_DIR)" },
  data: { type: "string", value: "DIR", description: "Kaizen's data directory (default: KAIZEN_DATA_DIR)" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

export class UsageError extends Error {}

/**
 * Strict parsing: an unknown flag, a value given to a boolean or a missing value is a UsageError, so a typo in a
 * cron line (`--notfy URL`) fails loudly instead of silently doing less.
 */
export function parseArgs(argv: string[], options: OptionSpecs): CliArgs {
  // `--limit -5` would be read as a flag "-5" and rejected as "ambiguous": a negative number after an option that takes
  // a value is that value, so the command's own check can say what it expects.
  const args = [...argv];
  for (let i = 0; i + 1 < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i] ?? "")?.[1];
    if (name && options[name]?.type === "string" && /^-\d/.test(args[i + 1] ?? "")) {
      args.splice(i, 2, `--${name}=${args[i + 1]}`);
    }
  }
  const config: ParseArgsConfig = {
    args,
    strict: true,
    allowPositionals: true,
    options: Object.fromEntries(Object.entries(options).map(([k, o]) => [k, o.short ? { type: o.type, short: o.short } : { type: o.type }])),
  };
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs(config);
  } catch (err) {
    throw new UsageError(plainParseError(err as Error));
  }
  const flags: Record<string, string | true> = {};
  for (const [k, v] of Object.entries(parsed.values)) {
    if (typeof v === "string") flags[k] = v;
    else if (v === true) flags[k] = true;
  }
  return { positionals: parsed.positionals, flags };
}

// node's messages mention "parseArgs" and "strict:false"; a CLI user needs only the flag.
function plainParseError(err: Error): string {
  const m = err.message;
  const unknown = /Unknown option '([^']+)'/.exec(m);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(m);
  if (missing) return `${missing[1]} needs a value`;
  const noValue = /Option '([^']+)' does not take an argument/.exec(m);
  if (noValue) return `${noValue[1]} takes no value`;
  return m.replace(/\. To specify a positional argument.*$/s, "");
}

/** The --help text of one command. */
export function commandHelp(name: string, command: Command): string {
  const all = { ...command.options, ...GLOBAL_OPTIONS };
  const rows = Object.entries(all).map(([k, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ""}--${k}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
    return `  ${flag.padEnd(28)} ${o.description}`;
  });
  return `usage: kaizen ${name} ${command.usage}\n\n${command.summary}\n\noptions:\n${rows.join("\n")}`;
}

export function flagString(args: CliArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === "string" ? v : undefined;
}

export function flagNumber(args: CliArgs, name: string, fallback: number): number {
  const v = flagString(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${v}"`);
  return n;
}

/** A whole number within [min, ∞): counts such as --limit, where 0 or -5 would silently print nothing. */
export function flagCount(args: CliArgs, name: string, fallback: number, min = 1): number {
  const n = flagNumber(args, name, fallback);
  if (n !== fallback && (!Number.isInteger(n) || n < min)) throw new UsageError(`--${name} expects a whole number ≥ ${min}, got "${flagString(args, name)}"`);
  return n;
}

/** Option specs for the evaluation and benchmark scripts, which need no per-flag help text. */
export function toolOptions(strings: readonly string[], booleans: readonly string[] = []): OptionSpecs {
  return Object.fromEntries([
    ...strings.map((k) => [k, { type: "string", description: "" } as const]),
    ...booleans.map((k) => [k, { type: "boolean", description: "" } as const]),
  ]);
}
