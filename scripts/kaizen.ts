// The Kaizen CLI: `npm run kaizen -- <command> [--content DIR] …`. Thin: parses arguments, calls lib/.
import path from "node:path";
import { parseArgs, flagString, UsageError, type CliArgs } from "./cli-args";

type Command = { summary: string; run: (args: CliArgs) => Promise<number> };

const commands: Record<string, () => Promise<Command>> = {
  lint: async () => (await import("./commands/lint")).command,
  new: async () => (await import("./commands/new")).command,
  users: async () => (await import("./commands/users")).command,
  index: async () => (await import("./commands/index-cmd")).command,
  search: async () => (await import("./commands/search")).command,
  import: async () => (await import("./commands/import")).command,
  factors: async () => (await import("./commands/factors")).command,
  followups: async () => (await import("./commands/followups")).command,
};

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
