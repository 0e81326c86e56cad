import { blobId, runGit } from "../content/git";
import { ConflictError } from "../content/repository";
import { SharedStateUnavailable, type SharedState } from "../shared-state/client";
import { claimEdit, releaseEdit } from "../shared-state/edits";
import { announcePushed, channelOf, onPushedElsewhere } from "../shared-state/notices";
import type { Syncer } from "./syncer";

// How long a save waits for this replica to fetch another replica's newer version before answering 409 without it.
const CATCH_UP_MS = 5000;
// Between two fetches while waiting: the other replica pushes right after its commit, typically within this.
const CATCH_UP_POLL_MS = 100;

const scopeOf = (syncer: Syncer) => channelOf(syncer.cfg.remote, syncer.cfg.branch).slice("pushed:".length);

/**
 * Replicas on one remote tell each other about pushes through Redis: each push is announced, and a notice from
 * another replica starts a fetch here at once (instead of at the next interval or webhook). A lost notice costs
 * nothing but time: the interval still runs.
 */
export function connectReplicas(syncer: Syncer, shared: SharedState): () => void {
  const channel = channelOf(syncer.cfg.remote, syncer.cfg.branch);
  syncer.onPushed((commit) => void announcePushed(shared, channel, commit).catch((err: Error) => console.warn(`[kaizen] could not tell the other replicas about ${commit.slice(0, 12)}: ${err.message}`)));
  return onPushedElsewhere(shared, channel, (commit) => {
    void (async () => {
      if (await hasObject(syncer, commit)) return; // already fetched (or this replica made it)
      await syncer.requestSync();
    })();
  });
}

/** Fetches until `blob` is here (the other replica's push may still be under way) or CATCH_UP_MS have passed. */
async function catchUp(syncer: Syncer, blob: string): Promise<void> {
  const deadline = Date.now() + CATCH_UP_MS;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)).unref());
  while (Date.now() < deadline) {
    await Promise.race([syncer.requestSync(), sleep(deadline - Date.now())]);
    if (await hasObject(syncer, blob)) return;
    await sleep(Math.min(CATCH_UP_POLL_MS, deadline - Date.now()));
  }
}

async function hasObject(syncer: Syncer, id: string): Promise<boolean> {
  return runGit(syncer.root, ["cat-file", "-e", `${id}`]).then(() => true, () => false);
}

/**
 * Before a save of `file` from `baseBlob` is committed here: has another replica accepted a save of the same file that
 * this clone has not fetched yet? Then this replica catches up (a fetch, at most CATCH_UP_MS) and lets its own
 * compare-and-swap answer 409 with the newer text; when the newer version still has not arrived, it answers 409 with
 * what it has. Of two simultaneous saves from one base on two replicas exactly one is accepted.
 * Returns the function that withdraws the claim if the local commit does not happen. Redis unreachable: the save goes
 * on locally and a concurrent edit is caught when pushing (the conflicts ref), so nothing is lost either way.
 */
export async function claimSave(syncer: Syncer, shared: SharedState, file: string, baseBlob: string, text: string): Promise<() => Promise<void>> {
  const scope = scopeOf(syncer);
  const next = blobId(text);
  try {
    let other = await claimEdit(shared, scope, file, baseBlob, next);
    if (other && !(await hasObject(syncer, other))) await catchUp(syncer, other);
    if (other && (await hasObject(syncer, other))) other = await claimEdit(shared, scope, file, baseBlob, next, true);
    if (other) {
      const current = await syncer.repo.readFile(file);
      throw new ConflictError(file, current, current === null ? null : blobId(current));
    }
  } catch (err) {
    if (!(err instanceof SharedStateUnavailable)) throw err;
    console.warn(`[kaizen] saving ${file} without the replicas' check: ${err.message}`);
    return async () => undefined;
  }
  return () => releaseEdit(shared, scope, file, next).catch(() => undefined);
}
