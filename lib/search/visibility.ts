// Who may see which search result: the caller passes `canSee`, built here from the viewer and the content snapshot.
import type { Viewer } from "../auth/viewer";
import type { IncidentEntry, Snapshot } from "../content/store";
import { canReadEntry } from "../knowledge/facts";
import { HIDDEN_SLOTS, type IdSource, type VisibilityPredicate } from "./slot-visibility";

export type { IdSource } from "./slot-visibility";

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

interface Level {
  ids: ReadonlySet<string>;
  source: IdSource | undefined;
  generation: number;
  /** The predicate handed out for this level, with the source's slots it hides (see SlotVisibility). */
  predicate: VisibilityPredicate;
}

const readable = new WeakMap<ReadonlyMap<string, IncidentEntry>, Map<string, Level>>();

function readableLevel(viewer: Viewer | null | undefined, byId: ReadonlyMap<string, IncidentEntry>, source: IdSource | undefined): Level {
  let levels = readable.get(byId);
  if (!levels) readable.set(byId, (levels = new Map()));
  const key = accessKey(viewer);
  const hit = levels.get(key);
  if (hit && (!source || (hit.source === source && hit.generation === source.generation))) return hit;
  const ids = new Set<string>();
  const hidden: number[] = [];
  if (source)
    for (let s = 0; s < source.meta.length; s++) {
      const m = source.meta[s];
      if (!m) continue;
      const entry = byId.get(m.id);
      if (entry && canReadEntry(viewer, entry)) ids.add(m.id);
      else hidden.push(s);
    }
  for (const [id, entry] of byId) if (canReadEntry(viewer, entry)) ids.add(id);
  const generation = source?.generation ?? -1;
  const predicate = Object.assign((id: string) => ids.has(id), { [HIDDEN_SLOTS]: { source, generation, slots: hidden } });
  const level = { ids, source, generation, predicate };
  levels.delete(key);
  levels.set(key, level);
  if (levels.size > MAX_LEVELS) levels.delete(levels.keys().next().value as string);
  return level;
}

/**
 * A `canSee(id)` predicate for search: incidents the viewer may read (restricted ones only for admins and members of
 * one of their groups). Unknown ids are hidden; broken files follow canReadEntry, the same rule as every page. Pass
 * the index the predicate is for to make its lookups cheaper; the answers are the same either way.
 */
export function visibleTo(viewer: Viewer | null | undefined, snapshot: Pick<Snapshot, "byId">, index?: IdSource): (id: string) => boolean {
  if (!viewer) return () => false;
  return readableLevel(viewer, snapshot.byId, index).predicate;
}
