import path from "node:path";
import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { importPostmortemsApp } from "../../lib/import/postmortems-app";
import { UsageError, type CliArgs } from "../cli-args";

export const command = {
  summary: "import post-mortems from another format (one commit)",
  usage: "postmortems-app <dir>",
  options: {},
  async run(args: CliArgs): Promise<number> {
    const [format, dir] = args.positionals;
    if (format !== "postmortems-app" || !dir) throw new UsageError("kaizen import postmortems-app <dir> [--content DIR]");
    const store = new ContentStore(contentDir());
    const t0 = performance.now();
    const report = await importPostmortemsApp(path.resolve(dir), store);
    for (const s of report.skipped) console.error(`skipped ${s.file}: ${s.reason}`);
    const commit = report.commit ? ` in commit ${report.commit.slice(0, 10)}` : "";
    console.log(`imported ${report.imported.length}, unchanged ${report.unchanged.length}, skipped ${report.skipped.length}${commit} (${Math.round(performance.now() - t0)} ms)`);
    return report.skipped.length > 0 && report.imported.length === 0 && report.unchanged.length === 0 ? 1 : 0;
  },
};
