// The Kaizen CLI: `npm run kaizen -- <command> [--content DIR] …`. Thin: parses arguments, calls lib/.
import path from "node:path";
import { parseArgs, flagString, UsageError, type CliArgs } from "./cli-args";

type Command = { summary: string; run: (args: CliArgs) => Promise<number> };

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
};
const commands: Record<string, () => Promise<Command>> = Object.fromEntries(
  Object.entries(files).map(([name, file]) => [name, async () => ((await import(`./commands/${file}.ts`)) as { command: Command }).command]),
);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const name = args.positionals.shift();
  const content = flagString(args, "content");
  if (content) process.env.KAIZEN_CONTENT_DIR = path.resolve(content);
  const data = flagString(args, "data");
  if (data) process.env.KAIZEN_DATA_DIR = path.resolve(data);
  if (!name || name === "help" || args.flags.help === true) {
    console.log("usage: npm run kaizen -- <command> [--content DIR] [options]\n\ncommands:");
    for (const [n, load] of Object.entries(commands)) {
      const c = await load().catch(() => null);
      if (c) console.log(`  ${n.padEnd(10)} ${c.summary}`);
    }
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`unknown command "${name}" (try: ${Object.keys(commands).join(", ")})`);
    return 2;
  }
  const command = await load();
  return command.run(args);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`usage: ${err.message}`);
    else console.error(`error: ${(err as Error).message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
