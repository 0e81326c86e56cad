import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { formatProblem, type Problem } from "../../lib/schema/problems";
import { blamelessProblems } from "../../lib/lint/content-lint";
import type { CliArgs } from "../cli-args";

export const command = {
  summary: "validate every incident and the taxonomy; exit 1 on errors",
  usage: "[--json]",
  options: { json: { type: "boolean", description: "print the problems as JSON" } },
  async run(args: CliArgs): Promise<number> {
    const store = new ContentStore(contentDir());
    const snap = await store.snapshot();
    const problems: Problem[] = [...snap.taxonomyProblems];
    for (const b of snap.broken) problems.push(...b.problems);
    for (const inc of snap.incidents) {
      problems.push(...inc.warnings);
      const raw = await store.repo.readFile(inc.path);
      if (raw !== null) problems.push(...blamelessProblems(inc.path, raw));
    }
    problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    if (args.flags.json === true) console.log(JSON.stringify(problems, null, 2));
    else {
      for (const p of problems) console.log(`${formatProblem(p)}${p.severity === "warning" ? "  (warning)" : ""}`);
      console.error(`${snap.incidents.length + snap.broken.length} incidents checked: ${errors} error(s), ${warnings} warning(s)`);
    }
    return errors > 0 ? 1 : 0;
  },
};
