import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/session";
import { getReviewsWaiting } from "@/lib/pages/reviews";
import { RestrictedBadge, SeverityBadge } from "../_components/badges";
import { formatDate } from "../_components/format";
import "./reviews.css";

export const metadata: Metadata = { title: "Reviews waiting for me" };

export default async function ReviewsPage() {
  const viewer = await requireViewer("/reviews");
  const rows = await getReviewsWaiting(viewer);
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Review before publishing</div>
          <h1>Reviews waiting for me</h1>
          <p>Post-mortems you were asked to review and have not approved or sent back yet, oldest request first.</p>
        </div>
      </div>
      <section className="card card--flush" aria-label="Reviews waiting for me">
        {rows.length === 0 ? (
          <div className="empty">
            <strong>Nothing waits for your review.</strong>
            When an author asks you to review a post-mortem it appears here. <Link href="/incidents?status=in-review">See everything in review</Link>.
          </div>
        ) : (
          <ul className="review-list">
            {rows.map((r) => (
              <li key={r.incident.id} className="review-list__row">
                <SeverityBadge severity={r.incident.severity} />
                <div className="review-list__main">
                  <Link href={`/incidents/${r.incident.id}#review`} className="incident-row__title">
                    {r.incident.title}
                  </Link>
                  {r.incident.summary && <p className="incident-row__summary">{r.incident.summary}</p>}
                  <div className="incident-row__meta">
                    {r.incident.visibility === "restricted" && <RestrictedBadge groups={r.incident.groups} />}
                    {r.incident.teams.map((t) => (
                      <span key={t} className="chip">
                        {t}
                      </span>
                    ))}
                    <span className="small muted">
                      {r.approvals} of {r.needed} approval{r.needed === 1 ? "" : "s"} · {r.comments} comment{r.comments === 1 ? "" : "s"}
                    </span>
                  </div>
                </div>
                <div className="review-list__when small muted">
                  {r.requestedBy ? `Asked by ${r.requestedBy}` : "Asked"}
                  {r.requestedAt && <div>{formatDate(r.requestedAt)}</div>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
