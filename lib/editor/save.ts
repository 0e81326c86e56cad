import "server-only";
import { z } from "zod";
import { audit } from "../auth/audit";
import { denied } from "../auth/session";
import { canAuthor, canManageVisibility, canRead, type Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { parseIncidentText } from "../content/incident-file";
import { ConflictError } from "../content/repository";
import { INCIDENTS_DIR, type ContentStore, type IncidentDoc } from "../content/store";
import { AppError, isAppError } from "../errors";
import { ID_PATTERN } from "../schema/common";
import type { IncidentFrontmatter } from "../schema/incident";
import type { Problem } from "../schema/problems";
import { canSeeBroken } from "../incidents";
import { incidentCommitMessage } from "./commit-message";
import { incidentIdFrom } from "./ids";
import { refreshSearchIndex } from "../search/service";

/** Whole file, frontmatter included; the body alone is held to MDX_LIMITS.bytes (64 KB) with a located problem. */
export const MAX_INCIDENT_BYTES = 256 * 1024;

export const saveInputSchema = z.object({
  /** The incident being edited; absent when creating. */
  id: z.string().regex(ID_PATTERN).optional(),
  /** A new id to rename to (edits only). */
  newId: z.string().regex(ID_PATTERN, "ids are lowercase letters, digits and dashes").optional(),
  /** Blob id of the text the edit started from; null when creating. */
  baseBlob: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
  /** The whole file: YAML frontmatter and MDX body. */
  text: z.string().min(1).max(MAX_INCIDENT_BYTES, "the file is larger than 256 KB: post-mortems are far smaller; link to long logs instead of pasting them"),
});
export type SaveInput = z.infer<typeof saveInputSchema>;

export type SaveResult =
  | { ok: true; id: string; blob: string; commit: string; created: boolean }
  | { ok: false; reason: "invalid"; problems: Problem[] }
  | { ok: false; reason: "conflict"; currentText: string | null; currentBlob: string | null; message: string };

function sameVisibility(a: Pick<IncidentFrontmatter, "visibility" | "groups"> | null, b: Pick<IncidentFrontmatter, "visibility" | "groups">): boolean {
  const va = a?.visibility ?? "internal";
  const ga = [...(a?.groups ?? [])].sort().join(",");
  return va === b.visibility && ga === [...b.groups].sort().join(",");
}

/**
 * The one save path (editor, API, CLI, countermeasure updates): who is asking → may they → validate → compare-and-
 * swap commit with a message from a pure function → update the model and the search index. Conflicts and invalid
 * input come back as results (never thrown), so the caller can keep the user's text and show why.
 */
export async function saveIncident(viewer: Viewer, raw: unknown, store: ContentStore = getStore()): Promise<SaveResult> {
  const parsed = saveInputSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  const input = parsed.data;
  if (!canAuthor(viewer)) throw await denied(viewer, "save", input.id ?? "new incident", "authors and admins only");

  const snapshot = await store.forceRefresh();
  const existing = input.id ? snapshot.byId.get(input.id) : undefined;
  if (input.id) {
    const visible = existing && (existing.ok ? canRead(viewer, existing.frontmatter) : canSeeBroken(viewer, existing));
    // Unknown and not-visible look alike. A file deleted since the editor opened is a conflict, not a 404.
    if (existing && !visible) throw await denied(viewer, "save", input.id, "not found");
    if (!existing && input.baseBlob !== null) {
      return { ok: false, reason: "conflict", currentText: null, currentBlob: null, message: "This incident was deleted or renamed since you started editing." };
    }
  }

  const oldId = input.id;
  let id = input.newId ?? oldId;
  const file = (x: string) => `${INCIDENTS_DIR}/${x}.mdx`;
  const check = parseIncidentText(file(id ?? "new"), input.text, snapshot.taxonomy);
  if (!check.ok) return { ok: false, reason: "invalid", problems: check.problems };
  const fm = check.frontmatter;

  const before = existing?.ok ? existing : null;
  if (!sameVisibility(before?.frontmatter ?? null, fm) && !(fm.visibility === "internal" && !before) && !canManageVisibility(viewer)) {
    throw await denied(viewer, "change visibility", oldId ?? "new incident", "only admins change who may read an incident");
  }
  if (!canRead(viewer, fm)) throw new AppError("bad_request", "you would no longer be able to read this incident: add one of your groups");

  if (!id) id = incidentIdFrom(fm.title, fm.started_at ?? fm.timeline[0]?.at, (x) => snapshot.byId.has(x));
  if (oldId && id !== oldId && snapshot.byId.has(id)) {
    return { ok: false, reason: "invalid", problems: [{ file: file(id), line: 1, col: 1, field: "id", message: `an incident with the id "${id}" already exists`, severity: "error" }] };
  }
  const message = incidentCommitMessage(id, before ? { frontmatter: before.frontmatter, body: before.body } : null, { frontmatter: fm, body: check.body }, oldId);
  try {
    const { commit, snapshot: after } = await store.commit(
      [{ path: file(id), content: input.text, baseBlob: oldId ? input.baseBlob : null, renamedFrom: oldId && oldId !== id ? file(oldId) : undefined }],
      message,
      { name: viewer.name || viewer.id, email: viewer.email || `${viewer.id}@kaizen.local` },
    );
    const saved = after.byId.get(id);
    if (!sameVisibility(before?.frontmatter ?? null, fm)) {
      await audit({ type: "visibility-change", user: viewer.id, incident: id, from: before?.frontmatter.visibility ?? "none", to: fm.visibility, groups: fm.groups });
    }
    // The commit exists; a lagging index is brought up to date by its next request, so a failure here is logged only.
    await refreshSearchIndex(store).catch((err: unknown) => console.error("[kaizen] search index update failed:", (err as Error).message));
    return { ok: true, id, blob: saved?.blob ?? "", commit, created: !oldId };
  } catch (err) {
    const conflict = conflictOf(err);
    if (conflict) {
      return { ok: false, reason: "conflict", ...conflict, message: "Someone saved this incident after you started editing. Your text is kept: compare and merge, then save again." };
    }
    throw err;
  }
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
  if (!entry) return null;
  if (entry.ok ? !canRead(viewer, entry.frontmatter) : !canSeeBroken(viewer, entry)) return null;
  const text = await store.repo.readFile(entry.path);
  if (text === null) return null;
  return { doc: entry.ok ? entry : null, text, blob: entry.blob };
}
