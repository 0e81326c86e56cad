// The Kaizen CLI: `npm run kaizen -- <command> [--content DIR] …` (or `kaizen …` through the package's bin).
// Thin: parses arguments strictly, calls lib/.
import fs from "node:fs";
import path from "node:path";
import { commandHelp, flagString, GLOBAL_OPTIONS, parseArgs, UsageError, type Command } from "./cli-args";

// Each command lives in scripts/commands/<file>.ts and exports `command`; loaded on demand so `kaizen lint` stays fast.
const files: Record<string, string> = {
  lint: "lint",
  new: "new",
  users: "users",
  index: "index-cmd",
  search: "search",
  import: "import",
  factors: "factors",
  followups: "followups",
  export: "export",
  sync: "sync",
  digest: "digest",
  reviews: "reviews",
  init: "init",
};
const load = async (name: string) => ((await import(`./commands/${files[name]}.ts`)) as { command: Command }).command;

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** The command name: the first word that is not a global option or its value (`--content DIR lint` works too). */
function splitCommand(argv: string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") break;
    if (!a.startsWith("-")) return { name: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    const key = a.replace(/^--?/, "").split("=")[0] ?? "";
    if (!a.includes("=") && GLOBAL_OPTIONS[key]?.type === "string") i++;
  }
  return { name: undefined, rest: argv };
}

async function overview(): Promise<string> {
  const lines = [`usage: kaizen <command> [--content DIR] [options]   (kaizen <command> --help for its options)`, "", "commands:"];
  for (const n of Object.keys(files)) lines.push(`  ${n.padEnd(10)} ${(await load(n)).summary}`);
  lines.push("", "  --version  print the version");
  return lines.join("\n");
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { name, rest } = splitCommand(argv);
  if (!name || name === "help") {
    if (argv.includes("--version")) {
      console.log(version());
      return 0;
    }
    const asked = name === "help" || argv.includes("--help") || argv.includes("-h");
    (asked ? console.log : console.error)(await overview());
    return asked ? 0 : 2;
  }
  if (!files[name]) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(files).join(", ")})`);
  const command = await load(name);
  let args;
  try {
    args = parseArgs(rest, { ...command.options, ...GLOBAL_OPTIONS });
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${err.message}\n\n${commandHelp(name, command)}`);
    throw err;
  }
  if (args.flags.help === true) {
    console.log(commandHelp(name, command));
    return 0;
  }
  const content = flagString(args, "content");
  if (content) process.env.KAIZEN_CONTENT_DIR = path.resolve(content);
  const data = flagString(args, "data");
  if (data) process.env.KAIZEN_DATA_DIR = path.resolve(data);
  return command.run(args);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`kaizen: ${err.message}`);
    else console.error(`error: ${(err as Error).message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
