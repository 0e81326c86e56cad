import "server-only";
import { randomBytes } from "node:crypto";
import { denied } from "../auth/session";
import { findUserByLogin, toViewer } from "../auth/users";
import { canEdit, canRead, type Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { frontmatterRegions, parseYaml } from "../content/frontmatter";
import { parseIncidentTextWith } from "../content/incident-file";
import type { FileChange } from "../content/repository";
import { configSection } from "../content/kaizen-config";
import type { ContentStore, IncidentDoc, Snapshot } from "../content/store";
import { editYaml } from "../content/yaml-edit";
import { AppError, isAppError } from "../errors";
import { canReadEntry } from "../knowledge/facts";
import { compileMdxCached } from "../mdx/cache";
import type { DeliveryReport } from "../notify/deliver";
import { notifyAfterSave, notifyReviewRequested } from "../notify/hook";
import { checkMdxOffThread } from "../mdx/off-thread";
import { ID_PATTERN } from "../schema/common";
import type { IncidentFrontmatter, IncidentStatus } from "../schema/incident";
import type { ReviewPolicy } from "../schema/review-policy";
import { refreshSearchIndex } from "../search/service";
import { reviewCommitMessage } from "./commit-message";
import { appendReviewEntry, reviewFile, ReviewFileError, timelineRowIds, type ReviewEntry } from "./file";
import { describeIssues, reviewActionSchema, type ReviewActionInput } from "./input";
import { reviewFileAt } from "./read";
import { decisionBlocker, isHandleOf, isRequestedReviewer, readyToPublish, reviewState } from "./state";

export interface ReviewActionOptions {
  store?: ContentStore;
  now?: () => Date;
  /** The app's public URL, for links in notifications. */
  baseUrl?: string;
  /**
   * Sends the channel messages of the action (lib/notify: "review requested", and "published" or a recurrence when the
   * status changed); default: in the background, failures logged, the action never waits for them.
   */
  notify?: (send: () => Promise<DeliveryReport[]>) => void;
}

export interface ReviewActionResult {
  ok: true;
  /** The commit of the action (and the publish commit, when the approval completed the review). */
  commits: string[];
  status: IncidentStatus;
  published: boolean;
}

/** How often an action is rebuilt on a fresh revision when another save landed between reading and committing. */
const CAS_ATTEMPTS = 4;

const isConflict = (err: unknown) => isAppError(err) && err.code === "conflict";
const authorOf = (viewer: Viewer) => ({ name: viewer.name || viewer.id, email: viewer.email || `${viewer.id}@kaizen.local` });

// lib/notify logs each failed delivery by channel label; this only catches what should never happen.
function backgroundNotify(send: () => Promise<DeliveryReport[]>): void {
  void send().catch((err: unknown) => console.error("[kaizen] review notifications failed:", (err as Error).message));
}

/** The incident file with `status` (and `reviewers`) set, every other byte kept; validated like any save. */
async function withReviewFields(doc: IncidentDoc, raw: string, fields: { status: IncidentStatus; reviewers?: string[] }, snapshotTaxonomy: Parameters<typeof parseIncidentTextWith>[2]): Promise<string> {
  const regions = frontmatterRegions(raw);
  const data = regions ? parseYaml(regions.yaml) : null;
  if (!regions || !data || typeof data !== "object" || Array.isArray(data)) throw new AppError("bad_request", "the incident file has no frontmatter that can be edited");
  const target: Record<string, unknown> = { ...(data as Record<string, unknown>), status: fields.status };
  if (fields.reviewers) {
    // New keys go after `authors` when there is one (where a reader looks for people), else at the end.
    const entries = Object.entries(target).filter(([k]) => k !== "reviewers");
    const at = entries.findIndex(([k]) => k === "authors");
    entries.splice(at < 0 ? entries.length : at + 1, 0, ["reviewers", fields.reviewers]);
    Object.keys(target).forEach((k) => delete target[k]);
    for (const [k, v] of entries) target[k] = v;
  }
  const yaml = editYaml(regions.yaml, target);
  const text = regions.open + (yaml === "" || yaml.endsWith("\n") ? yaml : `${yaml}\n`) + regions.close + regions.body;
  const check = await parseIncidentTextWith(doc.path, text, snapshotTaxonomy, checkMdxOffThread);
  if (!check.ok) throw new AppError("bad_request", `the incident does not validate after the review change: ${check.problems.map((p) => `${p.field} ${p.message}`).join("; ")}`, check.problems);
  return text;
}

/** Checks a comment's anchor against what the incident has now: one of its section headings or timeline rows. */
async function checkAnchor(doc: IncidentDoc, input: { section?: string; timeline?: string }): Promise<void> {
  if (input.section && input.timeline) throw new AppError("bad_request", "timeline: a comment has one anchor, a section or a timeline row");
  if (input.timeline && !timelineRowIds(doc.frontmatter.timeline).includes(input.timeline)) {
    throw new AppError("bad_request", `timeline: no timeline row "${input.timeline}" in this incident`);
  }
  if (input.section) {
    const toc = (await compileMdxCached(doc.body)).toc;
    if (!toc.some((t) => t.id === input.section)) throw new AppError("bad_request", `section: no section "${input.section}" in this incident`);
  }
}

/** Who may be asked: not nobody, not oneself (unless self-approval), enough for the policy, able to read the incident. */
async function checkReviewers(viewer: Viewer, doc: IncidentDoc, reviewers: string[], policy: ReviewPolicy): Promise<string[]> {
  const unique = [...new Map(reviewers.map((r) => [r.toLowerCase(), r])).values()];
  if (!policy.self_approval && unique.some((r) => isHandleOf(r, viewer))) throw new AppError("bad_request", "reviewers: ask someone other than yourself");
  if (unique.length < policy.approvals) {
    throw new AppError("bad_request", `reviewers: the review policy needs ${policy.approvals} approvals, so ask at least ${policy.approvals} reviewers`);
  }
  for (const r of unique) {
    const user = await findUserByLogin(r);
    // Accounts from an identity provider are not listed locally; a local account that cannot read it is refused.
    if (user && !canRead(toViewer(user), doc.frontmatter)) throw new AppError("bad_request", `reviewers: ${r} may not read this incident`);
  }
  return unique;
}

/**
 * One review action by the signed-in viewer, each its own commit authored by them: parse → who → may they → append to
 * reviews/<id>.yml (and edit the incident's status) through the store's compare-and-swap commit → update the search
 * index. An approval that completes the policy's count publishes the incident in a second commit. A save landing in
 * between is not an error: the action is rebuilt on the new revision (a review file is only appended to).
 */
export async function performReviewAction(viewer: Viewer, incidentId: string, raw: unknown, options: ReviewActionOptions = {}): Promise<ReviewActionResult> {
  const parsed = reviewActionSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_request", describeIssues(parsed.error));
  const input: ReviewActionInput = parsed.data;
  const store = options.store ?? getStore();
  const now = options.now ?? (() => new Date());
  if (!ID_PATTERN.test(incidentId)) throw new AppError("not_found", "not found");

  const commits: string[] = [];
  let notice: (() => Promise<DeliveryReport[]>) | null = null;
  for (let attempt = 1; ; attempt++) {
    const snapshot = await store.forceRefresh();
    const entry = snapshot.byId.get(incidentId);
    if (!entry || !canReadEntry(viewer, entry)) throw await denied(viewer, `review ${input.action}`, `incidents/${incidentId}`, "not found");
    if (!entry.ok) throw new AppError("bad_request", "the incident file does not validate; fix it in the editor first");
    const fm = entry.frontmatter;
    const { policy } = configSection(snapshot, "review");
    const file = await reviewFileAt(store, snapshot, incidentId);
    if (!file.ok) throw new ReviewFileAppError(new ReviewFileError(incidentId, file.problems));

    const base: Omit<ReviewEntry, "action"> = { id: randomBytes(5).toString("hex"), by: viewer.id, name: viewer.name || undefined, email: viewer.email || undefined, at: now().toISOString().replace(/\.\d{3}Z$/, "Z") };
    const changes: FileChange[] = [];
    let reviewEntry: ReviewEntry;
    if (input.action === "request_review") {
      if (!canEdit(viewer, fm)) throw await denied(viewer, "request review", `incidents/${incidentId}`, "authors and admins only");
      if (fm.status === "published") throw new AppError("bad_request", "action: this incident is already published");
      const reviewers = await checkReviewers(viewer, entry, input.reviewers, policy);
      reviewEntry = { ...base, action: "request_review", reviewers };
      const rawIncident = await store.repo.readFile(entry.path);
      if (rawIncident === null) throw new AppError("conflict", "the incident was removed meanwhile");
      changes.push({ path: entry.path, content: await withReviewFields(entry, rawIncident, { status: "in-review", reviewers }, snapshot.taxonomy), baseBlob: entry.blob });
    } else if (input.action === "comment") {
      if (!canEdit(viewer, fm) && !isRequestedReviewer(viewer, fm)) throw await denied(viewer, "comment", `incidents/${incidentId}`, "authors and requested reviewers only");
      await checkAnchor(entry, input);
      reviewEntry = { ...base, action: "comment", text: input.text, ...(input.section ? { section: input.section } : {}), ...(input.timeline ? { timeline: input.timeline } : {}) };
    } else {
      const why = decisionBlocker(viewer, fm, policy);
      if (why) throw await denied(viewer, input.action, `incidents/${incidentId}`, why);
      reviewEntry = { ...base, action: input.action, ...(input.text ? { text: input.text } : {}) };
    }
    let stateAfter = reviewState(fm, [...file.entries, reviewEntry], policy);
    changes.push({ path: reviewFile(incidentId), content: appendReviewEntry(incidentId, file.raw, reviewEntry), baseBlob: file.blob });
    const message = reviewCommitMessage(incidentId, reviewEntry, input.action === "approve" ? { have: stateAfter.approvals, needed: stateAfter.needed } : undefined);
    try {
      const { commit, snapshot: after } = await store.commit(changes, message, authorOf(viewer));
      commits.push(commit);
      const notifyOptions = options.baseUrl ? { baseUrl: options.baseUrl } : {};
      if (input.action === "request_review") {
        const reviewers = reviewEntry.reviewers ?? [];
        // The request itself, and what a save leaving draft announces (a recurrence of this incident's factors).
        notice = async () =>
          (
            await Promise.all([
              notifyReviewRequested({ store, id: incidentId, after, requester: { id: viewer.id, name: viewer.name }, reviewers }, notifyOptions),
              notifyAfterSave({ store, id: incidentId, previous: fm, before: snapshot, after }, notifyOptions),
            ])
          ).flat();
      }
      if (input.action === "approve" && readyToPublish(stateAfter)) {
        const published = await publish(viewer, incidentId, store, after, now, policy);
        if (published) {
          commits.push(published.commit);
          stateAfter = { ...stateAfter, status: "published" };
          // "Post-mortem published" goes out for a review's publish exactly as for a save's.
          notice = () => notifyAfterSave({ store, id: incidentId, previous: published.previous, before: published.before, after: published.after }, notifyOptions);
        }
      }
      break;
    } catch (err) {
      if (isConflict(err) && attempt < CAS_ATTEMPTS) continue;
      throw err;
    }
  }
  await refreshSearchIndex(store).catch((err: unknown) => console.error("[kaizen] search index update failed:", (err as Error).message));
  if (notice) (options.notify ?? backgroundNotify)(notice);
  const final = (await store.snapshot()).byId.get(incidentId);
  const status = final?.ok ? final.frontmatter.status : "in-review";
  return { ok: true, commits, status, published: commits.length > 1 && input.action === "approve" };
}

/** The publish commit: status → published, and a `publish` entry in the review file; re-checked on the new revision. */
async function publish(viewer: Viewer, incidentId: string, store: ContentStore, startSnapshot: Snapshot, now: () => Date, policy: ReviewPolicy): Promise<{ commit: string; previous: IncidentFrontmatter; before: Snapshot; after: Snapshot } | null> {
  let snapshot = startSnapshot;
  for (let attempt = 1; ; attempt++) {
    const entry = snapshot.byId.get(incidentId);
    if (!entry?.ok || !canReadEntry(viewer, entry)) return null;
    const file = await reviewFileAt(store, snapshot, incidentId);
    if (!file.ok) return null;
    const state = reviewState(entry.frontmatter, file.entries, policy);
    if (!readyToPublish(state)) return null;
    const raw = await store.repo.readFile(entry.path);
    if (raw === null) return null;
    const publishEntry: ReviewEntry = { id: randomBytes(5).toString("hex"), action: "publish", by: viewer.id, name: viewer.name || undefined, email: viewer.email || undefined, at: now().toISOString().replace(/\.\d{3}Z$/, "Z"), text: `${state.approvals} of ${state.needed} approvals` };
    const changes: FileChange[] = [
      { path: entry.path, content: await withReviewFields(entry, raw, { status: "published" }, snapshot.taxonomy), baseBlob: entry.blob },
      { path: reviewFile(incidentId), content: appendReviewEntry(incidentId, file.raw, publishEntry), baseBlob: file.blob },
    ];
    try {
      const { commit, snapshot: after } = await store.commit(changes, reviewCommitMessage(incidentId, publishEntry, { have: state.approvals, needed: state.needed }), authorOf(viewer));
      return { commit, previous: entry.frontmatter, before: snapshot, after };
    } catch (err) {
      if (isConflict(err) && attempt < CAS_ATTEMPTS) {
        snapshot = await store.forceRefresh();
        continue;
      }
      throw err;
    }
  }
}

/** A broken review file, as the one error type (400, with its located problems as details). */
class ReviewFileAppError extends AppError {
  constructor(err: ReviewFileError) {
    super("bad_request", `${err.message}: fix the file in the content repository`, err.problems);
  }
}
