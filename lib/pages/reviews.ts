import "server-only";
import { loadUsers, toViewer } from "../auth/users";
import { canEdit, canRead, type Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { configSection } from "../content/kaizen-config";
import type { ContentStore } from "../content/store";
import { getIncidentEntry, visibleContent } from "../knowledge/visible";
import { compileMdxCached } from "../mdx/cache";
import type { Problem } from "../schema/problems";
import { timelineRowIds, type ReviewAction } from "../reviews/file";
import { reviewFileAt, reviewsAt } from "../reviews/read";
import { decisionBlocker, isHandleOf, isRequestedReviewer, isWaitingFor, readyToPublish, reviewState, type Decision } from "../reviews/state";
import { reviewsWaitingFor } from "../reviews/waiting";
import { toRowData, type IncidentRowData } from "./incident-row";

export interface ReviewAnchor {
  kind: "section" | "timeline";
  id: string;
  label: string;
}

export interface ReviewItem {
  id: string;
  action: ReviewAction;
  by: string;
  name: string;
  at: string;
  text?: string;
  reviewers?: string[];
  anchor: ReviewAnchor | null;
}

/** What the review panel on the incident page shows and offers this viewer (no e-mail addresses). */
export interface ReviewPanelData {
  incidentId: string;
  status: "draft" | "in-review" | "published";
  reviewers: { handle: string; name: string; decision: Decision; at: string | null }[];
  approvals: number;
  needed: number;
  request: { by: string; name: string; at: string } | null;
  items: ReviewItem[];
  anchors: ReviewAnchor[];
  can: { comment: boolean; decide: boolean; requestReview: boolean };
  /** Why a requested reviewer cannot decide (the policy), shown instead of the buttons. */
  decideBlocker: string | null;
  waitingForMe: boolean;
  readyToPublish: boolean;
  /** People who may read the incident, offered when asking for reviewers. */
  candidates: { id: string; name: string }[];
  problems: Problem[];
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The review panel of one incident for this viewer; null when they may not read it. */
export async function getReviewPanel(viewer: Viewer, id: string, store: ContentStore = getStore()): Promise<ReviewPanelData | null> {
  const entry = await getIncidentEntry(viewer, id, store);
  if (!entry?.ok) return null;
  const snapshot = await store.snapshot();
  const fm = entry.frontmatter;
  const { policy, problems: policyProblems } = configSection(snapshot, "review");
  const file = await reviewFileAt(store, snapshot, id);
  const entries = file.ok ? file.entries : [];
  const state = reviewState(fm, entries, policy);
  const users = await loadUsers().catch(() => []);
  const nameOf = (handle: string) => users.find((u) => isHandleOf(handle, { id: u.username, email: u.email }))?.name ?? handle;

  const rowIds = timelineRowIds(fm.timeline);
  const toc = (await compileMdxCached(entry.body)).toc;
  const anchors: ReviewAnchor[] = [
    ...toc.filter((t) => t.depth <= 3).map((t): ReviewAnchor => ({ kind: "section", id: t.id, label: t.text })),
    ...fm.timeline.map((row, i): ReviewAnchor => ({ kind: "timeline", id: rowIds[i]!, label: `${row.at.slice(11, 16)} ${clip(row.event, 60)}` })),
  ];
  const anchorOf = (e: { section?: string; timeline?: string }): ReviewAnchor | null => {
    const kind = e.timeline ? "timeline" : e.section ? "section" : null;
    if (!kind) return null;
    const aid = (e.timeline ?? e.section)!;
    // An anchor whose heading or row was edited away keeps its id as the label.
    return anchors.find((a) => a.kind === kind && a.id === aid) ?? { kind, id: aid, label: aid };
  };
  const blocker = decisionBlocker(viewer, fm, policy);
  const editor = canEdit(viewer, fm);
  return {
    incidentId: id,
    status: fm.status,
    reviewers: state.reviewers.map((r) => ({ ...r, name: nameOf(r.handle) })),
    approvals: state.approvals,
    needed: state.needed,
    request: state.request ? { by: state.request.by, name: state.request.name ?? state.request.by, at: state.request.at } : null,
    items: entries.map((e) => ({ id: e.id, action: e.action, by: e.by, name: e.name ?? e.by, at: e.at, text: e.text, reviewers: e.reviewers, anchor: anchorOf(e) })),
    anchors,
    can: { comment: editor || isRequestedReviewer(viewer, fm), decide: blocker === null, requestReview: editor && fm.status !== "published" },
    decideBlocker: isRequestedReviewer(viewer, fm) && fm.status === "in-review" ? blocker : null,
    waitingForMe: isWaitingFor(viewer, fm, state),
    readyToPublish: readyToPublish(state),
    candidates: editor ? users.filter((u) => u.username !== viewer.id && canRead(toViewer(u), fm)).map((u) => ({ id: u.username, name: u.name })) : [],
    problems: [...(file.ok ? [] : file.problems), ...policyProblems],
  };
}

export interface WaitingReviewRow {
  incident: IncidentRowData;
  requestedBy: string | null;
  requestedAt: string | null;
  approvals: number;
  needed: number;
  comments: number;
}

/** "Reviews waiting for me": only incidents this viewer may read (visibleContent), asked and not yet decided. */
export async function getReviewsWaiting(viewer: Viewer, store: ContentStore = getStore()): Promise<WaitingReviewRow[]> {
  const visible = await visibleContent(viewer);
  const { files } = await reviewsAt(store, visible.snapshot);
  return reviewsWaitingFor(viewer, visible.incidents, files, visible.snapshot.config.review).map(({ incident, state }) => ({
    incident: toRowData(incident),
    requestedBy: state.request ? (state.request.name ?? state.request.by) : null,
    requestedAt: state.request?.at ?? null,
    approvals: state.approvals,
    needed: state.needed,
    comments: state.entries.filter((e) => e.action === "comment").length,
  }));
}

/** The number the nav link shows; 0 on any failure (a count must never take a page down). */
export async function waitingReviewCount(viewer: Viewer): Promise<number> {
  try {
    return (await getReviewsWaiting(viewer)).length;
  } catch (err) {
    console.error("[kaizen] counting reviews failed:", (err as Error).message);
    return 0;
  }
}
