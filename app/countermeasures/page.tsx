import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/session";
import { getCountermeasuresPage, type CountermeasureItem, type CountermeasuresPageData } from "@/lib/pages/countermeasures";
import { VERIFICATIONS } from "@/lib/followups/effectiveness";
import { type CalendarFeedLinks } from "@/lib/followups/feeds";
import { COUNTERMEASURE_STATUSES, COUNTERMEASURE_TYPES, SEVERITIES } from "@/lib/schema/incident";
import { monthLabel, StackedBars } from "../_components/charts/stacked-bars";
import { CountermeasureListItem } from "./_components/countermeasure-item";
import { TeamBars } from "./_components/team-bars";
import { Pager } from "../incidents/pager";
import "./countermeasures.css";
import { DateRangeFields, SelectField } from "../_components/select-field";

export const metadata: Metadata = { title: "Countermeasures" };

const STATUS_LABEL: Record<string, string> = { open: "Open", "in-progress": "In progress", done: "Done", "wont-do": "Won't do" };
const TYPE_LABEL: Record<string, string> = { prevent: "Prevent", detect: "Detect", mitigate: "Mitigate", process: "Process" };
const OUTCOME_LABEL: Record<string, string> = { verified: "Verified", unverified: "Unverified", failed: "Failed" };
const DUE_WITHIN = [7, 14, 30, 90];

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)}%`);

export default async function CountermeasuresPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer("/countermeasures");
  const data = await getCountermeasuresPage(viewer, await searchParams);
  const { summary, filters } = data;
  const csvHref = `/api/countermeasures.csv${data.query ? `?${data.query}` : ""}`;
  const reviewHref = `/countermeasures/review${data.scopeQuery ? `?${data.scopeQuery}` : ""}`;
  return (
    <main id="main" className="cms-page">
      <div className="page-head">
        <div>
          <div className="eyebrow">Follow-ups</div>
          <h1>Countermeasures</h1>
          <p>What we promised after incidents, what is overdue, and what worked.</p>
        </div>
        <div className="cms-actions">
          <Link className="btn btn--primary" href={reviewHref}>
            Review mode
          </Link>
          <a className="btn" href={csvHref} download>
            Export CSV
          </a>
          <SubscribeDialog feed={data.feed} />
        </div>
      </div>

      <section className="cms-stats" aria-label="Summary">
        <Link className="card stat cms-stat-link" href="/countermeasures?status=open,in-progress">
          <span className="stat__value">{summary.open}</span>
          <span className="stat__label">Open</span>
          <span className="stat__sub">{summary.byStatus["in-progress"]} of them in progress</span>
        </Link>
        <Link className={`card stat cms-stat-link${summary.overdue ? " stat--danger" : ""}`} href="/countermeasures?overdue=1">
          <span className="stat__value" data-testid="overdue-count">
            {summary.overdue}
          </span>
          <span className="stat__label">Overdue</span>
          <span className="stat__sub">past their due date, not done</span>
        </Link>
        <div className="card stat">
          <span className="stat__value">{summary.doneLast90Days}</span>
          <span className="stat__label">Done in the last 90 days</span>
          <span className="stat__sub">{summary.byStatus.done} done in all</span>
        </div>
        <div className="card stat">
          <span className="stat__value">{pct(summary.onTime.share)}</span>
          <span className="stat__label">Done on time</span>
          <span className="stat__sub">
            {summary.onTime.onTime} of {summary.onTime.done} by their due date
          </span>
        </div>
        <div className="card stat cms-medians">
          <span className="stat__label">Median days to done</span>
          <dl>
            {COUNTERMEASURE_TYPES.map((t) => (
              <div key={t}>
                <dt>{TYPE_LABEL[t]}</dt>
                <dd>{summary.medianDaysToDone[t] === null ? "—" : `${Math.round(summary.medianDaysToDone[t] ?? 0)} d`}</dd>
              </div>
            ))}
          </dl>
        </div>
      </section>
      {data.scoped && <p className="small muted cms-scope-note">Figures and charts cover the {summary.total} countermeasures matching the owner, team, service, factor, type, severity and period filters.</p>}

      <div className="cms-charts">
        <section className="card" aria-labelledby="h-cms-monthly">
          <h2 id="h-cms-monthly">Open and done, last 12 months</h2>
          {summary.monthly.every((m) => m.done === 0 && m.open === 0) ? (
            <p className="muted">No countermeasure in the last 12 months yet. Each post-mortem&apos;s countermeasures are counted here, month by month.</p>
          ) : (
            <StackedBars
              title="Countermeasures open and done at the end of each month"
              data={summary.monthly.map((m) => ({ x: m.month, done: m.done, open: m.open }))}
              series={[
                { key: "done", label: "Done (cumulative)", color: "var(--chart-done)" },
                { key: "open", label: "Open or in progress", color: "var(--chart-open)" },
              ]}
              formatX={monthLabel}
              height={170}
            />
          )}
        </section>
        <section className="card" aria-labelledby="h-cms-teams">
          <h2 id="h-cms-teams">Overdue by team</h2>
          {summary.overdueByTeam.length === 0 ? (
            <p className="muted small">Nothing is overdue.</p>
          ) : (
            <TeamBars title="Overdue countermeasures per team" data={summary.overdueByTeam} />
          )}
        </section>
      </div>

      <FilterForm data={data} />

      <div className="cms-layout">
        <section className="card card--flush" aria-labelledby="h-cms-list">
          <h2 id="h-cms-list" className="cms-list-head">
            <span>
              {data.matching === data.total ? `All ${data.total} countermeasures` : `${data.matching} of ${data.total} countermeasures`}
            </span>
            <span className="small muted cms-list-sort">sorted by {filters.sort === "age" ? "age, oldest first" : filters.sort === "severity" ? "incident severity" : "due date"}
              {filters.status || filters.overdue || filters.breach || filters.outcome || filters.dueWithin !== undefined ? "" : ", open first"}</span>
          </h2>
          {data.page.pages > 1 && (
            <p className="small muted cms-limit">
              {data.matching} countermeasures, {data.items.length} a page; <a href={csvHref}>export all {data.matching} as CSV</a>.
            </p>
          )}
          {data.items.length === 0 ? (
            <div className="empty">
              <strong>No countermeasures match these filters.</strong>
              <Link href="/countermeasures">Clear the filters</Link> to see everything.
            </div>
          ) : data.groups ? (
            data.groups.map((g, i) => (
              <section key={g.key} className="cms-group" aria-labelledby={`cms-g-${i}`}>
                <h3 id={`cms-g-${i}`} className="cms-group__head">
                  {filters.group === "incident" ? <Link href={`/incidents/${g.key}`}>{g.label}</Link> : g.label}
                  <span className="cms-group__count">{g.items.length}</span>
                  {g.items.some((x) => x.overdue) && <span className="badge badge--overdue">{g.items.filter((x) => x.overdue).length} overdue</span>}
                </h3>
                <ItemList items={g.items} canEdit={data.canEdit} label={`Countermeasures: ${g.label}`} />
              </section>
            ))
          ) : (
            <ItemList items={data.items} canEdit={data.canEdit} label="Countermeasures" />
          )}
          {data.page.pages > 1 && (
            <div className="cms-pager">
              <Pager label="Countermeasure pages" page={data.page.page} pages={data.page.pages} first={data.page.first} last={data.page.last} total={data.matching} hrefFor={(n) => pageHref(data.query, n)} />
            </div>
          )}
        </section>
        <aside className="stack" aria-label="Policy and effectiveness">
          <BreachesCard data={data} />
          <EffectivenessCard data={data} />
        </aside>
      </div>
    </main>
  );
}

/** The dashboard at page `n` with the current filters (page 1 is the plain URL). */
function pageHref(query: string, n: number): string {
  const p = new URLSearchParams(query);
  if (n > 1) p.set("page", String(n));
  const qs = p.toString();
  return qs ? `/countermeasures?${qs}` : "/countermeasures";
}

function ItemList({ items, canEdit, label }: { items: CountermeasureItem[]; canEdit: boolean; label: string }) {
  return (
    <ul className="cms-list" aria-label={label}>
      {items.map((item) => (
        <CountermeasureListItem key={item.key} item={item} canEdit={canEdit} />
      ))}
    </ul>
  );
}

function Meter({ rate }: { rate: number | null }) {
  const width = rate === null ? 0 : Math.max(rate > 0 ? 4 : 0, Math.round(rate * 100));
  return (
    <span className="cms-meter" aria-hidden="true">
      <span style={{ width: `${width}%` }} />
    </span>
  );
}

function EffectivenessCard({ data }: { data: CountermeasuresPageData }) {
  const { byType, byCategory } = data.effectiveness;
  return (
    <section className="card" aria-labelledby="h-cms-eff">
      <h2 id="h-cms-eff">Effectiveness</h2>
      <p className="small muted">How often a factor came back in a later incident after a countermeasure addressing it was done.</p>
      <h3 className="cms-eff__head">By type</h3>
      <ul className="cms-eff">
        {byType.map((t) => (
          <li key={t.type}>
            {t.done === 0 ? (
              <span className="muted">{capitalize(t.type)}-type: none done yet</span>
            ) : (
              <>
                <span>{capitalize(t.text)}</span>
                <Meter rate={t.rate} />
              </>
            )}
          </li>
        ))}
      </ul>
      <h3 className="cms-eff__head">By factor category</h3>
      {byCategory.length === 0 ? (
        <p className="small muted">No done countermeasure addresses a factor yet.</p>
      ) : (
        <ul className="cms-eff">
          {byCategory.map((c) => (
            <li key={c.category}>
              <span>{capitalize(c.text)}</span>
              <Meter rate={c.rate} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function BreachesCard({ data }: { data: CountermeasuresPageData }) {
  const rows = data.breachesByTeam;
  return (
    <section className="card" aria-labelledby="h-cms-breaches">
      <h2 id="h-cms-breaches">Policy breaches by team</h2>
      {!data.hasPolicy ? (
        <p className="small muted">
          No follow-up policy yet. Set due-date targets by severity and whether done needs evidence under <code>followups:</code> in <code>kaizen.yml</code> (see the README).
        </p>
      ) : rows.length === 0 ? (
        <p className="small muted">Every countermeasure{data.scoped ? " in scope" : ""} meets the policy in kaizen.yml.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="cms-breach-table">
              <thead>
                <tr>
                  <th scope="col">Team</th>
                  <th scope="col" title="Due after the policy target">Due late</th>
                  <th scope="col" title="Still open after the policy target">Past target</th>
                  <th scope="col" title="Done without the evidence link the policy requires">No evidence</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.team}>
                    <th scope="row">
                      <Link href={`/countermeasures?${new URLSearchParams({ breach: "1", ...(t.team === "(no team)" ? {} : { team: t.team }) }).toString()}`}>{t.team}</Link>
                    </th>
                    <td>{t.byKind["due-beyond-target"]}</td>
                    <td>{t.byKind["past-target"]}</td>
                    <td>{t.byKind["missing-evidence"]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="small">
            <Link href="/countermeasures?breach=1">See every countermeasure breaking the policy</Link>
          </p>
        </>
      )}
    </section>
  );
}

function SubscribeDialog({ feed }: { feed: CalendarFeedLinks | null }) {
  return (
    <details className="cms-subscribe">
      <summary className="btn">Subscribe (calendar)</summary>
      <div className="cms-subscribe__panel" role="group" aria-label="Calendar feed">
        <strong>Due dates in your calendar</strong>
        {feed ? (
          <>
            <p className="small muted">Open countermeasures appear as all-day events on their due date. The address contains your personal token: do not share it.</p>
            {feed.mine && (
              <div className="field">
                <label htmlFor="cms-feed-mine">Your countermeasures (owner {feed.owner})</label>
                <input id="cms-feed-mine" type="text" readOnly value={feed.mine} />
              </div>
            )}
            <div className="field">
              <label htmlFor="cms-feed-all">Everything you can see</label>
              <input id="cms-feed-all" type="text" readOnly value={feed.all} />
            </div>
            <a className="small" href={feed.mine ?? feed.all}>
              Download the calendar file
            </a>
          </>
        ) : (
          <p className="small muted">Calendar feeds need a local Kaizen account; accounts from single sign-on do not have a feed token yet.</p>
        )}
      </div>
    </details>
  );
}

function FilterForm({ data }: { data: CountermeasuresPageData }) {
  const { filters, facets } = data;
  const dueOptions = filters.dueWithin !== undefined && !DUE_WITHIN.includes(filters.dueWithin) ? [...DUE_WITHIN, filters.dueWithin].sort((a, b) => a - b) : DUE_WITHIN;
  return (
    <form className="card cms-filters" method="get" action="/countermeasures" aria-label="Filter countermeasures">
      <div className="filters">
        <fieldset className="field field--wide cms-fieldset">
          <legend className="label">Status</legend>
          <div className="checks">
            {COUNTERMEASURE_STATUSES.map((s) => (
              <label key={s}>
                <input type="checkbox" name="status" value={s} defaultChecked={filters.status?.includes(s) ?? false} /> {STATUS_LABEL[s]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field field--wide cms-fieldset">
          <legend className="label">Type</legend>
          <div className="checks">
            {COUNTERMEASURE_TYPES.map((t) => (
              <label key={t}>
                <input type="checkbox" name="type" value={t} defaultChecked={filters.type?.includes(t) ?? false} /> {TYPE_LABEL[t]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field field--wide cms-fieldset">
          <legend className="label">Outcome (done)</legend>
          <div className="checks">
            {VERIFICATIONS.map((v) => (
              <label key={v}>
                <input type="checkbox" name="outcome" value={v} defaultChecked={filters.outcome?.includes(v) ?? false} /> {OUTCOME_LABEL[v]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field field--wide cms-fieldset">
          <legend className="label">Incident severity</legend>
          <div className="checks">
            {SEVERITIES.map((s) => (
              <label key={s}>
                <input type="checkbox" name="severity" value={s} defaultChecked={filters.severity?.includes(s) ?? false} /> {s}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field cms-fieldset">
          <legend className="label">Due</legend>
          <div className="checks">
            <label>
              <input type="checkbox" name="overdue" value="1" defaultChecked={filters.overdue ?? false} /> Overdue only
            </label>
            <label>
              <input type="checkbox" name="breach" value="1" defaultChecked={filters.breach ?? false} /> Breaking the policy
            </label>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="f-due-within">Due within</label>
          <select id="f-due-within" name="dueWithin" defaultValue={filters.dueWithin?.toString() ?? ""}>
            <option value="">Any time</option>
            {dueOptions.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </div>
        <SelectField id="f-owner" name="owner" label="Owner" value={filters.owner} anyLabel="Anyone" options={facets.owners} />
        <SelectField id="f-team" name="team" label="Team" value={filters.team} options={facets.teams} />
        <SelectField id="f-service" name="service" label="Service" value={filters.service} options={facets.services} />
        <SelectField id="f-factor" name="factor" label="Factor addressed" value={filters.factor} options={facets.factors.map((f) => ({ value: f.id, label: f.name }))} />
        <DateRangeFields idPrefix="f" from={{ name: "createdFrom", label: "Created from", value: filters.createdFrom }} to={{ name: "createdTo", label: "Created until", value: filters.createdTo }} />
        <div className="field">
          <label htmlFor="f-sort">Sort by</label>
          <select id="f-sort" name="sort" defaultValue={filters.sort ?? "due"}>
            <option value="due">Due date</option>
            <option value="age">Age (oldest first)</option>
            <option value="severity">Incident severity</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-group">Group by</label>
          <select id="f-group" name="group" defaultValue={filters.group ?? ""}>
            <option value="">No grouping</option>
            <option value="owner">Owner</option>
            <option value="team">Team</option>
            <option value="incident">Incident</option>
          </select>
        </div>
        <div className="filters__actions">
          <button className="btn btn--primary" type="submit">
            Apply
          </button>
          {(data.activeFilters > 0 || filters.sort || filters.group) && (
            <Link className="btn" href="/countermeasures">
              Clear
            </Link>
          )}
        </div>
      </div>
    </form>
  );
}
