import Link from "next/link";
import { KindBadge, RestrictedBadge, SeverityBadge, StatusBadge } from "./badges";
import { formatDate } from "./format";
import type { IncidentRowData } from "@/lib/pages/incident-row";
import { InlineText } from "./inline-text";


export function IncidentRow({ i }: { i: IncidentRowData }) {
  return (
    <li className="incident-row">
      <div>
        <SeverityBadge severity={i.severity} />
      </div>
      <div style={{ minWidth: 0 }}>
        <Link href={`/incidents/${i.id}`} className="incident-row__title">
          {i.title}
        </Link>
        {i.summary && <p className="incident-row__summary"><InlineText text={i.summary} /></p>}
        <div className="incident-row__meta">
          <StatusBadge status={i.status} />
          <KindBadge kind={i.kind} />
          {i.visibility === "restricted" && <RestrictedBadge groups={i.groups} />}
          {i.teams.map((t) => (
            <span key={`t-${t}`} className="chip">
              {t}
            </span>
          ))}
          {i.services.slice(0, 3).map((s) => (
            <span key={`s-${s}`} className="chip" style={{ background: "transparent" }}>
              {s}
            </span>
          ))}
        </div>
      </div>
      <div className="incident-row__date">{formatDate(i.startedAt)}</div>
    </li>
  );
}
