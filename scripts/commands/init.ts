import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { GitRepository } from "../../lib/content/repository";
import { initKnowledgeBase } from "../../lib/content/starter";
import { contentDir } from "../../lib/env";
import { UsageError, type CliArgs } from "../cli-args";

function gitConfig(cwd: string, key: string): string | undefined {
  try {
    return execFileSync("git", ["config", key], { cwd, encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function isWorkTree(dir: string): boolean {
  try {
    return execFileSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() === "true";
  } catch {
    return false;
  }
}

export const command = {
  summary: "start a knowledge base: a starter factors.yml (and kaizen.yml) committed to the content repository",
  usage: "",
  options: {},
  async run(args: CliArgs): Promise<number> {
    if (args.positionals.length) throw new UsageError(`init takes no arguments (got "${args.positionals.join(" ")}"); choose the directory with --content DIR`);
    const dir = contentDir();
    if (!fs.existsSync(dir) || (fs.readdirSync(dir).length === 0 && !isWorkTree(dir))) {
      // An empty or new directory becomes a repository; anything else that is not one is left alone.
      fs.mkdirSync(dir, { recursive: true });
      execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
      console.error(`created an empty git repository in ${dir}`);
    } else if (!isWorkTree(dir)) {
      throw new UsageError(`${dir} is not a git repository and not empty: run "git init" there first, or choose another directory with --content DIR`);
    }
    const author = { name: gitConfig(dir, "user.name") ?? "Kaizen", email: gitConfig(dir, "user.email") ?? "kaizen@localhost" };
    const r = await initKnowledgeBase(new GitRepository(dir), author);
    if (!r.ok) {
      console.error(`kaizen init: ${r.reason}`);
      return 1;
    }
    console.log(`committed ${r.files.join(" and ")} (${r.commit.slice(0, 7)}) in ${dir}`);
    console.log(`next: edit factors.yml to fit your team, then write the first post-mortem (kaizen new "<title>", or /incidents/new in the app)`);
    return 0;
  },
};
