// Who may see which search result: the caller passes `canSee`, built here from the viewer and the content snapshot.
import type { Viewer } from "../auth/viewer";
import type { Snapshot } from "../content/store";
import { canReadEntry } from "../knowledge/facts";

/**
 * A `canSee(id)` predicate for search: incidents the viewer may read (restricted ones only for admins and members of
 * one of their groups). Unknown ids are hidden; broken files follow canReadEntry, the same rule as every page.
 */
export function visibleTo(viewer: Viewer | null | undefined, snapshot: Pick<Snapshot, "byId">): (id: string) => boolean {
  return (id) => {
    const entry = snapshot.byId.get(id);
    return !!entry && canReadEntry(viewer, entry);
  };
}
