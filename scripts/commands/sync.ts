import { GitRepository } from "../../lib/content/repository";
import { ContentStore } from "../../lib/content/store";
import { contentDir, dataDir } from "../../lib/env";
import { readSyncConfig } from "../../lib/sync/config";
import { readSyncState, type SyncState } from "../../lib/sync/state";
import { defaultTimeZone, formatDateTime } from "../../lib/knowledge/dates";
import { Syncer } from "../../lib/sync/syncer";
import type { CliArgs } from "../cli-args";

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** `kaizen sync --status` as lines: instants in the organization's zone, named, as the web shows them. */
export function syncStatusLines(state: SyncState, timeZone: string): string[] {
  const show = (v: unknown): string => {
    if (v === null || v === undefined) return "-";
    if (typeof v === "string") return ISO_INSTANT.test(v) ? formatDateTime(v, timeZone) : v;
    if (typeof v === "object" && "at" in v && "backupRef" in v) return `${show(v.at)}, local commits kept on ${String(v.backupRef)}`;
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  };
  return Object.entries(state).map(([k, v]) => `${k.padEnd(17)} ${show(v)}`);
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
      for (const line of syncStatusLines(state, defaultTimeZone())) console.log(line);
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
    for (const line of syncStatusLines(syncer.state, defaultTimeZone())) console.log(line);
    return syncer.state.lastError ? 1 : 0;
  },
};
