// The entry of the MDX worker threads (see off-thread.ts): parsing and compiling happen here, never on the thread
// that answers requests.
import { compileMdx } from "./compile";
import { serveJobs } from "./pool";
import { checkMdx, type MdxProblem } from "./validate";

export type MdxJob = { kind: "compile"; body: string } | { kind: "check"; body: string };

serveJobs((message) => {
  const job = message as MdxJob;
  // compileMdx already turns any throw into a problem. As JSON: the receiving thread parses a string faster than it
  // deserializes a tree, and the compile cache writes that same string to disk.
  if (job.kind === "compile") return JSON.stringify(compileMdx(job.body));
  try {
    return checkMdx(job.body);
  } catch (err) {
    const problem: MdxProblem = { line: 1, col: 1, message: `could not be checked: ${err instanceof Error ? err.message : String(err)}`, retry: true };
    return [problem];
  }
});
