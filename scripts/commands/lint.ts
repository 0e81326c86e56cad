import { contentDir } from "../../lib/env";
import { lintContent } from "../../lib/lint/content-lint";
import { formatProblem } from "../../lib/schema/problems";
import type { CliArgs } from "../cli-args";

export const command = {
  summary: "validate every incident, the taxonomy and kaizen.yml as they are on disk (--committed: as committed, what the server serves); exit 1 on errors",
  usage: "[--public] [--committed] [--json]",
  options: {
    json: { type: "boolean", description: "print the problems as JSON" },
    public: { type: "boolean", description: "also warn about what looks internal in the public text of publish: public incidents" },
    committed: { type: "boolean", description: "lint the committed content (HEAD) instead of the files on disk" },
  },
  async run(args: CliArgs): Promise<number> {
    const pub = args.flags.public === true;
    const { problems, checked, markedPublic } = await lintContent(contentDir(), { committed: args.flags.committed === true, public: pub });
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    if (args.flags.json === true) console.log(JSON.stringify(problems, null, 2));
    else {
      for (const p of problems) console.log(`${formatProblem(p)}${p.severity === "warning" ? "  (warning)" : ""}`);
      console.error(`${checked} incidents checked${pub ? `, ${markedPublic} marked publish: public` : ""}: ${errors} error(s), ${warnings} warning(s)`);
    }
    return errors > 0 ? 1 : 0;
  },
};
