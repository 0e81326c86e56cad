import type { Root } from "hast";
import type { ReactElement, ReactNode } from "react";
import { formatDuration, incidentMetrics } from "../knowledge/metrics";
import type { TocEntry } from "../mdx/compile";
import { renderInline } from "../mdx/inline-render";
import { MdxContent } from "../mdx/render";
import type { IncidentFrontmatter } from "../schema/incident";
import { sitePath } from "./links";
import { formatDate, formatDateTime } from "../knowledge/dates";
import { startedAt } from "../knowledge/facts";

// The exported site's pages: plain server-rendered React (renderToStaticMarkup), with the app's class names so the
// app's CSS gives them the app's design, and the app's MdxContent for the write-up. No client React: the only script
// is the search.

/** What every page knows about the export. */
export interface SiteMeta {
  title: string;
  mode: "public" | "internal";
  /** Internal exports: who it was made for ("user ana", "group security"). */
  audience?: string;
  /** ISO date-time the export was made. */
  generatedAt: string;
}

export interface FactorView {
  id: string;
  name: string;
  category: string;
  note?: string;
  internal?: boolean;
}

/** One incident as a page shows it: its (public or internal) frontmatter, compiled body with site links, factors. */
export interface IncidentView {
  id: string;
  frontmatter: IncidentFrontmatter;
  hast: Root;
  toc: TocEntry[];
  factors: FactorView[];
}

export interface FactorPageView {
  id: string;
  name: string;
  category: string;
  description: string;
  incidents: IncidentView[];
}

const STATUS_LABEL: Record<string, string> = { draft: "Draft", "in-review": "In review", published: "Published", open: "Open", "in-progress": "In progress", done: "Done", "wont-do": "Won't do" };

function Badge({ kind, children }: { kind: string; children: ReactNode }) {
  return <span className={`badge badge--${kind}`}>{children}</span>;
}

function InternalChip({ show }: { show: boolean | undefined }) {
  return show ? <span className="chip chip--internal">internal</span> : null;
}

/** The document around every page; `depth` is how many folders below the site root the page lives. */
export function Shell({ meta, depth, title, children }: { meta: SiteMeta; depth: number; title: string; children: ReactNode }): ReactElement {
  const up = "../".repeat(depth);
  return (
    <html lang="en">
      {/* A static file, not a Next.js page: next/head has nothing to attach to here. */}
      {/* eslint-disable-next-line @next/next/no-head-element */}
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="generator" content="Kaizen export" />
        {meta.mode === "internal" && <meta name="robots" content="noindex, nofollow" />}
        <title>{title === meta.title ? title : `${title} · ${meta.title}`}</title>
        <link rel="stylesheet" href={`${up}assets/kaizen.css`} />
        <link rel="alternate" type="application/atom+xml" title={meta.title} href={`${up}${sitePath.feed()}`} />
      </head>
      <body className={`export export--${meta.mode}`}>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="site-header__inner">
            <a href={`${up}${sitePath.index()}`} className="brand">
              <span className="brand__mark" aria-hidden="true">
                <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round">
                  <path d="M3 18h5v-5h5V8h5V4" />
                  <path d="M15 4h3v3" />
                </svg>
              </span>
              {meta.title}
            </a>
            <nav className="nav" aria-label="Site">
              <a href={`${up}${sitePath.index()}`}>Post-mortems</a>
              <a href={`${up}${sitePath.factors()}`}>Contributing factors</a>
              <a href={`${up}${sitePath.feed()}`}>Feed</a>
            </nav>
            <form className="header-search" role="search" action={`${up}${sitePath.index()}`} method="get">
              <label htmlFor="site-q" className="visually-hidden">
                Search post-mortems
              </label>
              <input id="site-q" type="search" name="q" placeholder="Search post-mortems" autoComplete="off" />
            </form>
          </div>
        </header>
        {meta.mode === "internal" && (
          <div className="export-banner" role="note">
            Internal copy, read-only{meta.audience ? `: what ${meta.audience} may read` : ""}. Exported {formatDateTime(meta.generatedAt)}. Do not share outside the company.
          </div>
        )}
        {children}
        <footer className="export-footer">
          <p>
            {meta.mode === "public"
              ? "Blameless post-mortems: what happened, why it made sense at the time, and what we changed."
              : "Exported from Kaizen. Links to incidents outside this copy are shown as plain text."}{" "}
            Generated {formatDate(meta.generatedAt)} · <a href={`${up}${sitePath.feed()}`}>Atom feed</a>
          </p>
        </footer>
        <script src={`${up}assets/flexsearch.bundle.min.js`} defer />
        <script src={`${up}assets/search-index.js`} defer />
        <script src={`${up}assets/search.js`} defer />
      </body>
    </html>
  );
}

