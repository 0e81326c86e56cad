import Link from "next/link";
import type { CountermeasureItem } from "@/lib/pages/countermeasures";
import { RestrictedBadge, SeverityBadge, StatusBadge } from "../../_components/badges";
import { formatDate } from "../../_components/format";
import { CountermeasureUpdateForm } from "./update-form";
import { InlineText } from "@/app/_components/inline-text";
import { stripInline } from "@/lib/mdx/inline";

const isOpenStatus = (s: string) => s === "open" || s === "in-progress";

/** An owner's e-mail that wraps at the @ rather than mid-word in narrow columns. */
export function Owner({ owner }: { owner: string }) {
  const at = owner.indexOf("@");
  if (at <= 0) return <>{owner}</>;
  return (
    <>
      {owner.slice(0, at)}
      <wbr />
      {owner.slice(at)}
    </>
  );
}

/** "due in 3 d", "due today", "12 d overdue" for open ones; nothing for closed ones. */
export function DueNote({ item }: { item: CountermeasureItem }) {
  if (item.overdue) return <span className="badge badge--overdue">{item.daysOverdue} d overdue</span>;
  if (!isOpenStatus(item.status)) return null;
  if (item.dueInDays === 0) return <span className="cms-due-soon">due today</span>;
  if (item.dueInDays > 0 && item.dueInDays <= 14) return <span className="cms-due-soon">in {item.dueInDays} d</span>;
  return null;
}

export function TicketLink({ item }: { item: CountermeasureItem }) {
  if (!item.ticket) return <span className="muted">—</span>;
  if (!item.ticketUrl) return <span>{item.ticket}</span>;
  return (
    <a href={item.ticketUrl} rel="noopener noreferrer" title={item.ticketUrl}>
      {item.ticketUrl.replace(/^https?:\/\/[^/]+\//i, "") || item.ticketUrl}
    </a>
  );
}

export function FactorChips({ item }: { item: CountermeasureItem }) {
  if (item.factors.length === 0) return null;
  return (
    <div className="cms-chips" role="group" aria-label="Addresses factors">
      {item.factors.map((f) => (
        <Link key={f.id} className="chip" href={`/factors/${f.id}`}>
          {f.name}
        </Link>
      ))}
    </div>
  );
}

export function RecurredFlag({ item }: { item: CountermeasureItem }) {
  const first = item.recurred[0];
  if (!first) return null;
  const more = item.recurrenceCount - 1;
  return (
    <div className="cms-recurred small">
      <span className="badge badge--recurred">Recurred after done</span>
      <span>
        the factor came back in <Link href={`/incidents/${first.incidentId}`}>{first.title}</Link>
        {more > 0 && <span className="muted"> and {more} more</span>}
      </span>
    </div>
  );
}

/** One dashboard row: what was promised, for which incident, by whom and when, plus inline controls for authors. */
export function CountermeasureListItem({ item, canEdit }: { item: CountermeasureItem; canEdit: boolean }) {
  const form = <CountermeasureUpdateForm incidentId={item.incident.id} cmId={item.id} baseBlob={item.incidentBlob} title={stripInline(item.title)} values={{ status: item.status, owner: item.owner, due: item.due }} />;
  return (
    <li className={`cms-item${item.overdue ? " is-overdue" : ""}`} aria-label={stripInline(item.title)}>
      <div className="cms-item__main">
        <div className="cms-item__title"><InlineText text={item.title} /></div>
        <div className="cms-item__incident small">
          <SeverityBadge severity={item.incident.severity} /> <Link href={`/incidents/${item.incident.id}#h-cms`}>{item.incident.title}</Link>
          {item.incident.restricted && (
            <>
              {" "}
              <RestrictedBadge groups={item.incident.groups} />
            </>
          )}
        </div>
        <FactorChips item={item} />
        <RecurredFlag item={item} />
      </div>
      <dl className="cms-item__facts">
        <div>
          <dt>Owner</dt>
          <dd className="cms-owner">
            <Owner owner={item.owner} />
          </dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd>
            <span className="cms-nowrap">{formatDate(item.dueDate)}</span> <DueNote item={item} />
            {item.status === "done" && item.doneAt && <div className="small muted">done {formatDate(item.doneAt)}</div>}
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={item.status} />
          </dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd className="cms-type">{item.type}</dd>
        </div>
        <div>
          <dt>Ticket</dt>
          <dd className="cms-ticket">
            <TicketLink item={item} />
          </dd>
        </div>
      </dl>
      {canEdit &&
        item.incidentBlob &&
        (isOpenStatus(item.status) ? (
          form
        ) : (
          <details className="cms-edit">
            <summary>Reopen or change</summary>
            {form}
          </details>
        ))}
    </li>
  );
}
