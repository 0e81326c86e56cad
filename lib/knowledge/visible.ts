import "server-only";
import { audit } from "../auth/audit";
import type { Viewer } from "../auth/viewer";
import { getStore, type BrokenIncident, type IncidentDoc, type Snapshot } from "../content";
import type { ContentStore } from "../content/store";
import { ID_PATTERN } from "../schema/common";
import { processShared } from "../process-shared";
import { canReadEntry } from "./facts";
import { buildKnowledge, type Knowledge } from "./model";

/** What a viewer may see of the knowledge base right now: every list, count and chart starts from this. */
export interface VisibleContent {
  snapshot: Snapshot;
  incidents: IncidentDoc[];
  broken: BrokenIncident[];
}

// Shared by every bundle layer (process-shared.ts): the warm-up's visible list is then the first page's, and so is
// everything memoized on its identity.
const visibleCache = processShared("knowledge.visible", () => new WeakMap<Snapshot, Map<string, VisibleContent>>());
const incidentsCache = processShared("knowledge.readable", () => new WeakMap<Snapshot, Map<string, IncidentDoc[]>>());

/** What decides a viewer's visible content (role and groups): one VisibleContent per key and snapshot. */
export function viewerKey(v: Viewer): string {
  return `${v.role}|${[...v.groups].sort().join(",")}`;
}

/** What decides which incidents a viewer may read (canRead): admin, or the set of groups. */
function accessKey(v: Viewer): string {
  return v.role === "admin" ? "admin" : `groups:${[...new Set(v.groups)].sort().join(",")}`;
}

/**
 * The incidents of a snapshot this viewer may read, as ONE array per access level: everything derived from it and
 * memoized on its identity (knowledge model, text index, countermeasure rows) is then shared by readers and authors
 * who see the same incidents, instead of being built once per role.
 */
function readableIncidents(snapshot: Snapshot, viewer: Viewer): IncidentDoc[] {
  let byAccess = incidentsCache.get(snapshot);
  if (!byAccess) incidentsCache.set(snapshot, (byAccess = new Map()));
  const key = accessKey(viewer);
  let list = byAccess.get(key);
  if (!list) byAccess.set(key, (list = snapshot.incidents.filter((i) => canReadEntry(viewer, i))));
  return list;
}

/** Broken files follow the one visibility rule, canReadEntry: an unknown visibility is admins-only. */
export function canSeeBroken(viewer: Viewer, b: BrokenIncident): boolean {
  return canReadEntry(viewer, b);
}

export async function visibleContent(viewer: Viewer): Promise<VisibleContent> {
  const snapshot = await getStore().snapshot();
  let byViewer = visibleCache.get(snapshot);
  if (!byViewer) visibleCache.set(snapshot, (byViewer = new Map()));
  const key = viewerKey(viewer);
  let v = byViewer.get(key);
  if (!v) {
    v = {
      snapshot,
      incidents: readableIncidents(snapshot, viewer),
      broken: snapshot.broken.filter((b) => canReadEntry(viewer, b)),
    };
    byViewer.set(key, v);
  }
  return v;
}

/** One incident as the viewer may see it, or null (unknown id and not-allowed look the same: 404). */
export async function getIncidentEntry(viewer: Viewer, id: string, store: ContentStore = getStore()): Promise<IncidentDoc | BrokenIncident | null> {
  if (!ID_PATTERN.test(id)) return null;
  const snapshot = await store.snapshot();
  const entry = snapshot.byId.get(id);
  if (!entry) return null;
  if (canReadEntry(viewer, entry)) return entry;
  // The viewer gets the same 404 as for an unknown id; the audit log keeps the attempt.
  void audit({ type: "denied", user: viewer.id, action: "read", target: `incidents/${id}`, reason: "restricted incident outside the viewer's groups" });
  return null;
}

/** The knowledge model over what this viewer may see (buildKnowledge memoizes on the visible list's identity). */
export function knowledgeOf(visible: VisibleContent, now: Date): Knowledge {
  return buildKnowledge({ incidents: visible.incidents, taxonomy: visible.snapshot.taxonomy }, now);
}

const docIndex = processShared("knowledge.docsById", () => new WeakMap<readonly IncidentDoc[], Map<string, IncidentDoc>>());

export function docsById(incidents: readonly IncidentDoc[]): Map<string, IncidentDoc> {
  let m = docIndex.get(incidents);
  if (!m) docIndex.set(incidents, (m = new Map(incidents.map((i) => [i.id, i]))));
  return m;
}
