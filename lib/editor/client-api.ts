import { z } from "zod";
import type { Problem } from "../schema/problems";

// The browser side of the save API: responses are validated like any other input rather than trusted.

const problemSchema = z.object({
  file: z.string(),
  line: z.number(),
  col: z.number(),
  field: z.string(),
  message: z.string(),
  severity: z.enum(["error", "warning"]).default("error"),
});

const savedBySchema = z.object({ name: z.string(), date: z.string() });
const savedSchema = z.object({ ok: z.literal(true), id: z.string(), blob: z.string(), commit: z.string(), merged: savedBySchema.optional() });
const hunkSchema = z.object({ line: z.number(), base: z.array(z.string()), mine: z.array(z.string()), theirs: z.array(z.string()) });
const conflictSchema = z.object({
  currentText: z.string().nullable(),
  currentBlob: z.string().nullable(),
  message: z.string(),
  savedBy: savedBySchema.optional(),
  baseText: z.string().optional(),
  hunks: z.array(hunkSchema).optional(),
});
export type ConflictHunkData = z.infer<typeof hunkSchema>;
const invalidSchema = z.object({ problems: z.array(problemSchema) });
const errorSchema = z.object({ message: z.string() });

export type SaveOutcome =
  | { kind: "saved"; id: string; blob: string; commit: string; merged?: { name: string; date: string } }
  | ({ kind: "conflict" } & z.infer<typeof conflictSchema>)
  | { kind: "invalid"; problems: Problem[] }
  | { kind: "error"; status: number; message: string };

/** Saves through the JSON API: POST /api/incidents for a new incident, PUT /api/incidents/<id> for an edit. */
export async function saveThroughApi(req: { id: string | null; text: string; baseBlob: string | null; newId?: string }): Promise<SaveOutcome> {
  let res: Response;
  try {
    res = await fetch(req.id ? `/api/incidents/${encodeURIComponent(req.id)}` : "/api/incidents", {
      method: req.id ? "PUT" : "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(req.id ? { text: req.text, baseBlob: req.baseBlob, ...(req.newId && req.newId !== req.id ? { newId: req.newId } : {}) } : { text: req.text }),
    });
  } catch {
    return { kind: "error", status: 0, message: "Could not reach the server. Your text is kept here and in this browser; try again." };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const s = savedSchema.safeParse(body);
    return s.success ? { kind: "saved", ...s.data } : { kind: "error", status: res.status, message: "The server's answer was not understood." };
  }
  if (res.status === 409) {
    const c = conflictSchema.safeParse(body);
    if (c.success) return { kind: "conflict", ...c.data };
  }
  if (res.status === 422) {
    const p = invalidSchema.safeParse(body);
    if (p.success) return { kind: "invalid", problems: p.data.problems };
  }
  const e = errorSchema.safeParse(body);
  const fallback = res.status === 401 ? "Your session has ended: sign in again in another tab, then save." : `The server answered ${res.status}.`;
  return { kind: "error", status: res.status, message: e.success ? e.data.message : fallback };
}

const similarSchema = z.array(z.object({ id: z.string(), title: z.string(), reason: z.string(), sharedFactors: z.array(z.string()).default([]), matchedTerms: z.array(z.string()).default([]) }));

/** "Seen before?" results for a draft, or null when the request failed or was cancelled. */
export async function fetchSimilar(input: { title?: string; summary?: string; timeline?: string[]; text: string; factors: string[]; exclude?: string }, signal: AbortSignal): Promise<z.infer<typeof similarSchema> | null> {
  try {
    const res = await fetch("/api/incidents/similar", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input), signal });
    if (!res.ok) return null;
    const parsed = similarSchema.safeParse(await res.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const draftSchema = z.object({ savedAt: z.string(), baseBlob: z.string().nullable(), newId: z.string().default(""), text: z.string() });
export type LocalDraft = z.infer<typeof draftSchema>;

/** The localStorage key of an incident's unsaved draft ("new" for a new incident). */
export function draftKey(id: string | null): string {
  return `kaizen:draft:${id ?? "new"}`;
}

/** Reads a local draft; anything unreadable counts as none. */
export function readDraft(id: string | null): LocalDraft | null {
  try {
    const raw = window.localStorage.getItem(draftKey(id));
    if (!raw) return null;
    const parsed = draftSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeDraft(id: string | null, draft: LocalDraft): void {
  try {
    window.localStorage.setItem(draftKey(id), JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft is a safety net, the editor keeps working without it.
  }
}

export function clearDraft(id: string | null): void {
  try {
    window.localStorage.removeItem(draftKey(id));
  } catch {
    // see writeDraft
  }
}

const mergeNoticeSchema = z.object({ name: z.string(), date: z.string() });
const mergeKey = (id: string) => `kaizen:merged:${id}`;

/** Remembers, for the incident page the editor goes to next, that the save was merged with someone else's. */
export function rememberMerge(id: string, by: { name: string; date: string }): void {
  try {
    sessionStorage.setItem(mergeKey(id), JSON.stringify(by));
  } catch {
    // Storage can be full or disabled: the save itself is done, only the notice is lost.
  }
}

/** Takes (reads and forgets) the merge notice left for this incident's page, if any. */
export function takeMerge(id: string): { name: string; date: string } | null {
  try {
    const raw = sessionStorage.getItem(mergeKey(id));
    if (raw === null) return null;
    sessionStorage.removeItem(mergeKey(id));
    const parsed = mergeNoticeSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
