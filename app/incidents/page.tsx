import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { getIncidentList, incidentListHref } from "@/lib/pages/incidents";
import { KINDS, SEVERITIES, STATUSES } from "@/lib/schema/incident";
import { BrokenCard } from "../_components/broken-card";
import { IncidentRow } from "../_components/incident-row";
import { DateRangeFields, SelectField } from "../_components/select-field";
import { Pager } from "./pager";

export const metadata: Metadata = { title: "Incidents" };

const LABEL: Record<string, string> = { draft: "Draft", "in-review": "In review", published: "Published", incident: "Incident", "near-miss": "Near miss" };

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer("/incidents");
  const { filters, active, visible, list, broken, facets, factors, feedUrl } = await getIncidentList(viewer, await searchParams);
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Knowledge base</div>
          <h1>Incidents</h1>
          <p>
            {list.total} of {visible} post-mortems{active > 0 ? " match the filters" : ""}
          </p>
        </div>
        <div className="row">
          {feedUrl && (
            <a className="btn" href={feedUrl} type="application/atom+xml" title="Your personal feed of published post-mortems (keep the link private: it signs you in)">
              Atom feed
            </a>
          )}
          {canAuthor(viewer) && (
            <Link className="btn btn--primary" href="/incidents/new">
              New post-mortem
            </Link>
          )}
        </div>
      </div>
      <form className="card" method="get" action="/incidents" aria-label="Filter incidents" style={{ marginBottom: 16 }}>
        <div className="filters">
          <div className="field field--wide">
            <label htmlFor="f-q">Title or summary contains</label>
            <input id="f-q" name="q" type="search" defaultValue={filters.q ?? ""} placeholder="e.g. connection pool" />
          </div>
          <fieldset className="field field--wide" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="label">Severity</legend>
            <div className="checks">
              {SEVERITIES.map((s) => (
                <label key={s}>
                  <input type="checkbox" name="severity" value={s} defaultChecked={filters.severity.includes(s)} /> {s}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="field field--wide" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="label">Status</legend>
            <div className="checks">
              {STATUSES.map((s) => (
                <label key={s}>
                  <input type="checkbox" name="status" value={s} defaultChecked={filters.status.includes(s)} /> {LABEL[s]}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor="f-kind">Kind</label>
            <select id="f-kind" name="kind" defaultValue={filters.kind[0] ?? ""}>
              <option value="">Any</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {LABEL[k]}
                </option>
              ))}
            </select>
          </div>
          <SelectField id="f-service" name="service" label="Service" value={filters.service} options={facets.services} />
          <SelectField id="f-team" name="team" label="Team" value={filters.team} options={facets.teams} />
          <SelectField id="f-factor" name="factor" label="Contributing factor" value={filters.factor} options={factors} />
          <DateRangeFields idPrefix="f" from={{ name: "from", label: "Started from", value: filters.from }} to={{ name: "to", label: "Started until", value: filters.to }} />
          <div className="field">
            <label htmlFor="f-sort">Sort by</label>
            <select id="f-sort" name="sort" defaultValue={filters.sort}>
              <option value="newest">Newest first</option>
              <option value="oldest">Oldest first</option>
              <option value="severity">Severity</option>
              <option value="ttr">Longest to resolve</option>
              <option value="title">Title</option>
            </select>
          </div>
          <div className="filters__actions">
            <button className="btn btn--primary" type="submit">
              Apply
            </button>
            {active > 0 && (
              <Link className="btn" href="/incidents">
                Clear
              </Link>
            )}
          </div>
        </div>
      </form>
      <section className="card card--flush" aria-label="Incident list">
        {broken.map((b) => (
          <BrokenCard key={b.id} id={b.id} problems={b.problems} />
        ))}
        {list.total === 0 ? (
          <div className="empty">
            <strong>No incidents match these filters.</strong>
            Widen the date range or <Link href="/incidents">clear the filters</Link>.
          </div>
        ) : (
          <ul className="incident-list">
            {list.items.map((i) => (
              <IncidentRow key={i.id} i={i} />
            ))}
          </ul>
        )}
      </section>
      {list.total > 0 && <Pager page={list.page} pages={list.pages} first={list.first} last={list.last} total={list.total} hrefFor={(n) => incidentListHref(filters, n)} />}
    </main>
  );
}
