import type { Viewer } from "../auth/viewer";
import { canRead } from "../auth/viewer";
import type { IncidentFrontmatter, IncidentStatus } from "../schema/incident";
import type { ReviewPolicy } from "../schema/review-policy";
import type { ReviewEntry } from "./file";

export type Decision = "pending" | "approved" | "changes_requested";

export interface ReviewerState {
  handle: string;
  decision: Decision;
  /** When the decision was given (null while pending). */
  at: string | null;
}

export interface ReviewState {
  status: IncidentStatus;
  reviewers: ReviewerState[];
  approvals: number;
  needed: number;
  /** The latest review request (a new request starts a new round: decisions before it no longer count). */
  request: { by: string; name?: string; at: string } | null;
  /** Everything recorded, oldest first. */
  entries: ReviewEntry[];
}

/** Does this handle (a user id or an e-mail, as written in `reviewers` or `authors`) name this user? */
export function isHandleOf(handle: string, user: { id: string; email?: string }): boolean {
  const h = handle.trim().toLowerCase();
  return h === user.id.toLowerCase() || (!!user.email && h === user.email.toLowerCase());
}

const entryUser = (e: ReviewEntry) => ({ id: e.by, email: e.email });

/** The review state of one incident: who was asked in the current round, what each decided, approvals against policy. */
export function reviewState(fm: IncidentFrontmatter, entries: readonly ReviewEntry[], policy: ReviewPolicy): ReviewState {
  let start = 0;
  let request: ReviewState["request"] = null;
  entries.forEach((e, i) => {
    if (e.action === "request_review") {
      start = i;
      request = { by: e.by, name: e.name, at: e.at };
    }
  });
  const round = entries.slice(start);
  const reviewers = (fm.reviewers ?? []).map((handle): ReviewerState => {
    let state: ReviewerState = { handle, decision: "pending", at: null };
    for (const e of round) {
      if (!isHandleOf(handle, entryUser(e))) continue;
      if (e.action === "approve") state = { handle, decision: "approved", at: e.at };
      if (e.action === "request_changes") state = { handle, decision: "changes_requested", at: e.at };
    }
    return state;
  });
  return {
    status: fm.status,
    reviewers,
    approvals: reviewers.filter((r) => r.decision === "approved").length,
    needed: policy.approvals,
    request,
    entries: [...entries],
  };
}

/** Is the viewer one of the incident's requested reviewers? */
export function isRequestedReviewer(viewer: Viewer, fm: IncidentFrontmatter): boolean {
  return (fm.reviewers ?? []).some((h) => isHandleOf(h, viewer));
}

/** Is the viewer an author of the incident (by its `authors` list)? */
export function isIncidentAuthor(viewer: Viewer, fm: IncidentFrontmatter): boolean {
  return fm.authors.some((h) => isHandleOf(h, viewer));
}

/**
 * May the viewer approve or request changes: reads the incident, it is in review, they were asked, and the policy's
 * approvers (roles, users) and self-approval rule allow them. Returns the reason when not.
 */
export function decisionBlocker(viewer: Viewer, fm: IncidentFrontmatter, policy: ReviewPolicy): string | null {
  if (!canRead(viewer, fm)) return "not found";
  if (fm.status !== "in-review") return "the incident is not in review";
  if (!isRequestedReviewer(viewer, fm)) return "only requested reviewers decide";
  const a = policy.approvers;
  if (a && (a.roles || a.users)) {
    const byRole = a.roles?.includes(viewer.role) ?? false;
    const byName = a.users?.some((u) => isHandleOf(u, viewer)) ?? false;
    if (!byRole && !byName) return "the review policy does not let you approve";
  }
  if (!policy.self_approval && isIncidentAuthor(viewer, fm)) return "authors do not approve their own post-mortem (review.self_approval)";
  return null;
}

/** Is this review waiting for the viewer: in review, they may read it, they were asked and have not decided this round. */
export function isWaitingFor(viewer: Viewer, fm: IncidentFrontmatter, state: ReviewState): boolean {
  if (fm.status !== "in-review" || !canRead(viewer, fm)) return false;
  return state.reviewers.some((r) => r.decision === "pending" && isHandleOf(r.handle, viewer));
}

/** Have the approvals the policy asks for come in (and nobody in this round asked for changes since)? */
export function readyToPublish(state: ReviewState): boolean {
  return state.status === "in-review" && state.approvals >= state.needed && !state.reviewers.some((r) => r.decision === "changes_requested");
}
