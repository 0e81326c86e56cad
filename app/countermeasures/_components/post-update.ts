/** What the dashboard's countermeasure controls post to /api/countermeasures (see lib/followups/update). */
export interface CountermeasurePostPatch {
  status?: "open" | "in-progress" | "done" | "wont-do";
  evidence?: { url?: string; note?: string; verdict?: "held" | "did-not-hold" };
}

export type PostOutcome = { ok: true } | { ok: false; conflict: boolean; text: string; details: string[]; currentBlob: string | null };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** Posts one countermeasure change against the revision the page was rendered from and says what happened in words. */
export async function postCountermeasureUpdate(target: { incidentId: string; cmId: string; baseBlob: string }, patch: CountermeasurePostPatch): Promise<PostOutcome> {
  let res: Response;
  try {
    res = await fetch("/api/countermeasures", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      // Only these three: callers pass richer targets (a dialog's title), and the API refuses unknown keys.
      body: JSON.stringify({ incidentId: target.incidentId, cmId: target.cmId, baseBlob: target.baseBlob, patch }),
    });
  } catch {
    return { ok: false, conflict: false, text: "Could not reach the server. Nothing was lost; try again.", details: [], currentBlob: null };
  }
  if (res.ok) return { ok: true };
  const body: unknown = await res.json().catch(() => null);
  const b = isRecord(body) ? body : {};
  const problems = Array.isArray(b.problems) ? b.problems.filter(isRecord).map((p) => `${str(p.field) ?? ""}: ${str(p.message) ?? ""}`) : [];
  if (res.status === 409) {
    return { ok: false, conflict: true, text: str(b.message) ?? "This incident changed since the page loaded.", details: [], currentBlob: str(b.currentBlob) };
  }
  if (res.status === 422) return { ok: false, conflict: false, text: "The incident would not validate with this change.", details: problems, currentBlob: null };
  return { ok: false, conflict: false, text: str(b.message) ?? `The server refused the change (${res.status}).`, details: problems, currentBlob: null };
}