function IncidentRow({ incident, up }: { incident: IncidentView; up: string }) {
  const fm = incident.frontmatter;
  return (
    <li className="incident-row export-row">
      <div>
        <a className="incident-row__title" href={`${up}${sitePath.incident(incident.id)}`}>
          {fm.title}
        </a>
        {fm.summary && <p className="incident-row__summary">{renderInline(fm.summary)}</p>}
        <div className="incident-row__meta row">
          {fm.severity && <Badge kind={fm.severity}>{fm.severity}</Badge>}
          {fm.kind === "near-miss" && <Badge kind="near-miss">Near miss</Badge>}
          {fm.visibility === "restricted" && <Badge kind="restricted">Restricted</Badge>}
          {fm.services.map((s) => (
            <span key={s} className="chip">
              {s}
            </span>
          ))}
        </div>
      </div>
      <time className="incident-row__date" dateTime={startedAt({ frontmatter: fm }) ?? undefined}>
        {formatDate(startedAt({ frontmatter: fm }))}
      </time>
    </li>
  );
}

/** index.html: the search box and every exported incident, newest first. */
export function IndexPage({ meta, incidents, factorCount }: { meta: SiteMeta; incidents: IncidentView[]; factorCount: number }): ReactElement {
  return (
    <Shell meta={meta} depth={0} title={meta.title}>
      <main id="main">
        <div className="page-head export-hero">
          <p className="eyebrow">{meta.mode === "public" ? "Engineering" : "Internal copy"}</p>
          <h1>{meta.mode === "public" ? "Post-mortems" : "Post-mortems (read-only copy)"}</h1>
          <p>
            {incidents.length} {incidents.length === 1 ? "incident" : "incidents"} and {factorCount} contributing {factorCount === 1 ? "factor" : "factors"}. We write these
            blameless: systems and decisions, not people.
          </p>
        </div>
        <section className="card export-search" aria-labelledby="h-search">
          <h2 id="h-search" className="visually-hidden">
            Search
          </h2>
          <label htmlFor="q" className="visually-hidden">
            Search words or &quot;exact phrases&quot;
          </label>
          <input id="q" type="search" name="q" placeholder='Search words or "exact phrases", e.g. certificate expiry' autoComplete="off" />
          <p className="small muted export-search__hint">
            Words must all match; <code>&quot;quotes&quot;</code> for a phrase, <code>-word</code> to exclude, <code>severity:SEV1</code>, <code>service:…</code>,{" "}
            <code>factor:…</code> to filter. Works offline.
          </p>
          <div id="search-status" className="small muted" aria-live="polite" />
          <ol id="search-results" className="incident-list export-results" aria-label="Search results" hidden />
        </section>
        <section aria-labelledby="h-all" id="all-incidents">
          <h2 id="h-all" className="export-section-title">
            All post-mortems
          </h2>
          <ol className="incident-list card card--flush">
            {incidents.map((i) => (
              <IncidentRow key={i.id} incident={i} up="" />
            ))}
          </ol>
        </section>
      </main>
    </Shell>
  );
}

