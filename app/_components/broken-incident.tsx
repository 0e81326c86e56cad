import Link from "next/link";
import { formatProblem, type Problem } from "@/lib/schema/problems";

/** The page of an incident whose file does not validate: the lint messages, and a way back. */
export function BrokenIncidentView({ id, problems }: { id: string; problems: Problem[] }) {
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Invalid incident file</div>
          <h1>{id} cannot be shown</h1>
          <p>The file has {problems.length} problem{problems.length === 1 ? "" : "s"}. Fix them in the file (or with `npm run kaizen -- lint`), and the page will appear.</p>
        </div>
      </div>
      <div className="alert alert--danger" role="alert">
        <pre style={{ whiteSpace: "pre-wrap", margin: 0 }}>{problems.map(formatProblem).join("\n")}</pre>
      </div>
      <p style={{ marginTop: 16 }}>
        <Link href={`/incidents/${id}/history`}>See its history</Link> · <Link href="/incidents">Back to all incidents</Link>
      </p>
    </main>
  );
}
