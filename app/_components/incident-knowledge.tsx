import Link from "next/link";
import type { IncidentKnowledge } from "@/lib/pages/incident-knowledge";
import { SeverityBadge } from "./badges";
import { formatDate } from "./format";
import "../factors/factors.css";
import { InlineText } from "./inline-text";

function seenBefore(f: IncidentKnowledge["factors"][number]): string {
  if (f.before === 0) return f.others > 0 ? `first seen here · ${f.others} later incident${f.others === 1 ? "" : "s"}` : "not seen in any other incident";
  return `seen ${f.before} time${f.before === 1 ? "" : "s"} before across ${f.teams.length} team${f.teams.length === 1 ? "" : "s"}`;
}

function FactorLinks({ factors }: { factors: { id: string; name: string }[] }) {
  return (
    <>
      {factors.map((f, i) => (
        <span key={f.id}>
          {i > 0 && (i === factors.length - 1 ? " and " : ", ")}
          <Link href={`/factors/${f.id}`}>{f.name}</Link>
        </span>
      ))}
    </>
  );
}

/** "Seen before?" on an incident page: how often its factors came up earlier, related incidents, and recurrences. */
export function IncidentKnowledgeSection({ data }: { data: IncidentKnowledge }) {
  return (
    <section className="card kk" aria-labelledby="h-seen-before">
      <h2 id="h-seen-before">Seen before?</h2>
      {data.recurred.length > 0 && (
        <div className="alert alert--warn kk-alert" role="note" aria-label="Recurred after a countermeasure">
          <strong>Seen again after a countermeasure was done elsewhere.</strong>
          <ul>
            {data.recurred.map((r) => (
              <li key={`${r.countermeasure.incidentId}#${r.countermeasure.id}`}>
                <FactorLinks factors={r.factors} /> came back although “<InlineText text={r.countermeasure.title} />” from{" "}
                <Link href={`/incidents/${r.countermeasure.incidentId}#h-cms`}>{r.countermeasure.incidentTitle}</Link> was done on {formatDate(r.countermeasure.done_at)}.
              </li>
            ))}
          </ul>
          {data.recurredTotal > data.recurred.length && (
            <p className="small">
              The {data.recurred.length} most recently done of {data.recurredTotal} such countermeasures; each factor’s page lists them.
            </p>
          )}
        </div>
      )}
      {data.notHeld.length > 0 && (
        <div className="alert alert--info kk-alert" role="note" aria-label="Countermeasures that did not hold">
          <strong>{data.notHeld.length === 1 ? "A countermeasure of this incident did not hold." : "Countermeasures of this incident did not hold."}</strong>
          <ul>
            {data.notHeld.map((r) => (
              <li key={r.countermeasure.id}>
                “<InlineText text={r.countermeasure.title} />” (done {formatDate(r.countermeasure.done_at)}) addressed <FactorLinks factors={r.factors} />, seen again in{" "}
                {r.recurredIn.map((inc, i) => (
                  <span key={inc.incidentId}>
                    {i > 0 && (i === r.recurredIn.length - 1 && r.recurredCount === r.recurredIn.length ? " and " : ", ")}
                    <Link href={`/incidents/${inc.incidentId}`}>{inc.title}</Link> ({formatDate(inc.started_at)})
                  </span>
                ))}
                {r.recurredCount > r.recurredIn.length && ` and ${r.recurredCount - r.recurredIn.length} later incidents`}.
              </li>
            ))}
          </ul>
        </div>
      )}
      {data.factors.length === 0 ? (
        <p className="muted small">Name contributing factors to see whether other teams met them before.</p>
      ) : (
        <ul className="kk-factors" aria-label="Factors seen before">
          {data.factors.map((f) => (
            <li key={f.id}>
              <Link href={`/factors/${f.id}`} className="kk-factors__name">
                {f.name}
              </Link>
              <span className={`kk-factors__count${f.before > 0 ? " kk-factors__count--seen" : ""}`}>{seenBefore(f)}</span>
              {f.teams.length > 0 && <span className="small muted"> ({f.teams.join(", ")})</span>}
              {f.last && (
                <div className="small muted kk-factors__last">
                  Last time: <Link href={`/incidents/${f.last.id}`}>{f.last.title}</Link>, {formatDate(f.last.started_at)}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3 className="kk-h">Related incidents</h3>
      {data.related.length === 0 ? (
        <p className="muted small">No other incident shares its factors or its wording closely.</p>
      ) : (
        <ul className="kk-related" aria-label="Related incidents">
          {data.related.map((r) => (
            <li key={r.id}>
              <div className="kk-related__head">
                <SeverityBadge severity={r.severity} />
                <Link href={`/incidents/${r.id}`} className="kk-related__title">
                  {r.title}
                </Link>
              </div>
              <div className="small muted kk-related__why">
                <span className="kk-nowrap">{formatDate(r.started_at)}</span>
                {r.sharedFactors.length > 0 && (
                  <>
                    {" · "}
                    <span>
                      Shares {r.sharedFactors.length === 1 ? "a factor" : `${r.sharedFactors.length} factors`}:{" "}
                      {r.sharedFactors.map((f, i) => (
                        <span key={f.factor}>
                          {i > 0 && ", "}
                          {f.name}
                        </span>
                      ))}
                    </span>
                  </>
                )}
                {r.sharedTerms.length > 0 && (
                  <>
                    {" · "}
                    <span>matched: {r.sharedTerms.join(", ")}</span>
                  </>
                )}
                {r.reasons.length > 0 && (
                  <>
                    {" · "}
                    <span>{r.reasons.join(", ")}</span>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
