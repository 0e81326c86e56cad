// Who may see which search result: the caller passes `canSee`, built here from the viewer and the content snapshot.
import type { Viewer } from "../auth/viewer";
import type { IncidentEntry, Snapshot } from "../content/store";
import { canReadEntry } from "../knowledge/facts";

/**
 * What reading decisions depend on for a viewer (canRead): nobody, an admin, or the set of groups of anyone else.
 * Two viewers with the same key may read exactly the same incidents.
 */
export function accessKey(viewer: Viewer | null | undefined): string {
  if (!viewer) return "none";
  if (viewer.role === "admin") return "admin";
  return `groups:${JSON.stringify([...new Set(viewer.groups)].sort())}`;
}

// The ids readable at each access level, per snapshot (its byId map: a new one with every snapshot, never changed).
// The search engine asks `canSee` for every candidate document of a query, thousands per query at 10,000 incidents;
// deciding each from the entry's frontmatter again (canReadEntry copies its access) was a third of a search's time.
// The set holds the index's own id strings where it can: a lookup with the very string object the set holds is a
// pointer comparison, while an equal string from elsewhere (the file name the snapshot's id was cut from) is compared
// character by character, several times slower. Which objects are held never changes what the set contains: every
// readable id of the snapshot, nothing else. A snapshot has few access levels in use (admins, the group combinations,
// the rest); beyond MAX_LEVELS the oldest is dropped and built again when asked for.
const MAX_LEVELS = 32;

/** What of a search index the set borrows its strings from (SearchIndex has it). */
export interface IdSource {
  readonly meta: readonly ({ readonly id: string } | null)[];
  readonly generation: number;
}

interface Level {
  ids: ReadonlySet<string>;
  source: IdSource | undefined;
  generation: number;
}
const readable = new WeakMap<ReadonlyMap<string, IncidentEntry>, Map<string, Level>>();

function readableIds(viewer: Viewer | null | undefined, byId: ReadonlyMap<string, IncidentEntry>, source: IdSource | undefined): ReadonlySet<string> {
  let levels = readable.get(byId);
  if (!levels) readable.set(byId, (levels = new Map()));
  const key = accessKey(viewer);
  const hit = levels.get(key);
  if (hit && (!source || (hit.source === source && hit.generation === source.generation))) return hit.ids;
  const ids = new Set<string>();
  if (source)
    for (const m of source.meta) {
      const entry = m && byId.get(m.id);
      if (entry && canReadEntry(viewer, entry)) ids.add(m.id);
    }
  for (const [id, entry] of byId) if (canReadEntry(viewer, entry)) ids.add(id);
  levels.delete(key);
  levels.set(key, { ids, source, generation: source?.generation ?? -1 });
  if (levels.size > MAX_LEVELS) levels.delete(levels.keys().next().value as string);
  return ids;
}

/**
 * A `canSee(id)` predicate for search: incidents the viewer may read (restricted ones only for admins and members of
 * one of their groups). Unknown ids are hidden; broken files follow canReadEntry, the same rule as every page. Pass
 * the index the predicate is for to make its lookups cheaper; the answers are the same either way.
 */
export function visibleTo(viewer: Viewer | null | undefined, snapshot: Pick<Snapshot, "byId">, index?: IdSource): (id: string) => boolean {
  if (!viewer) return () => false;
  const ids = readableIds(viewer, snapshot.byId, index);
  return (id) => ids.has(id);
}
