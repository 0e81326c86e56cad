import "server-only";
import { getStore } from "../content";
import { canReadText } from "../knowledge/facts";
import { GitRepository } from "../content/repository";
import type { ContentStore } from "../content/store";
import { dataDir } from "../env";
import type { Viewer } from "../auth/viewer";
import { refreshSearchIndex } from "../search/service";
import { sharedState } from "../shared-state/client";
import { claimSave, connectReplicas } from "./replicas";
import { readSyncConfig } from "./config";
import { readConflicts, writeConflicts, type SyncConflict, type SyncState } from "./state";
import { Syncer } from "./syncer";

interface Held {
  syncer: Syncer | null;
  ready: Promise<void>;
  setupError: string | null;
}

const globalForSync = globalThis as unknown as { kaizenSync?: Map<string, Held> };

/** Builds the syncer for a store and wires it: every acknowledged commit is pushed, every pull re-indexed. */
export function connectSync(store: ContentStore, dir: string = dataDir()): Held {
  globalForSync.kaizenSync ??= new Map();
  const existing = globalForSync.kaizenSync.get(store.root);
  if (existing) return existing;
  const cfg = readSyncConfig();
  if (!cfg || !(store.repo instanceof GitRepository)) {
    const held: Held = { syncer: null, ready: Promise.resolve(), setupError: null };
    globalForSync.kaizenSync.set(store.root, held);
    return held;
  }
  const syncer = new Syncer(store, store.repo, cfg, dir);
  const held: Held = { syncer, ready: Promise.resolve(), setupError: null };
  held.ready = syncer.prepare().then(
    () => {
      store.onCommit(() => void syncer.requestSync());
      syncer.onPulled(async () => void (await refreshSearchIndex(store).catch((err: unknown) => console.error("[kaizen] search index update failed:", (err as Error).message))));
      const shared = sharedState();
      if (shared) connectReplicas(syncer, shared);
      syncer.start();
    },
    (err: unknown) => {
      held.setupError = (err as Error).message;
      syncer.state.lastError = held.setupError;
      console.error(`[kaizen] sync is off: ${held.setupError}`);
    },
  );
  globalForSync.kaizenSync.set(store.root, held);
  return held;
}

/** The syncer of the process's content store, started on first use (instrumentation starts it at boot). */
export function getSync(store: ContentStore = getStore()): Held {
  return connectSync(store);
}

/**
 * Checks a save of `file` from `baseBlob` against the other replicas (lib/sync/replicas.ts) when Redis is configured;
 * throws the ConflictError of a save accepted elsewhere first. Returns the function that withdraws the claim.
 */
export async function claimSharedSave(store: ContentStore, file: string, baseBlob: string, text: string): Promise<() => Promise<void>> {
  const held = getSync(store);
  await held.ready;
  const shared = sharedState();
  if (!held.syncer || !shared || held.setupError) return async () => undefined;
  return claimSave(held.syncer, shared, file, baseBlob, text);
}

/** What /api/health and the header show: no secret, no URL credential (the remote is redacted when read). */
export function syncStatus(store?: ContentStore): Pick<SyncState, "remote" | "head" | "pending" | "lastFetch" | "lastPush" | "lastError" | "unreachableSince" | "lastRewrite"> | null {
  const { syncer } = getSync(store);
  if (!syncer) return null;
  const s = syncer.state;
  return { remote: s.remote, head: s.head, pending: s.pending, lastFetch: s.lastFetch, lastPush: s.lastPush, lastError: s.lastError, unreachableSince: s.unreachableSince, lastRewrite: s.lastRewrite };
}

/**
 * Conflicts a pull left for this viewer on this incident: only their own, and only while they may read both texts
 * (an incident restricted since then shows nothing).
 */
export async function conflictsFor(viewer: Viewer, id: string, dir: string = dataDir()): Promise<SyncConflict[]> {
  if (!viewer.email) return [];
  const all = await readConflicts(dir);
  return all.filter((c) => c.id === id && c.authorEmail.toLowerCase() === viewer.email!.toLowerCase() && [c.mine, c.theirs].every((t) => t === null || canReadText(viewer, t)));
}

/** Removes a viewer's conflict records of an incident once they saved again from the conflict view. */
export async function resolveConflicts(viewer: Viewer, id: string, dir: string = dataDir()): Promise<void> {
  if (!viewer.email) return;
  const all = await readConflicts(dir);
  const left = all.filter((c) => !(c.id === id && c.authorEmail.toLowerCase() === viewer.email!.toLowerCase()));
  if (left.length !== all.length) await writeConflicts(dir, left);
}
