import "server-only";
import type { Limiter } from "../auth/rate-limit";
import type { Viewer } from "../auth/viewer";
import { getStore } from "../content";
import type { Snapshot } from "../content/store";
import { AppError } from "../errors";
import { MAX_QUERY_LENGTH, accessKey, search, visibleTo, type SearchResponse } from "../search";
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
export async function searchFor(viewer: Viewer, query: string, opts: SearchOptions = {}): Promise<SearchPageData> {
  const q = await checked(viewer, query, opts);
  const snapshot = await getStore().snapshot();
  return run(viewer, snapshot, q);
}

// The serialized answers of recent API searches. A key holds what the viewer may read (accessKey: admin, or the set of
// groups; an answer depends on the viewer through nothing else), the query and its paging, and the snapshot version
// the index was synced to, so a save, a pull or a changed taxonomy starts new keys, and a viewer only ever gets an
// answer computed for someone who may read exactly the same incidents: a popular query is searched once per team
// and access level, not once per person. Bounded by count and bytes
// (a 100-result answer is tens of kB); entries also expire, so nothing stale outlives a minute whatever changes.
const ANSWERS_MAX = 1000;
const ANSWERS_MAX_BYTES = 32 * 1024 * 1024;
const ANSWER_TTL_MS = 60_000;
const answers = new Map<string, { json: string; until: number }>();
let answerBytes = 0;

/**
 * `GET /api/search`'s body for this viewer, as JSON text: the same answer as searchFor, and a repeated query (paging
 * back, a query typed again, several tabs) is answered from the cache above without searching or serializing again.
 * The rate limit and the checks run on every call.
 */
export async function searchJsonFor(viewer: Viewer, query: string, opts: SearchOptions = {}): Promise<string> {
  const q = await checked(viewer, query, opts);
  const store = getStore();
  const snapshot = await store.snapshot();
  const key = JSON.stringify([snapshot.version, accessKey(viewer), q.query, q.limit, q.offset, q.asYouType]);
  const now = Date.now();
  const hit = answers.get(key);
  if (hit && hit.until > now) {
    // Most recently used last: the first key is the one to drop.
    answers.delete(key);
    answers.set(key, hit);
    return hit.json;
  }
  if (hit) forget(key);
  const json = JSON.stringify(await run(viewer, snapshot, q));
  // Kept only when the content did not move on while this search ran (then its answer may mix two versions).
  if ((await store.snapshot()).version === snapshot.version && json.length < ANSWERS_MAX_BYTES / 16) {
    answers.set(key, { json, until: now + ANSWER_TTL_MS });
    answerBytes += json.length;
    for (const k of answers.keys()) {
      if (answers.size <= ANSWERS_MAX && answerBytes <= ANSWERS_MAX_BYTES) break;
      forget(k);
    }
  }
  return json;
}

function forget(key: string): void {
  const e = answers.get(key);
  if (!e) return;
  answers.delete(key);
  answerBytes -= e.json.length;
}

interface SearchOptions {
  limit?: number;
  offset?: number;
  asYouType?: boolean;
}

/** The rate limit and the query's checks, then the paging clamped: what every search does before searching. */
async function checked(viewer: Viewer, query: string, opts: SearchOptions): Promise<{ query: string; limit: number; offset: number; asYouType: boolean }> {
  limiter ??= rateLimiter("search", perMinute, perMinute, "local");
  const allowed = await limiter.attempt(viewer.id);
  if (!allowed.ok) throw new AppError("too_many_requests", `too many searches; try again in ${allowed.retryAfter} s`);
  if (query.length > MAX_QUERY_LENGTH) throw new AppError("bad_request", `queries are limited to ${MAX_QUERY_LENGTH} characters`);
  const limit = Math.min(100, Math.max(1, Math.floor(opts.limit ?? SEARCH_PAGE_SIZE)));
  const offset = Math.min(10_000, Math.max(0, Math.floor(opts.offset ?? 0)));
  return { query, limit, offset, asYouType: opts.asYouType ?? true };
}

async function run(viewer: Viewer, snapshot: Snapshot, q: { query: string; limit: number; offset: number; asYouType: boolean }): Promise<SearchPageData> {
  const index = await getSearchIndex(getStore());
  const empty: SearchResponse = { total: 0, results: [], facets: { severity: {}, status: {}, kind: {}, service: {}, team: {}, factor: {}, tag: {} }, errors: [] };
  const res = q.query.trim() ? search(index, q.query, { limit: q.limit, offset: q.offset, canSee: visibleTo(viewer, snapshot, index), prefixLast: q.asYouType }) : empty;
  const factorNames: Record<string, string> = {};
  for (const id of Object.keys(res.facets.factor ?? {})) factorNames[id] = snapshot.taxonomy.get(id)?.name ?? id;
  return { ...res, query: q.query, limit: q.limit, offset: q.offset, factorNames, timeZone: defaultTimeZone() };
}
