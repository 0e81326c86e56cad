import type { ReviewEntry } from "./file";

/** The commit message of one review action (pure, so the history reads the same whoever made the commit). */
export function reviewCommitMessage(incidentId: string, entry: Pick<ReviewEntry, "action" | "reviewers" | "section" | "timeline">, approvals?: { have: number; needed: number }): string {
  switch (entry.action) {
    case "request_review":
      return `review(${incidentId}): request review from ${(entry.reviewers ?? []).join(", ")}`;
    case "comment":
      return `review(${incidentId}): comment${entry.timeline ? ` on timeline row ${entry.timeline}` : entry.section ? ` on section ${entry.section}` : ""}`;
    case "approve":
      return `review(${incidentId}): approve${approvals ? ` (${approvals.have} of ${approvals.needed})` : ""}`;
    case "request_changes":
      return `review(${incidentId}): request changes`;
    case "publish":
      return `incident(${incidentId}): publish after review${approvals ? ` (${approvals.have} of ${approvals.needed} approvals)` : ""}`;
  }
}
