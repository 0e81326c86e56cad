"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { SearchPageData } from "@/lib/pages/search";
import { formatDate } from "@/lib/knowledge/dates";
import { facetValueLabel } from "./facet-labels";

type Segment = { text: string; hit: boolean };

const FACET_LABELS: Record<string, string> = { severity: "Severity", status: "Status", kind: "Kind", team: "Team", service: "Service", factor: "Contributing factor", tag: "Tag" };
const FACET_ORDER = ["severity", "status", "kind", "team", "service", "factor", "tag"] as const;
const EXAMPLES = ["redis failover", "certificate expired", "retry storm", "severity:SEV1 team:payments", '"connection pool"', "factor:alert-fatigue after:2026-01-01"];

function Highlighted({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </>
  );
}

function queryHas(q: string, token: string): boolean {
  return q.split(/\s+/).includes(token);
}

/** Search as you type: debounced requests, the URL follows the query, facets refine it, arrows move through results. */
export function SearchView({ initialQuery, initialPage, initial, initialError }: { initialQuery: string; initialPage: number; initial: SearchPageData | null; initialError: string | null }) {
  const router = useRouter();
  const [q, setQ] = useState(initialQuery);
  const [page, setPage] = useState(initialPage);
  const [data, setData] = useState<SearchPageData | null>(initial);
  const [error, setError] = useState<string | null>(initialError);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(-1);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const seq = useRef(0);
  const first = useRef(true);

  const run = useCallback(
    async (query: string, p: number, typing: boolean) => {
      const my = ++seq.current;
      setLoading(true);
      try {
        const res = await fetch(`/api/search?q=${encodeURIComponent(query)}&limit=20&offset=${(p - 1) * 20}${typing ? "&typing=1" : ""}`, { headers: { Accept: "application/json" } });
        const body = await res.json();
        if (my !== seq.current) return;
        if (!res.ok) {
          setError(body.message ?? "Search failed. Try again.");
          return;
        }
        setError(null);
        setData(body as SearchPageData);
        setActive(-1);
      } catch {
        if (my === seq.current) setError("Search is unreachable right now. Check your connection and try again.");
      } finally {
        if (my === seq.current) setLoading(false);
      }
    },
    [],
  );

  useEffect(() => {
    if (first.current) {
      first.current = false;
      inputRef.current?.focus();
      return;
    }
    const t = setTimeout(() => {
      const params = new URLSearchParams();
      if (q.trim()) params.set("q", q);
      if (page > 1) params.set("page", String(page));
      router.replace(`/search${params.size ? `?${params}` : ""}`, { scroll: false });
      void run(q, page, true);
    }, 160);
    return () => clearTimeout(t);
  }, [q, page, router, run]);

  function toggleFilter(token: string) {
    const has = queryHas(q, token);
    setQ(has ? q.split(/\s+/).filter((t) => t !== token).join(" ") : `${q.trim()} ${token}`.trim());
    setPage(1);
  }

  function onKeyDown(e: React.KeyboardEvent) {
    const n = data?.results.length ?? 0;
    if (e.key === "ArrowDown" && n) {
      e.preventDefault();
      setActive((a) => Math.min(n - 1, a + 1));
    } else if (e.key === "ArrowUp" && n) {
      e.preventDefault();
      setActive((a) => Math.max(-1, a - 1));
    } else if (e.key === "Enter" && active >= 0 && data?.results[active]) {
      e.preventDefault();
      router.push(`/incidents/${data.results[active].id}`);
    } else if (e.key === "Escape") {
      setQ("");
      setPage(1);
    }
  }

  useEffect(() => {
    if (active >= 0) listRef.current?.querySelectorAll("li")[active]?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const results = data?.results ?? [];
  const total = data?.total ?? 0;
  const pages = Math.ceil(total / 20);
  const hasQuery = q.trim().length > 0;

  return (
    <div className="search-layout">
      <div className="search-main">
        <div className="search-box" role="search">
          <label htmlFor="search-q" className="visually-hidden">
            Search incidents
          </label>
          <input
            id="search-q"
            ref={inputRef}
            type="search"
            value={q}
            maxLength={500}
            autoComplete="off"
            placeholder="e.g. checkout 5xx after a deploy, or factor:retry-storm"
            onChange={(e) => {
              setQ(e.target.value);
              setPage(1);
            }}
            onKeyDown={onKeyDown}
            aria-controls="search-results"
          />
          {loading && <span className="search-box__spinner" aria-hidden="true" />}
        </div>
        <p className="search-status" role="status" aria-live="polite">
          {error ? "" : hasQuery ? `${total} result${total === 1 ? "" : "s"}${pages > 1 ? ` · page ${page} of ${pages}` : ""}` : ""}
        </p>
        {error && (
          <div className="alert alert--warn" role="alert">
            {error}
          </div>
        )}
        {data?.errors.length ? (
          <div className="alert alert--warn" role="alert">
            {data.errors.map((m) => (
              <div key={m}>{m}</div>
            ))}
          </div>
        ) : null}
        {!hasQuery && (
          <div className="card search-empty">
            <strong>Start typing to search every post-mortem you may read.</strong>
            <p className="muted small">Results appear as you type. Press / or Ctrl-K anywhere to jump here from the header box.</p>
            <div className="search-examples">
              {EXAMPLES.map((ex) => (
                <button key={ex} type="button" className="chip" onClick={() => setQ(ex)}>
                  {ex}
                </button>
              ))}
            </div>
            <details className="small">
              <summary>Query syntax</summary>
              <ul>
                <li>
                  <code>&quot;exact phrase&quot;</code>, <code>-exclude</code>, <code>prefix*</code>
                </li>
                <li>
                  <code>severity:SEV1</code> <code>status:published</code> <code>kind:near-miss</code> <code>service:checkout-api</code> <code>team:payments</code> <code>factor:retry-storm</code> <code>tag:dns</code>
                </li>
                <li>
                  <code>after:2026-01-01</code> <code>before:2026-06-30</code> (when the incident started)
                </li>
              </ul>
            </details>
          </div>
        )}
        {hasQuery && !error && results.length === 0 && !loading && (
          <div className="card search-empty">
            <strong>No incident matches “{q}”.</strong>
            {data?.didYouMean ? (
              <p>
                Did you mean{" "}
                <button type="button" className="linklike" onClick={() => setQ(data.didYouMean!)}>
                  {data.didYouMean}
                </button>
                ?
              </p>
            ) : (
              <p className="muted small">Try fewer or other words, remove a filter, or describe the symptom instead of the cause.</p>
            )}
          </div>
        )}
        {results.length > 0 && (
          <ol id="search-results" className="search-results" ref={listRef} aria-label="Search results">
            {results.map((r, i) => (
              <li key={r.id} id={`result-${i}`} className={i === active ? "is-active" : undefined} aria-current={i === active ? "true" : undefined}>
                <div className="row">
                  <span className={`badge badge--${r.severity ?? "none"}`}>{r.severity ?? "—"}</span>
                  {r.kind === "near-miss" && <span className="badge badge--near-miss">Near miss</span>}
                  {r.status !== "published" && <span className={`badge badge--${r.status}`}>{r.status}</span>}
                  <span className="small muted">{r.started_at ? formatDate(r.started_at, data?.timeZone ?? "UTC") : ""}</span>
                </div>
                <Link className="search-result__title" href={`/incidents/${r.id}`}>
                  <Highlighted segments={r.titleSegments} />
                </Link>
                <p className="search-result__snippet">
                  <Highlighted segments={r.snippet} />
                </p>
                {r.why.length > 0 && (
                  <div className="search-result__why" role="group" aria-label="Why it matched">
                    {r.why.map((w) => (
                      <span key={w} className="chip chip--why">
                        {w}
                      </span>
                    ))}
                  </div>
                )}
                <div className="row small muted">
                  {r.teams.map((t) => (
                    <span key={t} className="chip">
                      {t}
                    </span>
                  ))}
                  {r.services.slice(0, 3).map((s) => (
                    <span key={s} className="chip chip--ghost">
                      {s}
                    </span>
                  ))}
                </div>
              </li>
            ))}
          </ol>
        )}
        {pages > 1 && (
          <nav className="search-pages" aria-label="Result pages">
            <button type="button" className="btn btn--small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              ← Previous
            </button>
            <span className="small muted">
              Page {page} of {pages}
            </span>
            <button type="button" className="btn btn--small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next →
            </button>
          </nav>
        )}
      </div>
      {hasQuery && data && total > 0 && (
        <aside className="search-facets" aria-label="Refine results">
          {FACET_ORDER.map((f) => {
            const values = Object.entries(data.facets[f] ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 8);
            if (values.length === 0) return null;
            return (
              <section key={f} className="card search-facet" aria-label={FACET_LABELS[f]}>
                <h2>{FACET_LABELS[f]}</h2>
                <ul>
                  {values.map(([v, n]) => {
                    const token = `${f}:${v}`;
                    const on = queryHas(q, token);
                    return (
                      <li key={v}>
                        <button type="button" className={on ? "is-on" : undefined} aria-pressed={on} onClick={() => toggleFilter(token)}>
                          <span>{facetValueLabel(f, v, data.factorNames)}</span>
                          <span className="search-facet__n">{n}</span>
                        </button>
                      </li>
                    );
                  })}
                </ul>
              </section>
            );
          })}
        </aside>
      )}
    </div>
  );
}
