import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const syncStateSchema = z.object({
  remote: z.string(),
  branch: z.string(),
  head: z.string().nullable(),
  /** The remote branch as last fetched: a new one that does not contain it means upstream history was rewritten. */
  remoteHead: z.string().nullable(),
  pending: z.number(),
  lastFetch: z.string().nullable(),
  lastPush: z.string().nullable(),
  lastError: z.string().nullable(),
  /** When the remote first failed to answer in the current outage; null while it answers. */
  unreachableSince: z.string().nullable(),
  /** The last rewrite of upstream history, and where the local commits it would have lost were kept. */
  lastRewrite: z.object({ at: z.string(), backupRef: z.string() }).nullable(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export const syncConflictSchema = z.object({
  id: z.string(),
  path: z.string(),
  authorEmail: z.string(),
  authorName: z.string(),
  /** Where the author's commit is kept (refs/kaizen/conflicts/<id>/<time>). */
  ref: z.string(),
  at: z.string(),
  /** The author's text, and the remote's version that won (null: deleted there). */
  mine: z.string().nullable(),
  theirs: z.string().nullable(),
  theirsBlob: z.string().nullable(),
});
export type SyncConflict = z.infer<typeof syncConflictSchema>;

const STATE = "sync-state.json";
const CONFLICTS = "sync-conflicts.json";

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | null> {
  const text = await fs.readFile(file, "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function writeJson(file: string, data: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
  await fs.rename(tmp, file);
}

export const readSyncState = (dataDir: string) => readJson(path.join(dataDir, STATE), syncStateSchema);
export const writeSyncState = (dataDir: string, s: SyncState) => writeJson(path.join(dataDir, STATE), s);
export const readConflicts = async (dataDir: string) => (await readJson(path.join(dataDir, CONFLICTS), z.array(syncConflictSchema))) ?? [];
export const writeConflicts = (dataDir: string, list: SyncConflict[]) => writeJson(path.join(dataDir, CONFLICTS), list);
