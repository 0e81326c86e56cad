import { createHash } from "node:crypto";
import { z } from "zod";
import type { SharedState } from "./client";

const noticeSchema = z.object({ replica: z.string().max(100), commit: z.string().regex(/^[0-9a-f]{40,64}$/) });

/** Replicas of one remote and branch share a channel; other deployments on the same Redis do not hear them. */
export function channelOf(remote: string, branch: string): string {
  return `pushed:${createHash("sha256").update(`${remote}\0${branch}`).digest("hex").slice(0, 16)}`;
}

/** Tells the other replicas that `commit` is now on the remote branch, so they fetch at once. */
export async function announcePushed(shared: SharedState, channel: string, commit: string): Promise<void> {
  await shared.publish(channel, JSON.stringify({ replica: shared.replica, commit }));
}

/** Calls `fn` with each commit another replica pushed; malformed messages and this replica's own are ignored. */
export function onPushedElsewhere(shared: SharedState, channel: string, fn: (commit: string) => void): () => void {
  return shared.subscribe(channel, (message) => {
    let parsed: z.infer<typeof noticeSchema>;
    try {
      const r = noticeSchema.safeParse(JSON.parse(message));
      if (!r.success) return;
      parsed = r.data;
    } catch {
      return;
    }
    if (parsed.replica !== shared.replica) fn(parsed.commit);
  });
}
