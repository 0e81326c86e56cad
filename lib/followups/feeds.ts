import "server-only";
import { findByFeedToken, findUser, toViewer } from "../auth/users";
import type { Viewer } from "../auth/viewer";
import { visibleContent } from "../knowledge/visible";
import { csvStream } from "./csv";
import { rowsToICalendar } from "./ical";
import { parseFollowupFilters, type SearchParamsInput } from "./filters";
import { queryFollowups } from "./order";
import { followupRowsFor } from "./visible-rows";

/** The CSV export of the rows matching these filters, as this viewer may see them, streamed (see csvStream). */
export async function countermeasuresCsv(viewer: Viewer, searchParams: SearchParamsInput, baseUrl: string): Promise<ReadableStream<Uint8Array>> {
  const visible = await visibleContent(viewer);
  return csvStream(queryFollowups(followupRowsFor(visible), parseFollowupFilters(searchParams), visible.snapshot.taxonomy), baseUrl);
}

/**
 * The iCalendar feed for a feed token: the token's user decides visibility as if signed in. `owner` narrows it to
 * one owner's countermeasures. Null for an unknown token.
 */
export async function countermeasuresCalendar(token: string, owner: string | null, baseUrl: string): Promise<string | null> {
  if (!token || token.length > 200) return null;
  const user = await findByFeedToken(token);
  if (!user) return null;
  const visible = await visibleContent(toViewer(user));
  const filters = parseFollowupFilters(owner ? { owner } : {});
  const rows = queryFollowups(followupRowsFor(visible), filters, visible.snapshot.taxonomy);
  return rowsToICalendar(rows, { baseUrl, calendarName: owner ? `Kaizen countermeasures: ${owner}` : "Kaizen countermeasures" });
}

export interface CalendarFeedLinks {
  /** Every open countermeasure the viewer may see. */
  all: string;
  /** Only the viewer's own (owner = their e-mail). */
  mine: string | null;
  owner: string | null;
}

/** The signed-in user's personal calendar feed URLs; null for accounts without a local feed token (identity providers). */
export async function calendarFeedLinks(viewer: Viewer, baseUrl: string): Promise<CalendarFeedLinks | null> {
  const user = await findUser(viewer.id);
  if (!user) return null;
  const url = (owner?: string) => {
    const p = new URLSearchParams({ token: user.feedToken });
    if (owner) p.set("owner", owner);
    return `${baseUrl}/api/countermeasures.ics?${p.toString()}`;
  };
  const owner = user.email.includes("@") ? user.email : null;
  return { all: url(), mine: owner ? url(owner) : null, owner };
}
