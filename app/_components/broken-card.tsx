import Link from "next/link";
import { formatProblem, type Problem } from "@/lib/schema/problems";

/** A file that does not validate: shown with its lint messages instead of taking anything down. */
export function BrokenCard({ id, problems }: { id: string; problems: Problem[] }) {
  return (
    <div className="error-card" role="group" aria-label={`Invalid incident ${id}`}>
      <strong>
        <Link href={`/incidents/${id}`}>{id}</Link> cannot be shown: {problems.length} problem{problems.length === 1 ? "" : "s"} in the file
      </strong>
      <pre>{problems.map(formatProblem).join("\n")}</pre>
    </div>
  );
}
