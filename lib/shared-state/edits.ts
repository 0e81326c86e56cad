import type { SharedState } from "./client";

// How long a save is remembered: far longer than any replica takes to fetch it (seconds with notices, one sync
// interval at most), short enough that a replica cut off from the remote does not block edits for long.
export const EDIT_TTL_MS = 10 * 60_000;

// `<blob> <replica>` of the last save accepted for a file on any replica. A save from `base` is accepted when no
// other replica saved the file since (no entry, the entry is `base`, or the entry is this replica's own, whose local
// compare-and-swap is then the judge), or when forced (the caller has the entry's text: its local check decides).
const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur and ARGV[4] ~= '1' then
  local blob, owner = string.match(cur, '^(%x+) (.+)$')
  if blob and blob ~= ARGV[1] and owner ~= ARGV[3] then return blob end
end
redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. ARGV[3], 'PX', ARGV[5])
return ''
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * Claims a save of `file` (in the deployment `scope`) from `base` to `next` across replicas. Returns null when this
 * replica may go on to its local commit, else the blob another replica saved meanwhile.
 */
export async function claimEdit(shared: SharedState, scope: string, file: string, base: string, next: string, force = false): Promise<string | null> {
  const other = await shared.run((r) => r.eval(CLAIM, 1, shared.key("edit", scope, file), base, next, shared.replica, force ? "1" : "0", EDIT_TTL_MS));
  return typeof other === "string" && other !== "" ? other : null;
}

/** Withdraws this replica's claim when its local commit did not happen after all. */
export async function releaseEdit(shared: SharedState, scope: string, file: string, next: string): Promise<void> {
  await shared.run((r) => r.eval(RELEASE, 1, shared.key("edit", scope, file), `${next} ${shared.replica}`));
}
