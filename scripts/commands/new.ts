import fs from "node:fs/promises";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { ContentStore, INCIDENTS_DIR } from "../../lib/content/store";
import { incidentIdFrom } from "../../lib/editor/ids";
import { serializeIncident } from "../../lib/editor/serialize";
import { BODY_TEMPLATE, newIncidentFrontmatter } from "../../lib/editor/template";
import { contentDir } from "../../lib/env";
import { flagString, UsageError, type CliArgs } from "../cli-args";

function gitEmail(cwd: string): string | undefined {
  try {
    return execFileSync("git", ["config", "user.email"], { cwd, encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const command = {
  summary: "scaffold a new incident file from the template",
  usage: '"<title>" [--date YYYY-MM-DD]',
  options: { date: { type: "string", value: "YYYY-MM-DD", description: "the day it started (default: today)" } },
  async run(args: CliArgs): Promise<number> {
    const title = args.positionals.join(" ").trim();
    if (!title) throw new UsageError('kaizen new "<title>" [--date YYYY-MM-DD] [--content DIR]');
    const dir = contentDir();
    const store = new ContentStore(dir);
    const snap = await store.snapshot();
    const date = flagString(args, "date");
    if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError("--date expects YYYY-MM-DD");
    const fm = newIncidentFrontmatter(title, gitEmail(dir), date ? new Date(`${date}T00:00:00Z`) : new Date());
    const id = incidentIdFrom(title, fm.started_at, (x) => snap.byId.has(x));
    const file = path.join(dir, INCIDENTS_DIR, `${id}.mdx`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, serializeIncident(fm, BODY_TEMPLATE), { flag: "wx" });
    console.log(`created ${path.relative(process.cwd(), file)}`);
    console.log(`next: fill it in, run \`npm run kaizen -- lint --content ${path.relative(process.cwd(), dir) || "."}\`, commit and open a pull request`);
    return 0;
  },
};
