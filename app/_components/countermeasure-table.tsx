import Link from "next/link";
import type { CountermeasureRowView } from "@/lib/pages/incident";
import { StatusBadge } from "./badges";
import { formatDate } from "./format";
import { InlineText } from "./inline-text";

const VERIFICATION_LABEL = { verified: "Verified", unverified: "Unverified", failed: "Failed" } as const;
const VERIFICATION_TITLE = {
  verified: "Evidence recorded and confirmed to hold",
  unverified: "Not yet confirmed: no evidence, or verify-by not reached",
  failed: "An addressed factor came back in a later incident",
} as const;

export function CountermeasureTable({ rows }: { rows: CountermeasureRowView[] }) {
  if (rows.length === 0) return <p className="muted">No countermeasures recorded yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table table--stack">
        <thead>
          <tr>
            <th scope="col">Countermeasure</th>
            <th scope="col">Type</th>
            <th scope="col">Owner</th>
            <th scope="col">Due</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((cm) => (
            <tr key={cm.id} className={cm.overdueDays !== null ? "is-overdue" : undefined}>
              <td data-label="Countermeasure">
                <div style={{ fontWeight: 600 }}><InlineText text={cm.title} /></div>
                <div className="row small muted" style={{ marginTop: 2 }}>
                  <span>{cm.id}</span>
                  {cm.ticket && /^https?:\/\//.test(cm.ticket) ? (
                    <a href={cm.ticket} rel="noopener noreferrer">
                      {cm.ticket.replace(/^https?:\/\/[^/]+\//, "")}
                    </a>
                  ) : (
                    cm.ticket && <span>{cm.ticket}</span>
                  )}
                  {cm.addressesNames.map((f) => (
                    <Link key={f.id} className="chip" href={`/factors/${f.id}`}>
                      {f.name}
                    </Link>
                  ))}
                </div>
                {cm.evidence && cm.evidence.length > 0 && (
                  <ul className="small" aria-label={`Evidence for ${cm.title}`} style={{ listStyle: "none", padding: 0, margin: "4px 0 0", overflowWrap: "anywhere" }}>
                    {cm.evidence.map((e, i) => (
                      <li key={i}>
                        <span style={{ fontWeight: 600, color: "var(--ok)" }}>{e.verdict === "held" ? "Held" : e.verdict === "did-not-hold" ? "Did not hold" : "Evidence"}</span>{" "}
                        {e.url && (
                          <a href={e.url} rel="noopener noreferrer">
                            {e.url.replace(/^https?:\/\//i, "")}
                          </a>
                        )}
                        {e.url && e.note && " — "}
                        {e.note}
                        <span className="muted">
                          {" "}
                          · {e.added_by}, {formatDate(e.added_at)}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
                {cm.recurred && cm.recurred.length > 0 && (
                  <div className="small" style={{ marginTop: 4 }}>
                    <span className="badge badge--recurred">Recurred after done</span>{" "}
                    {cm.recurred.map((r, i) => (
                      <span key={r.incidentId}>
                        {i > 0 && ", "}
                        <Link href={`/incidents/${r.incidentId}`}>{r.title}</Link>
                      </span>
                    ))}
                  </div>
                )}
              </td>
              <td data-label="Type" style={{ textTransform: "capitalize" }}>{cm.type}</td>
              <td data-label="Owner">{cm.owner}</td>
              <td data-label="Due" style={{ whiteSpace: "nowrap" }}>
                {formatDate(cm.due)}
                {cm.overdueDays !== null && (
                  <div>
                    <span className="badge badge--overdue">{cm.overdueDays} d overdue</span>
                  </div>
                )}
                {cm.status === "done" && cm.done_at && <div className="small muted">done {formatDate(cm.done_at)}</div>}
                {cm.verify_by && <div className="small muted">verify by {formatDate(cm.verify_by)}</div>}
              </td>
              <td data-label="Status">
                <StatusBadge status={cm.status} />
                {cm.verification && (
                  <div style={{ marginTop: 4 }}>
                    <span className={`badge badge--${cm.verification}`} data-testid="cm-verification" title={VERIFICATION_TITLE[cm.verification]}>
                      {VERIFICATION_LABEL[cm.verification]}
                    </span>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
