/** Minimal argument parsing for the CLI: `--flag`, `--key value`, `--key=value`, positionals. */
export interface CliArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

export function parseArgs(argv: string[]): CliArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith("--") && VALUE_FLAGS.has(a.slice(2))) {
          flags[a.slice(2)] = next;
          i++;
        } else flags[a.slice(2)] = true;
      }
    } else positionals.push(a);
  }
  return { positionals, flags };
}

/** Flags that take a value; everything else is boolean. */
const VALUE_FLAGS = new Set(["content", "limit", "offset", "role", "groups", "name", "email", "password", "due-within", "notify", "queries", "corpus", "date", "team", "severity", "out", "data", "owner", "timeout", "retries", "sizes", "base-url", "category", "from", "to", "threshold"]);

export function flagString(args: CliArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === "string" ? v : undefined;
}

export function flagNumber(args: CliArgs, name: string, fallback: number): number {
  const v = flagString(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got "${v}"`);
  return n;
}

export class UsageError extends Error {}
