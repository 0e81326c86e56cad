import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { requireViewer } from "@/lib/auth/session";
import { compareRevisions, incidentHistory, type Comparison } from "@/lib/pages/history";
import { DiffView } from "../../../_components/diff-view";
import { formatDateTime } from "../../../_components/format";
import { FieldChanges } from "./field-changes";
import "./history.css";


type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> };

// One authorized load per request, shared by the tab title and the page (React's per-request cache).
const load = cache(async (id: string) => {
  const viewer = await requireViewer(`/incidents/${encodeURIComponent(id)}/history`);
  return { viewer, data: await incidentHistory(viewer, id) };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { data } = await load((await params).id);
  return { title: data?.entry.ok ? `History: ${data.entry.frontmatter.title}` : "History" };
}

export default async function HistoryPage({ params, searchParams }: Props) {
  const { id } = await params;
  const sp = await searchParams;
  const { viewer, data } = await load(id);
  if (!data) notFound();
  const { history, entry } = data;
  const title = entry.ok ? entry.frontmatter.title : id;
  const from = sp.from ?? history[1]?.commit;
  const to = sp.to ?? history[0]?.commit;
  let comparison: Comparison | null = null;
  let error: string | null = null;
  if (from && to && history.length > 1) {
    try {
      comparison = await compareRevisions(viewer, id, from, to);
    } catch (err) {
      error = (err as Error).message;
    }
  }
  const diff = comparison?.diff ?? null;
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <Link className="back-link" href={`/incidents/${id}`}>
            ← {title}
          </Link>
          <h1>History</h1>
          <p>
            {history.length} revision{history.length === 1 ? "" : "s"}, newest first
          </p>
        </div>
      </div>
      <div className="grid grid-history">
        <form className="card card--flush" method="get" aria-label="Choose two revisions to compare">
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Revision</th>
                </tr>
              </thead>
              <tbody>
                {history.map((c) => (
                  <tr key={c.commit}>
                    <td>
                      <input type="radio" name="from" value={c.commit} defaultChecked={from === c.commit} aria-label={`Compare from ${c.short}`} />
                    </td>
                    <td>
                      <input type="radio" name="to" value={c.commit} defaultChecked={to === c.commit} aria-label={`Compare to ${c.short}`} />
                    </td>
                    <td>
                      <div className="history-rev">{c.subject}</div>
                      <div className="small muted">
                        <code>{c.short}</code> · {c.authorName} · {formatDateTime(c.date)}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {history.length > 1 && (
            <div style={{ padding: "12px 16px", borderTop: "1px solid var(--border)" }}>
              <button className="btn btn--primary" type="submit">
                Compare revisions
              </button>
            </div>
          )}
        </form>
        <section aria-label="Changes" className="history-changes">
          {error && <div className="alert alert--danger">{error}</div>}
          {history.length < 2 && <div className="card empty">Only one revision so far: nothing to compare yet.</div>}
          {comparison && diff !== null && !diff.trim() && <div className="card empty">These two revisions have the same text.</div>}
          {comparison && diff !== null && diff.trim() && (
            <>
              <p className="small muted">
                From <code>{comparison.from.short}</code> ({formatDateTime(comparison.from.date)}) to <code>{comparison.to.short}</code> ({formatDateTime(comparison.to.date)})
              </p>
              <FieldChanges changes={comparison.fields} unreadable={comparison.unreadable} />
              <details className="card history-raw" open>
                <summary>Line by line (the file)</summary>
                <DiffView diff={diff} />
              </details>
            </>
          )}
        </section>
      </div>
    </main>
  );
}
