import Link from "next/link";
import type { CountermeasureItem } from "@/lib/pages/countermeasures";
import { RestrictedBadge, SeverityBadge, StatusBadge } from "../../_components/badges";
import { formatDate } from "../../_components/format";
import { CountermeasureDialog } from "./mark-done-dialog";
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

const VERIFICATION_LABEL = { verified: "Verified", unverified: "Unverified", failed: "Failed" } as const;

/** Verified / unverified / failed, with how long it has held (done countermeasures only). */
export function OutcomeNote({ item }: { item: CountermeasureItem }) {
  const o = item.outcome;
  if (!o) return null;
  const days = o.daysWithoutRecurrence;
  const held = days === null ? null : o.verification === "failed" ? `recurred ${days} d after done` : `${days} d without recurrence`;
  const title =
    o.verification === "failed"
      ? "An addressed factor came back in a later incident"
      : o.verification === "verified"
        ? "Evidence recorded and confirmed to hold"
        : item.verifyBy
          ? `Waiting for verify-by (${item.verifyBy}) and evidence`
          : "No evidence and verify-by date yet";
  return (
    <span className="cms-outcome small" data-testid="cm-outcome">
      <span className={`badge cms-badge--${o.verification}`} title={title}>
        {VERIFICATION_LABEL[o.verification]}
      </span>
      {held && <span className="muted">{held}</span>}
    </span>
  );
}

/** The policy breaches of a row, as badges with the reason in words. */
export function BreachBadges({ item }: { item: CountermeasureItem }) {
  if (item.breaches.length === 0) return null;
  return (
    <ul className="cms-breaches" aria-label="Policy breaches">
      {item.breaches.map((b) => (
        <li key={b.kind}>
          <span className="badge cms-badge--breach">{b.label}</span> <span className="small muted">{b.message}</span>
        </li>
      ))}
    </ul>
  );
}

/** The evidence recorded for a countermeasure, links first-class and notes quoted. */
export function EvidenceList({ item }: { item: CountermeasureItem }) {
  if (item.evidence.length === 0) return null;
  return (
    <ul className="cms-evidence small" aria-label="Evidence">
      {item.evidence.map((e, i) => (
        <li key={i}>
          <span className="cms-evidence__kind">{e.verdict === "held" ? "Held" : e.verdict === "did-not-hold" ? "Did not hold" : "Evidence"}</span>{" "}
          {e.url && (
            <a href={e.url} rel="noopener noreferrer" className="cms-evidence__url">
              {e.url.replace(/^https?:\/\//i, "")}
            </a>
          )}
          {e.url && e.note && " — "}
          {e.note && <span className="cms-evidence__note">{e.note}</span>}
          <span className="muted">
            {" "}
            · {e.added_by}, {formatDate(e.added_at)}
          </span>
        </li>
      ))}
    </ul>
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
        <EvidenceList item={item} />
        <BreachBadges item={item} />
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
            {item.verifyBy && <div className="small muted">verify by {formatDate(item.verifyBy)}</div>}
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={item.status} />
            <OutcomeNote item={item} />
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
      {canEdit && item.incidentBlob && (
        <div className="cms-item__actions">
          {isOpenStatus(item.status) && <CountermeasureDialog target={{ incidentId: item.incident.id, cmId: item.id, baseBlob: item.incidentBlob, title: item.title }} evidenceRequired={item.evidenceRequired} />}
          <details className="cms-edit">
            <summary>{isOpenStatus(item.status) ? "Change owner, due or status" : "Reopen or change"}</summary>
            {form}
          </details>
        </div>
      )}
    </li>
  );
}
