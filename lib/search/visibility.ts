// Who may see which search result: the caller passes `canSee`, built here from the viewer and the content snapshot.
import { canRead, type Viewer } from "../auth/viewer";
import type { Snapshot } from "../content/store";

/**
 * A `canSee(id)` predicate for search: incidents the viewer may read (restricted ones only for admins and members of
 * one of their groups). Unknown ids and files that did not parse count as restricted unless their visibility is known.
 */
export function visibleTo(viewer: Viewer | null | undefined, snapshot: Pick<Snapshot, "byId">): (id: string) => boolean {
  return (id) => {
    const entry = snapshot.byId.get(id);
    if (!entry) return false;
    if (entry.ok) return canRead(viewer, entry.frontmatter);
    return entry.access !== null && canRead(viewer, entry.access);
  };
}
