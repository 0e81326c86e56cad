import "server-only";
import { z } from "zod";
import { denied } from "../auth/session";
import { canAuthor, type Viewer } from "../auth/viewer";
import { splitDocument } from "../content/frontmatter";
import { AppError } from "../errors";
import { applyCountermeasureUpdate, countermeasurePatchSchema } from "../followups/update";
import { defaultTimeZone, localDate } from "../knowledge/dates";
import { visibleContent } from "../knowledge/visible";
import { checkMdxOffThread } from "../mdx/off-thread";
import { ID_PATTERN } from "../schema/common";
import { evidenceRequired } from "../schema/followup-policy";
import { hasEvidenceLink } from "../followups/policy";
import type { CountermeasureStatus } from "../schema/incident";
import { loadForEdit, saveIncident, type SaveResult } from "./save";

export const countermeasureUpdateSchema = z.strictObject({
  incidentId: z.string().regex(ID_PATTERN),
  cmId: z.string().regex(ID_PATTERN),
  baseBlob: z.string().regex(/^[0-9a-f]{40}$/),
  patch: countermeasurePatchSchema,
});

export interface CountermeasureState {
  status: CountermeasureStatus;
  owner: string;
  due: string;
}

/** A save result; a conflict also says what the countermeasure looks like now. */
export type CountermeasureUpdateResult = SaveResult & { current?: CountermeasureState | null };

const CONFLICT = "Someone changed this incident since the page loaded. Your values are kept: check the current state and save again.";

/**
 * Changes status, owner or due date of one countermeasure from the dashboard: who is asking → may they → is the base
 * revision still current → edit only those YAML lines → the editor's compare-and-swap save.
 */
export async function updateCountermeasure(viewer: Viewer, raw: unknown): Promise<CountermeasureUpdateResult> {
  const parsed = countermeasureUpdateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("bad_request", parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  }
  const { incidentId, cmId, baseBlob, patch } = parsed.data;
  if (!canAuthor(viewer)) throw await denied(viewer, "update countermeasure", incidentId, "authors and admins only");
  const loaded = await loadForEdit(viewer, incidentId);
  if (!loaded) throw await denied(viewer, "update countermeasure", incidentId, "not found");

  const stateOf = (doc: typeof loaded.doc): CountermeasureState | null => {
    const cm = doc?.frontmatter.countermeasures.find((c) => c.id === cmId);
    return cm ? { status: cm.status, owner: cm.owner, due: cm.due } : null;
  };
  if (loaded.blob !== baseBlob) {
    return { ok: false, reason: "conflict", currentText: loaded.text, currentBlob: loaded.blob, message: CONFLICT, current: stateOf(loaded.doc) };
  }
  const { snapshot } = await visibleContent(viewer);
  const policy = snapshot.config.followups;
  const cm = loaded.doc?.frontmatter.countermeasures.find((c) => c.id === cmId);
  if (cm && patch.status === "done" && cm.status !== "done" && evidenceRequired(policy, cm.type) && !patch.evidence?.url?.trim() && !hasEvidenceLink(cm.evidence)) {
    throw new AppError("bad_request", `evidence.url: kaizen.yml requires an evidence link (a merged PR, a ticket, an alert) to mark ${cm.type} countermeasures done`);
  }
  // The body is checked once, off the request thread; the update itself only edits the frontmatter.
  const split = splitDocument(loaded.text);
  const checkedBody = split.ok ? { body: split.doc.body, problems: await checkMdxOffThread(split.doc.body) } : undefined;
  const text = applyCountermeasureUpdate(loaded.text, cmId, patch, localDate(new Date(), defaultTimeZone()), {
    file: loaded.doc?.path,
    taxonomy: loaded.doc ? snapshot.taxonomy : undefined,
    checkedBody,
    actor: viewer.email || viewer.id,
    verifyAfterDays: policy.verify_after_days,
  });
  // Setting a field to the value it already has is not worth a commit.
  if (text === loaded.text) return { ok: true, id: incidentId, blob: loaded.blob, commit: "", created: false };
  const result = await saveIncident(viewer, { id: incidentId, baseBlob, text });
  if (result.ok || result.reason !== "conflict") return result;
  const now = await loadForEdit(viewer, incidentId);
  return { ...result, message: CONFLICT, current: now ? stateOf(now.doc) : null };
}
