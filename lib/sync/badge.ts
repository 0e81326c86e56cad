import type { SyncState } from "./state";

export type SyncBadge = { label: string; tone: "ok" | "pending" | "error"; title: string };

/** The header badge for authors and admins: synced, N pending, or remote unreachable since when. */
export function syncBadge(s: Pick<SyncState, "pending" | "lastError" | "unreachableSince" | "lastFetch" | "lastRewrite">, now = Date.now()): SyncBadge {
  if (s.unreachableSince) {
    const mins = Math.max(0, Math.round((now - Date.parse(s.unreachableSince)) / 60_000));
    const pending = s.pending ? `, ${s.pending} pending` : "";
    return { label: `remote unreachable since ${mins < 1 ? "just now" : `${mins} min`}${pending}`, tone: "error", title: `Saves are kept locally and pushed when the remote answers again. Last error: ${s.lastError ?? "unknown"}` };
  }
  if (s.lastError) return { label: "sync off", tone: "error", title: s.lastError };
  if (s.pending > 0) return { label: `${s.pending} pending`, tone: "pending", title: "Saved here, not yet on the team's remote" };
  return { label: "synced", tone: "ok", title: s.lastFetch ? `Last fetched ${s.lastFetch}` : "In step with the team's remote" };
}
