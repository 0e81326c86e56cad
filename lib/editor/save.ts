import "server-only";
import { z } from "zod";
import { audit } from "../auth/audit";
import { denied } from "../auth/session";
import { canAuthor, canManageVisibility, canRead, type Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { entryAccess, type Access } from "../content/access";
import { blobId } from "../content/git";
import { parseIncidentTextWith } from "../content/incident-file";
import { ConflictError } from "../content/repository";
import { INCIDENTS_DIR, type ContentStore, type IncidentDoc } from "../content/store";
import { AppError, isAppError } from "../errors";
import { canReadEntry, canReadText, startedAt } from "../knowledge/facts";
import { checkMdxOffThread } from "../mdx/off-thread";
import { ID_PATTERN } from "../schema/common";
import type { Problem } from "../schema/problems";
import { incidentCommitMessage } from "./commit-message";
import { formatDateTime } from "../knowledge/dates";
import { incidentIdFrom, unusedIncidentId } from "./ids";
import { notifyAfterSave } from "../notify/hook";
import { threeWayMerge, type ConflictHunk } from "./merge";
import { refreshSearchIndex } from "../search/service";
import { claimSharedSave, resolveConflicts } from "../sync/service";

/** Whole file, frontmatter included; the body alone is held to MDX_LIMITS.bytes (64 KB) with a located problem. */
export const MAX_INCIDENT_BYTES = 256 * 1024;

export const saveInputSchema = z.object({
  /** The incident being edited; absent when creating. With `baseBlob: null` it is the id to create. */
  id: z.string().regex(ID_PATTERN).optional(),
  /** The id the file should have after the save: a rename on an edit, the chosen id on a create. */
  newId: z.string().regex(ID_PATTERN, "ids are lowercase letters, digits and dashes").optional(),
  /** Blob id of the text the edit started from; null when creating. */
  baseBlob: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
  /** The whole file: YAML frontmatter and MDX body. */
  text: z.string().min(1).max(MAX_INCIDENT_BYTES, "the file is larger than 256 KB: post-mortems are far smaller; link to long logs instead of pasting them"),
});
export type SaveInput = z.infer<typeof saveInputSchema>;

/** Who made the version saved meanwhile, and when (the newest commit of the file). */
export interface SavedBy {
  name: string;
  date: string;
}

export type SaveResult =
  /** `merged`: the save hit a newer version and was merged with it line by line (whose change, and when). */
  | { ok: true; id: string; blob: string; commit: string; created: boolean; merged?: SavedBy }
  | { ok: false; reason: "invalid"; problems: Problem[] }
  | {
      ok: false;
      reason: "conflict";
      currentText: string | null;
      currentBlob: string | null;
      message: string;
      /** Who saved the current version and when; absent when there is no current version the viewer may read. */
      savedBy?: SavedBy;
      /** The text the edit started from, so the author can see what "save mine over theirs" would undo. */
      baseText?: string;
      /** Where both versions changed the same lines (empty when the conflict is not about lines, see message). */
      hunks?: ConflictHunk[];
    };

function sameVisibility(a: Access, b: Access): boolean {
  return a.visibility === b.visibility && [...a.groups].sort().join(",") === [...b.groups].sort().join(",");
}

const INTERNAL: Access = { visibility: "internal", groups: [] };
const file = (id: string) => `${INCIDENTS_DIR}/${id}.mdx`;

// What an edit of an incident that is not there gets, whether it was deleted, renamed, or is hidden from this viewer
// (or became hidden while they were editing): the same words, and nothing of any file.
const GONE: SaveResult = { ok: false, reason: "conflict", currentText: null, currentBlob: null, message: "This incident was deleted or renamed since you started editing." };

/** A chosen id that any incident has, visible or not, gets this one answer, so it tells nothing about hidden ones. */
function unavailable(id: string): SaveResult {
  return { ok: false, reason: "invalid", problems: [{ file: file(id), line: 1, col: 1, field: "id", message: `the id "${id}" is not available: choose another`, severity: "error" }] };
}

/** Records an attempt that touched an incident hidden from the viewer; the viewer's answer does not say so. */
function auditHidden(viewer: Viewer, id: string, why: string): Promise<void> {
  return audit({ type: "denied", user: viewer.id, action: "save", target: file(id), reason: `restricted incident outside the viewer's groups (${why})` });
}

/**
 * The one save path (editor, API, CLI, countermeasure updates): who is asking → may they → validate → compare-and-
 * swap commit with a message from a pure function → update the model and the search index. Conflicts and invalid
 * input come back as results (never thrown), so the caller can keep the user's text and show why.
 *
 * Every id the save touches (the one edited, the one renamed or created to, a generated one) is checked against the
 * viewer before anything about it is used, and what comes back never depends on whether a hidden incident exists:
 * hidden, deleted and unknown edits answer GONE; hidden and visible taken ids answer `unavailable`.
 */
export async function saveIncident(viewer: Viewer, raw: unknown, store: ContentStore = getStore()): Promise<SaveResult> {
  return saveOnce(viewer, raw, store, true);
}

async function saveOnce(viewer: Viewer, raw: unknown, store: ContentStore, mayMerge: boolean): Promise<SaveResult> {
  const parsed = saveInputSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  const input = parsed.data;
  if (input.baseBlob !== null && !input.id) throw new AppError("bad_request", "baseBlob: an edit names the incident it edits (id)");
  if (!canAuthor(viewer)) throw await denied(viewer, "save", input.id ?? "new incident", "authors and admins only");

  const snapshot = await store.forceRefresh();
  // The file being edited: none when creating (baseBlob null), even at a chosen id.
  const sourceId = input.baseBlob !== null ? input.id : undefined;
  const existing = sourceId ? snapshot.byId.get(sourceId) : undefined;
  if (sourceId && (!existing || !canReadEntry(viewer, existing))) {
    // A file deleted since the editor opened is a conflict (the editor keeps the text); a hidden one answers the same.
    if (existing) await auditHidden(viewer, sourceId, "edit");
    return GONE;
  }
  const chosenId = input.newId ?? (sourceId ? undefined : input.id);

  const check = await parseIncidentTextWith(file(chosenId ?? sourceId ?? "new"), input.text, snapshot.taxonomy, checkMdxOffThread);
  if (!check.ok) return { ok: false, reason: "invalid", problems: check.problems };
  const fm = check.frontmatter;
  // With `review: { required: true }` in kaizen.yml, publishing is the review's decision (lib/reviews), not a save's.
  const wasPublished = existing?.ok === true && existing.frontmatter.status === "published";
  if (snapshot.config.review.required && fm.status === "published" && !wasPublished) {
    const n = snapshot.config.review.approvals;
    const line = input.text.split("\n").findIndex((l) => /^status\s*:/.test(l)) + 1 || 1;
    const problem = { file: file(chosenId ?? sourceId ?? "new"), line, col: 1, field: "status", severity: "error" as const, message: `publishing needs ${n} approval${n === 1 ? "" : "s"} in review (kaizen.yml review.required): set status: in-review and request reviewers` };
    return { ok: false, reason: "invalid", problems: [problem] };
  }

  // A broken file's visibility is what could be read of it; when that is unknown, any save of it is a change.
  const before = existing ? entryAccess(existing) : INTERNAL;
  const changed = before === null || !sameVisibility(before, fm);
  // A new incident may be internal (with any groups) without an admin; restricting one is an admin's call.
  const needsAdmin = existing ? changed : fm.visibility !== "internal";
  if (needsAdmin && !canManageVisibility(viewer)) {
    throw await denied(viewer, "change visibility", sourceId ?? "new incident", "only admins change who may read an incident");
  }
  if (!canRead(viewer, fm)) throw new AppError("bad_request", "you would no longer be able to read this incident: add one of your groups");

  let id: string;
  if (chosenId && chosenId !== sourceId) {
    const taken = snapshot.byId.get(chosenId);
    if (taken) {
      if (!canReadEntry(viewer, taken)) await auditHidden(viewer, chosenId, sourceId ? "rename onto" : "create at");
      return unavailable(chosenId);
    }
    id = chosenId;
  } else if (sourceId) {
    id = sourceId;
  } else {
    id = unusedIncidentId(incidentIdFrom(fm.title, startedAt({ frontmatter: fm }) ?? undefined, () => false), (x) => snapshot.byId.has(x));
  }
  const previous = existing?.ok ? { frontmatter: existing.frontmatter, body: existing.body } : null;
  const message = incidentCommitMessage(id, previous, { frontmatter: fm, body: check.body }, sourceId);
  let release: (() => Promise<void>) | null = null;
  try {
    // With several replicas, another one may have accepted a save of this file that is not here yet.
    if (sourceId && input.baseBlob) release = await claimSharedSave(store, file(sourceId), input.baseBlob, input.text);
    const { commit, snapshot: after } = await store.commit(
      [{ path: file(id), content: input.text, baseBlob: sourceId ? input.baseBlob : null, renamedFrom: sourceId && sourceId !== id ? file(sourceId) : undefined }],
      message,
      { name: viewer.name || viewer.id, email: viewer.email || `${viewer.id}@kaizen.local` },
    );
    const saved = after.byId.get(id);
    if (changed) {
      const from = existing ? (before?.visibility ?? "unknown") : "none";
      await audit({ type: "visibility-change", user: viewer.id, incident: id, from, to: fm.visibility, groups: fm.groups });
    }
    // The commit exists; a lagging index is brought up to date by its next request, so a failure here is logged only.
    await refreshSearchIndex(store).catch((err: unknown) => console.error("[kaizen] search index update failed:", (err as Error).message));
    // Saved again from a conflict view: the conflict a pull recorded for this author is settled (its ref stays).
    if (sourceId) await resolveConflicts(viewer, sourceId).catch(() => undefined);
    // Channel announcements (published, recurrence) run after the commit; the save neither waits for them nor fails.
    void notifyAfterSave({ store, id, previous: previous?.frontmatter ?? null, before: snapshot, after }).catch((err: unknown) =>
      console.error("[kaizen] notifications failed:", (err as Error).message),
    );
    return { ok: true, id, blob: saved?.blob ?? "", commit, created: !sourceId };
  } catch (err) {
    await release?.();
    const conflict = conflictOf(err);
    if (conflict && sourceId) {
      // The file may have become restricted since the snapshot: its text is re-checked here, where it was read.
      if (conflict.currentText === null) return GONE;
      if (!canReadText(viewer, conflict.currentText)) {
        await auditHidden(viewer, sourceId, "conflict");
        return GONE;
      }
      return settleConflict(viewer, input, sourceId, { currentText: conflict.currentText, currentBlob: conflict.currentBlob }, store, mayMerge);
    }
    // A create whose id was taken meanwhile, or a rename whose target appeared meanwhile (the repository's "already
    // exists"): nothing of that other file is quoted.
    if (conflict || (isAppError(err) && err.code === "conflict")) {
      if (chosenId) return unavailable(id);
      return { ok: false, reason: "conflict", currentText: null, currentBlob: null, message: "Another incident was saved under the same id at the same moment. Your text is kept: save again." };
    }
    throw err;
  }
}

/**
 * A save that hit a newer version: merged with it from the base revision when the two touch different lines (and
 * saved again through this same path, so the result is validated and compare-and-swapped like any save), otherwise a
 * conflict naming who saved and when, with only the overlapping regions. Every text used here was read by the
 * caller's viewer check: the current one by the caller, the base one here (a forged base blob of a hidden revision
 * must not be merged into, nor quoted back).
 */
async function settleConflict(viewer: Viewer, input: SaveInput, id: string, conflict: { currentText: string; currentBlob: string | null }, store: ContentStore, mayMerge: boolean): Promise<SaveResult> {
  const savedBy = await lastSavedBy(store, file(id), conflict.currentBlob);
  const whoWhen = savedBy ? `${savedBy.name} saved this incident at ${formatDateTime(savedBy.date)}` : "Someone saved this incident";
  const plain: SaveResult = {
    ok: false,
    reason: "conflict",
    currentText: conflict.currentText,
    currentBlob: conflict.currentBlob,
    ...(savedBy ? { savedBy } : {}),
    message: `${whoWhen}, after you started editing. Your text is kept: compare, then save again.`,
  };
  if (!input.baseBlob || !conflict.currentBlob) return plain;
  const baseText = (await store.repo.readBlobs([input.baseBlob])).get(input.baseBlob);
  if (baseText === undefined || !canReadText(viewer, baseText)) return plain;
  const withBase = { ...plain, baseText };
  if (!mayMerge) return withBase;
  const merge = await threeWayMerge({ base: baseText, mine: input.text, theirs: conflict.currentText });
  if (!merge.clean) {
    const n = merge.hunks.length;
    return { ...withBase, hunks: merge.hunks, message: `${whoWhen}, after you started editing, and changed the same lines as you in ${n} place${n === 1 ? "" : "s"}. Your text is kept: choose what to keep, then save again.` };
  }
  const again = await saveOnce(viewer, { ...input, text: merge.text, baseBlob: conflict.currentBlob }, store, false);
  if (again.ok) return savedBy ? { ...again, merged: savedBy } : again;
  if (again.reason === "invalid") {
    const problems = again.problems.map((p) => `line ${p.line}: ${p.field} ${p.message}`).join("; ");
    return { ...withBase, hunks: [], message: `${whoWhen}, after you started editing. Your changes and theirs touch different lines, but together they are not valid (${problems}). Your text is kept: fix it against their version, then save again.` };
  }
  // Yet another save came in between: the author's own text is what they keep, against the newest version, and
  // "save mine over theirs" would undo everything since their base.
  return again.reason === "conflict" && again.currentText !== null ? { ...again, baseText, hunks: [] } : again;
}

/** The author and time of the newest commit that wrote this version of the file (or of the file at all). */
async function lastSavedBy(store: ContentStore, rel: string, blob: string | null): Promise<SavedBy | undefined> {
  const log = await store.repo.log(rel).catch(() => []);
  const c = log.find((x) => x.blob === blob) ?? log[0];
  return c ? { name: c.authorName || c.authorEmail, date: c.date } : undefined;
}

/** A ConflictError's current version, also when thrown by another bundle layer's copy of the class (see isAppError). */
function conflictOf(err: unknown): { currentText: string | null; currentBlob: string | null } | null {
  if (err instanceof ConflictError) return { currentText: err.currentText, currentBlob: err.currentBlob };
  if (!isAppError(err) || err.code !== "conflict") return null;
  const currentText: unknown = Reflect.get(err, "currentText");
  const currentBlob: unknown = Reflect.get(err, "currentBlob");
  const ok = (v: unknown): v is string | null => v === null || typeof v === "string";
  return ok(currentText) && ok(currentBlob) ? { currentText, currentBlob } : null;
}

/** The current text and base revision for the editor, or null when not visible. */
export async function loadForEdit(viewer: Viewer, id: string, store: ContentStore = getStore()): Promise<{ doc: IncidentDoc | null; text: string; blob: string } | null> {
  if (!canAuthor(viewer) || !ID_PATTERN.test(id)) return null;
  const snapshot = await store.snapshot();
  const entry = snapshot.byId.get(id);
  if (!entry || !canReadEntry(viewer, entry)) return null;
  const text = await store.repo.readFile(entry.path);
  // The file is read after the snapshot: it may have changed, even become restricted, in between.
  if (text === null || !canReadText(viewer, text)) return null;
  const blob = blobId(text);
  return { doc: entry.ok && entry.blob === blob ? entry : null, text, blob };
}
