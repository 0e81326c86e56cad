import Link from "next/link";
import "./incidents.css";

const number = new Intl.NumberFormat("en-US");

/** Page numbers around the current one, with the first and last: 1 … 4 5 [6] 7 8 … 200. */
function pageWindow(page: number, pages: number): (number | "gap")[] {
  const shown = new Set([1, pages]);
  for (let n = page - 2; n <= page + 2; n++) if (n >= 1 && n <= pages) shown.add(n);
  const out: (number | "gap")[] = [];
  let prev = 0;
  for (const n of [...shown].sort((a, b) => a - b)) {
    if (n - prev > 1) out.push("gap");
    out.push(n);
    prev = n;
  }
  return out;
}

/** "Showing 51–100 of 9,873" with links to the other pages of a server-rendered list (hrefFor keeps the filters). */
export function Pager({ page, pages, first, last, total, hrefFor, label = "Incident pages" }: { page: number; pages: number; first: number; last: number; total: number; hrefFor: (page: number) => string; label?: string }) {
  return (
    <nav className="incidents-pager" aria-label={label}>
      <p className="incidents-pager__status small muted" aria-live="polite">
        Showing {number.format(first)}–{number.format(last)} of {number.format(total)}
      </p>
      {pages > 1 && (
        <ul className="incidents-pager__links">
          <li>
            {page > 1 ? (
              <Link className="btn btn--small" href={hrefFor(page - 1)} rel="prev" aria-label="Previous page">
                ←<span className="incidents-pager__label"> Previous</span>
              </Link>
            ) : (
              <span className="btn btn--small" aria-disabled="true" aria-label="Previous page">
                ←<span className="incidents-pager__label"> Previous</span>
              </span>
            )}
          </li>
          {pageWindow(page, pages).map((n, i) =>
            n === "gap" ? (
              <li key={`gap-${i}`} className="incidents-pager__gap" aria-hidden="true">
                …
              </li>
            ) : (
              <li key={n}>
                <Link className={`incidents-pager__page${n === page ? " is-current" : ""}`} href={hrefFor(n)} aria-current={n === page ? "page" : undefined} aria-label={`Page ${n}`}>
                  {number.format(n)}
                </Link>
              </li>
            ),
          )}
          <li>
            {page < pages ? (
              <Link className="btn btn--small" href={hrefFor(page + 1)} rel="next" aria-label="Next page">
                <span className="incidents-pager__label">Next </span>→
              </Link>
            ) : (
              <span className="btn btn--small" aria-disabled="true" aria-label="Next page">
                <span className="incidents-pager__label">Next </span>→
              </span>
            )}
          </li>
        </ul>
      )}
    </nav>
  );
}
