import "server-only";
import { findByFeedToken, findUser, toViewer } from "../auth/users";
import type { Viewer } from "../auth/viewer";
import { visibleContent } from "../knowledge/visible";
import { incidentsToAtom } from "./atom";

/**
 * The Atom feed of published post-mortems for a feed token (the same token as the calendar feed): the token's user
 * decides visibility as if signed in. Null for an unknown token.
 */
export async function incidentsFeed(token: string, baseUrl: string, limit?: number): Promise<string | null> {
  const user = await findByFeedToken(token);
  if (!user) return null;
  const visible = await visibleContent(toViewer(user));
  return incidentsToAtom(visible.incidents, { baseUrl, limit, title: "Kaizen: published post-mortems" });
}

/** The signed-in user's personal Atom feed URL; null for accounts without a local feed token (identity providers). */
export async function incidentsFeedUrl(viewer: Viewer, baseUrl: string): Promise<string | null> {
  const user = await findUser(viewer.id);
  if (!user) return null;
  return `${baseUrl}/api/incidents.atom?${new URLSearchParams({ token: user.feedToken }).toString()}`;
}
