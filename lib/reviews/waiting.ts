import type { Viewer } from "../auth/viewer";
import type { IncidentDoc } from "../content/store";
import { canReadEntry } from "../knowledge/facts";
import type { ReviewPolicy } from "../schema/review-policy";
import type { ParsedReviewFile } from "./file";
import { isRequestedReviewer, isWaitingFor, reviewState, type ReviewState } from "./state";

export interface WaitingReview {
  incident: IncidentDoc;
  state: ReviewState;
}

/**
 * The reviews waiting for this viewer, oldest request first: in review, readable by them (checked here again, whatever
 * list the caller passes), they were asked and have not approved or requested changes since the latest request.
 */
export function reviewsWaitingFor(viewer: Viewer, incidents: readonly IncidentDoc[], files: ReadonlyMap<string, ParsedReviewFile>, policy: ReviewPolicy): WaitingReview[] {
  const out: WaitingReview[] = [];
  for (const incident of incidents) {
    const fm = incident.frontmatter;
    if (fm.status !== "in-review" || !canReadEntry(viewer, incident) || !isRequestedReviewer(viewer, fm)) continue;
    const file = files.get(incident.id);
    const state = reviewState(fm, file?.ok ? file.entries : [], policy);
    if (isWaitingFor(viewer, fm, state)) out.push({ incident, state });
  }
  return out.sort((a, b) => (a.state.request?.at ?? "").localeCompare(b.state.request?.at ?? "") || a.incident.id.localeCompare(b.incident.id));
}
