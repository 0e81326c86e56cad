import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { searchFor, SEARCH_PAGE_SIZE, type SearchPageData } from "@/lib/pages/search";
import { SearchView } from "./search-view";
import "./search.css";

export const metadata: Metadata = { title: "Search" };

export default async function SearchPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const q = (sp.q ?? "").slice(0, 500);
  const viewer = await requireViewer(`/search${q ? `?q=${encodeURIComponent(q)}` : ""}`);
  const page = Math.max(1, Number(sp.page ?? 1) || 1);
  let initial: SearchPageData | null = null;
  let error: string | null = null;
  try {
    initial = await searchFor(viewer, q, { limit: SEARCH_PAGE_SIZE, offset: (page - 1) * SEARCH_PAGE_SIZE, asYouType: false });
  } catch (err) {
    if (!isAppError(err)) throw err;
    error = err.message;
  }
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Search</div>
          <h1>Has this happened before?</h1>
          <p>Describe what you see in your own words: symptoms, services, error messages.</p>
        </div>
      </div>
      <SearchView initialQuery={q} initialPage={page} initial={initial} initialError={error} />
    </main>
  );
}
