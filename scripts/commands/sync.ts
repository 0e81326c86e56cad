import { GitRepository } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { contentDir, dataDir } from "../../lib/env";
import { readSyncConfig } from "../../lib/sync/config";
import { readSyncState } from "../../lib/sync/state";
import { Syncer } from "../../lib/sync/syncer";
import type { CliArgs } from "../cli-args";

function print(state: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(state)) console.log(`${k.padEnd(17)} ${v === null ? "-" : typeof v === "object" ? JSON.stringify(v) : String(v)}`);
}

export const command = {
  summary: "sync the content repository with KAIZEN_GIT_REMOTE now (fetch, rebase, push), or show the sync status",
  usage: "[--status]",
  options: {
    status: { type: "boolean", description: "print the last recorded sync status and exit (no network)" },
  },
  async run(args: CliArgs): Promise<number> {
    const cfg = readSyncConfig();
    if (args.flags.status === true) {
      const state = await readSyncState(dataDir());
      if (!state) {
        console.log(cfg ? "no sync has run yet for this data directory" : "no KAIZEN_GIT_REMOTE configured: content is local only");
        return cfg ? 1 : 0;
      }
      print(state);
      return state.lastError ? 1 : 0;
    }
    if (!cfg) {
      console.error("error: KAIZEN_GIT_REMOTE is not set: there is nothing to sync with");
      return 1;
    }
    const repo = new GitRepository(contentDir());
    const syncer = new Syncer(new ContentStore(repo), repo, cfg, dataDir());
    await syncer.prepare();
    await syncer.requestSync();
    syncer.stop();
    print(syncer.state);
    return syncer.state.lastError ? 1 : 0;
  },
};
