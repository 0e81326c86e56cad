import "server-only";
import type { Limiter } from "../auth/rate-limit";
import type { Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { AppError } from "../errors";
import { MAX_QUERY_LENGTH, search, visibleTo, type SearchResponse } from "../search";
import { getSearchIndex } from "../search/service";
import { rateLimiter } from "../shared-state/limits";
import { defaultTimeZone } from "../knowledge/dates";

// 240 searches a minute per user is far above typing speed with debouncing, and far below a scraper's rate.
// KAIZEN_SEARCH_RATE raises it for load tests (`npm run bench:http`).
const perMinute = Number(process.env.KAIZEN_SEARCH_RATE ?? 240) || 240;
// Shared by the replicas with KAIZEN_REDIS_URL; while Redis is down each replica counts on its own (reading goes on).
// Made on first use, so that neither importing this module nor a build opens a connection.
let limiter: Limiter | null = null;

export const SEARCH_PAGE_SIZE = 20;

export interface SearchPageData extends SearchResponse {
  query: string;
  limit: number;
  offset: number;
  /** Display names for factor facet ids. */
  factorNames: Record<string, string>;
  /** The organization's time zone, so the browser shows result dates as the server does. */
  timeZone: string;
}

/** Runs a search for this viewer: restricted incidents are filtered before scoring, totals and facets. */
export async function searchFor(viewer: Viewer, query: string, opts: { limit?: number; offset?: number; asYouType?: boolean } = {}): Promise<SearchPageData> {
  limiter ??= rateLimiter("search", perMinute, perMinute, "local");
  const allowed = await limiter.attempt(viewer.id);
  if (!allowed.ok) throw new AppError("too_many_requests", `too many searches; try again in ${allowed.retryAfter} s`);
  if (query.length > MAX_QUERY_LENGTH) throw new AppError("bad_request", `queries are limited to ${MAX_QUERY_LENGTH} characters`);
  const limit = Math.min(100, Math.max(1, Math.floor(opts.limit ?? SEARCH_PAGE_SIZE)));
  const offset = Math.min(10_000, Math.max(0, Math.floor(opts.offset ?? 0)));
  const store = getStore();
  const snapshot = await store.snapshot();
  const index = await getSearchIndex(store);
  const empty: SearchResponse = { total: 0, results: [], facets: { severity: {}, status: {}, kind: {}, service: {}, team: {}, factor: {}, tag: {} }, errors: [] };
  const res = query.trim() ? search(index, query, { limit, offset, canSee: visibleTo(viewer, snapshot), prefixLast: opts.asYouType ?? true }) : empty;
  const factorNames: Record<string, string> = {};
  for (const id of Object.keys(res.facets.factor ?? {})) factorNames[id] = snapshot.taxonomy.get(id)?.name ?? id;
  return { ...res, query, limit, offset, factorNames, timeZone: defaultTimeZone() };
}
