import { contentDir } from "../../lib/env";
import { lintContent } from "../../lib/lint/content-lint";
import { formatProblem } from "../../lib/schema/problems";
import type { CliArgs } from "../cli-args";

export const command = {
  summary: "validate every incident and the taxonomy as they are on disk (--committed: as committed, what the server serves); exit 1 on errors",
  usage: "[--json] [--committed]",
  options: {
    json: { type: "boolean", description: "print the problems as JSON" },
    committed: { type: "boolean", description: "lint the committed content (HEAD) instead of the files on disk" },
  },
  async run(args: CliArgs): Promise<number> {
    const { problems, checked } = await lintContent(contentDir(), { committed: args.flags.committed === true });
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    if (args.flags.json === true) console.log(JSON.stringify(problems, null, 2));
    else {
      for (const p of problems) console.log(`${formatProblem(p)}${p.severity === "warning" ? "  (warning)" : ""}`);
      console.error(`${checked} incidents checked: ${errors} error(s), ${warnings} warning(s)`);
    }
    return errors > 0 ? 1 : 0;
  },
};
