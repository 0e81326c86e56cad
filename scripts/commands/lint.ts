import { ContentStore } from "../../lib/content/store";
import { loadPolicy } from "../../lib/content/policy";
import { contentDir } from "../../lib/env";
import { formatProblem, type Problem } from "../../lib/schema/problems";
import { blamelessProblems } from "../../lib/lint/content-lint";
import { redactionProblems } from "../../lib/lint/redaction";
import { isMarkedPublic, isPublic } from "../../lib/publish/public-version";
import type { CliArgs } from "../cli-args";

export const command = {
  summary: "validate every incident, the taxonomy and kaizen.yml; exit 1 on errors",
  usage: "[--public] [--json]",
  options: {
    json: { type: "boolean", description: "print the problems as JSON" },
    public: { type: "boolean", description: "also warn about what looks internal in the public text of publish: public incidents" },
  },
  async run(args: CliArgs): Promise<number> {
    const store = new ContentStore(contentDir());
    const snap = await store.snapshot();
    const policy = await loadPolicy(store.repo);
    const problems: Problem[] = [...snap.taxonomyProblems, ...policy.problems];
    for (const b of snap.broken) problems.push(...b.problems);
    const people = [...new Set(snap.incidents.flatMap((i) => [...i.frontmatter.authors, ...i.frontmatter.countermeasures.map((c) => c.owner)]))];
    const nonPublicIds = [...snap.incidents.filter((i) => !isPublic(i)).map((i) => i.id), ...snap.broken.map((b) => b.id)];
    for (const inc of snap.incidents) {
      problems.push(...inc.warnings);
      const raw = await store.repo.readFile(inc.path);
      if (raw === null) continue;
      problems.push(...blamelessProblems(inc.path, raw));
      if (args.flags.public === true && isMarkedPublic(inc.frontmatter)) {
        problems.push(...redactionProblems(inc.path, raw, inc.frontmatter, { redact: policy.policy.redact, people, nonPublicIds }));
      }
    }
    problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    if (args.flags.json === true) console.log(JSON.stringify(problems, null, 2));
    else {
      for (const p of problems) console.log(`${formatProblem(p)}${p.severity === "warning" ? "  (warning)" : ""}`);
      const published = args.flags.public === true ? `, ${snap.incidents.filter((i) => isMarkedPublic(i.frontmatter)).length} marked publish: public` : "";
      console.error(`${snap.incidents.length + snap.broken.length} incidents checked${published}: ${errors} error(s), ${warnings} warning(s)`);
    }
    return errors > 0 ? 1 : 0;
  },
};