/** incidents/<id>.html: the post-mortem, laid out like the app's incident page (without anything that edits). */
export function IncidentPage({ meta, incident }: { meta: SiteMeta; incident: IncidentView }): ReactElement {
  const fm = incident.frontmatter;
  const m = incidentMetrics(fm);
  const internal = meta.mode === "internal";
  return (
    <Shell meta={meta} depth={1} title={fm.title}>
      <main id="main">
        <p className="back-link">
          <a href={`../${sitePath.index()}`}>← All post-mortems</a>
        </p>
        <div className="incident-head">
          <div className="row">
            {fm.severity && <Badge kind={fm.severity}>{fm.severity}</Badge>}
            {internal && <Badge kind={fm.status}>{STATUS_LABEL[fm.status] ?? fm.status}</Badge>}
            {fm.kind === "near-miss" && <Badge kind="near-miss">Near miss</Badge>}
            {fm.visibility === "restricted" && <Badge kind="restricted">Restricted: {fm.groups.join(", ")}</Badge>}
            <time className="muted small" dateTime={startedAt({ frontmatter: fm }) ?? undefined}>
              {formatDate(startedAt({ frontmatter: fm }))}
            </time>
          </div>
          <h1>{fm.title}</h1>
          {fm.summary && <p className="summary-lead">{renderInline(fm.summary)}</p>}
        </div>
        <div className="grid grid-main">
          <div className="stack">
            <section className="card" aria-labelledby="h-facts">
              <h2 id="h-facts" className="visually-hidden">
                Key facts
              </h2>
              <div className="metrics">
                {(
                  [
                    ["Time to detect", m.timeToDetect],
                    ["Time to mitigate", m.timeToMitigate],
                    ["Time to resolve", m.timeToResolve],
                  ] as const
                ).map(([label, v]) => (
                  <div key={label} className="metric-box">
                    <div className="metric-box__value">{formatDuration(v)}</div>
                    <div className="metric-box__label">{label}</div>
                  </div>
                ))}
              </div>
              <dl className="meta-grid">
                <div>
                  <dt>Started</dt>
                  <dd>{formatDateTime(fm.started_at)}</dd>
                </div>
                <div>
                  <dt>Resolved</dt>
                  <dd>{formatDateTime(fm.resolved_at)}</dd>
                </div>
                <div>
                  <dt>Services</dt>
                  <dd className="row">{fm.services.length ? fm.services.map((s) => <span key={s} className="chip">{s}</span>) : "—"}</dd>
                </div>
                {internal && (
                  <div>
                    <dt>Authors</dt>
                    <dd>{fm.authors.join(", ") || "—"}</dd>
                  </div>
                )}
              </dl>
              {fm.impact && (
                <>
                  <h3 className="export-impact">Impact</h3>
                  <p className="export-impact__text">{renderInline(fm.impact)}</p>
                </>
              )}
            </section>
            <section className="card" aria-labelledby="h-timeline">
              <h2 id="h-timeline">Timeline</h2>
              {fm.timeline.length === 0 ? (
                <p className="muted">No timeline recorded.</p>
              ) : (
                <ol className="tl-list" aria-label="Timeline events">
                  {fm.timeline.map((e, i) => (
                    <li key={i} className="tl-item">
                      <time className="tl-item__time" dateTime={e.at}>
                        {formatDateTime(e.at)}
                      </time>
                      <span className={`tl-item__dot k-${e.kind ?? "note"}`} aria-hidden="true" />
                      <div>
                        <span className={`tl-item__kind k-${e.kind ?? "note"}`}>{e.kind ?? "note"}</span>
                        {renderInline(e.event)} <InternalChip show={internal && e.internal} />
                      </div>
                    </li>
                  ))}
                </ol>
              )}
            </section>
            <section className="card" aria-labelledby="h-factors">
              <h2 id="h-factors">Contributing factors</h2>
              {incident.factors.length === 0 ? (
                <p className="muted">No contributing factors recorded.</p>
              ) : (
                <ul className="factor-list">
                  {incident.factors.map((f) => (
                    <li key={f.id}>
                      <div className="row">
                        <a href={`../${sitePath.factor(f.id)}`} className="export-factor-link">
                          {f.name}
                        </a>
                        {f.category && <span className="chip">{f.category}</span>}
                        <InternalChip show={internal && f.internal} />
                      </div>
                      {f.note && <p className="small export-note">{renderInline(f.note)}</p>}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="card" aria-labelledby="h-cms">
              <h2 id="h-cms">What we changed</h2>
              {fm.countermeasures.length === 0 ? (
                <p className="muted">No countermeasures recorded.</p>
              ) : (
                <div className="table-wrap">
                  <table className="table table--stack">
                    <thead>
                      <tr>
                        <th scope="col">Countermeasure</th>
                        <th scope="col">Type</th>
                        {internal && <th scope="col">Owner</th>}
                        <th scope="col">Due</th>
                        <th scope="col">Status</th>
                      </tr>
                    </thead>
                    <tbody>
                      {fm.countermeasures.map((c) => (
                        <tr key={c.id}>
                          <td data-label="Countermeasure">
                            <strong>{renderInline(c.title)}</strong> <InternalChip show={internal && c.internal} />
                            {internal && c.ticket && <div className="small muted">{c.ticket}</div>}
                          </td>
                          <td data-label="Type" className="export-cap">
                            {c.type}
                          </td>
                          {internal && <td data-label="Owner">{c.owner}</td>}
                          <td data-label="Due">{c.status === "done" && c.done_at ? `done ${formatDate(c.done_at)}` : formatDate(c.due)}</td>
                          <td data-label="Status">
                            <Badge kind={c.status}>{STATUS_LABEL[c.status] ?? c.status}</Badge>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
            <article className="card prose" aria-label="Post-mortem">
              <MdxContent hast={incident.hast} />
            </article>
          </div>
          <aside className="stack toc">
            <nav className="card" aria-label="On this page">
              <h2 className="export-toc-title">On this page</h2>
              <ol>
                <li>
                  <a href="#h-timeline">Timeline</a>
                </li>
                <li>
                  <a href="#h-factors">Contributing factors</a>
                </li>
                <li>
                  <a href="#h-cms">What we changed</a>
                </li>
                {incident.toc.map((t) => (
                  <li key={t.id} className={`depth-${t.depth}`}>
                    <a href={`#${t.id}`}>{t.text}</a>
                  </li>
                ))}
              </ol>
            </nav>
          </aside>
        </div>
      </main>
    </Shell>
  );
}

/** factors/index.html: every factor that appears in the export, by category. */
export function FactorsPage({ meta, factors }: { meta: SiteMeta; factors: FactorPageView[] }): ReactElement {
  const categories = [...new Set(factors.map((f) => f.category))].sort();
  return (
    <Shell meta={meta} depth={1} title="Contributing factors">
      <main id="main">
        <div className="page-head">
          <h1>Contributing factors</h1>
          <p>The conditions that made these incidents possible, and how often each one appears.</p>
        </div>
        <div className="grid grid-2">
          {categories.map((c) => (
            <section key={c} className="card" aria-label={c}>
              <h2>{c}</h2>
              <ul className="factor-list">
                {factors
                  .filter((f) => f.category === c)
                  .map((f) => (
                    <li key={f.id} className="row">
                      <a href={`../${sitePath.factor(f.id)}`} className="export-factor-link">
                        {f.name}
                      </a>
                      <span className="spacer" />
                      <span className="muted small">
                        {f.incidents.length} {f.incidents.length === 1 ? "incident" : "incidents"}
                      </span>
                    </li>
                  ))}
              </ul>
            </section>
          ))}
        </div>
      </main>
    </Shell>
  );
}

/** factors/<id>.html: a factor, its description and the exported incidents it contributed to. */
export function FactorPage({ meta, factor }: { meta: SiteMeta; factor: FactorPageView }): ReactElement {
  return (
    <Shell meta={meta} depth={1} title={factor.name}>
      <main id="main">
        <p className="back-link">
          <a href={`../${sitePath.factors()}`}>← All contributing factors</a>
        </p>
        <div className="page-head">
          <p className="eyebrow">{factor.category}</p>
          <h1>{factor.name}</h1>
          {factor.description && <p>{factor.description}</p>}
        </div>
        <section aria-labelledby="h-incidents">
          <h2 id="h-incidents" className="export-section-title">
            {factor.incidents.length} {factor.incidents.length === 1 ? "incident" : "incidents"}
          </h2>
          <ol className="incident-list card card--flush">
            {factor.incidents.map((i) => (
              <IncidentRow key={i.id} incident={i} up="../" />
            ))}
          </ol>
        </section>
      </main>
    </Shell>
  );
}
