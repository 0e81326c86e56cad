import { z } from "zod";
import { AppError } from "./errors";

// Cursor paging for the JSON API and the CLI. A cursor is opaque to clients: base64url of the last row's key and its
// position. The key lets the next page continue after that row even when rows were added or removed before it; the
// position is the fallback when that row is gone (deleted, or no longer visible to this viewer). It only ever holds
// an id the same viewer was shown, so it reveals nothing.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

const cursorSchema = z.object({ v: z.literal(1), k: z.string().max(200), o: z.number().int().min(0).max(10_000_000) });
type Cursor = z.infer<typeof cursorSchema>;

export const pageQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, `expected a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().int().min(1, `expected a whole number from 1 to ${MAX_PAGE_SIZE}`).max(MAX_PAGE_SIZE, `at most ${MAX_PAGE_SIZE} per page`))
    .optional(),
  cursor: z.string().max(400, "not a cursor from this API").optional(),
});

export interface PageQuery {
  limit: number;
  cursor: Cursor | null;
}

export function encodeCursor(c: Omit<Cursor, "v">): string {
  return Buffer.from(JSON.stringify({ v: 1, ...c }), "utf8").toString("base64url");
}

function decodeCursor(raw: string): Cursor | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** `limit` and `cursor` from a query string (or CLI flags): a bad one is a 400 naming the field. */
export function parsePageQuery(input: { limit?: string | null; cursor?: string | null }): PageQuery {
  const parsed = pageQuerySchema.safeParse({ limit: input.limit ?? undefined, cursor: input.cursor ?? undefined });
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  let cursor: Cursor | null = null;
  if (parsed.data.cursor !== undefined && parsed.data.cursor !== "") {
    cursor = decodeCursor(parsed.data.cursor);
    if (!cursor) throw new AppError("bad_request", "cursor: not a cursor from this API (use the `next` link of the previous page)");
  }
  return { limit: parsed.data.limit ?? DEFAULT_PAGE_SIZE, cursor };
}

/** One page of `rows` (already filtered for the viewer and ordered): the rows and the cursor of the next page, if any. */
export function pageOf<T>(rows: readonly T[], key: (row: T) => string, q: PageQuery): { items: T[]; next: string | null } {
  let start = 0;
  if (q.cursor) {
    const { k, o } = q.cursor;
    // Usually the row sits at its old position; look there first, then anywhere.
    const at = rows[o] !== undefined && key(rows[o]!) === k ? o : rows.findIndex((r) => key(r) === k);
    // Gone: the rows after it moved up by one, so the next page starts where it stood.
    start = at >= 0 ? at + 1 : Math.min(o, rows.length);
  }
  const items = rows.slice(start, start + q.limit);
  const last = items[items.length - 1];
  const end = start + items.length;
  return { items, next: last !== undefined && end < rows.length ? encodeCursor({ k: key(last), o: end - 1 }) : null };
}

/** The `next` link: the same path and query with this cursor (null on the last page). */
export function nextLink(url: URL, next: string | null): string | null {
  if (next === null) return null;
  const params = new URLSearchParams(url.searchParams);
  params.set("cursor", next);
  return `${url.pathname}?${params.toString()}`;
}
