import { addDays, formatDate, toLocalDate } from "../knowledge/dates";
import { isOpen } from "../knowledge/facts";
import { evidenceRequired, targetDays, type FollowupPolicy } from "../schema/followup-policy";
import type { Countermeasure, Evidence, Severity } from "../schema/incident";

export const BREACH_KINDS = ["due-beyond-target", "past-target", "missing-evidence"] as const;
export type BreachKind = (typeof BREACH_KINDS)[number];

export const BREACH_LABEL: Record<BreachKind, string> = {
  "due-beyond-target": "Due after the policy target",
  "past-target": "Open past the policy target",
  "missing-evidence": "Done without evidence",
};

/** One way a countermeasure falls short of the kaizen.yml `followups:` policy. */
export interface PolicyBreach {
  kind: BreachKind;
  /** The countermeasure field to fix (for lint locations). */
  field: "due" | "status" | "evidence";
  message: string;
  /** The latest acceptable due date under the policy, when a target applies. */
  targetDate: string | null;
}

/** What the policy needs to know of the incident a countermeasure belongs to. */
export interface PolicySubject {
  severity: Severity | null;
  /** The incident's start as a calendar date in the organization's time zone; null when undated. */
  createdDate: string | null;
}

/** Evidence that proves something: an entry with a link (a note alone is an opinion, not proof). */
export function hasEvidenceLink(evidence: readonly Evidence[] | undefined): boolean {
  return (evidence ?? []).some((e) => e.url !== undefined);
}

/** The latest due date the policy accepts for this countermeasure, or null when no target applies. */
export function policyTargetDate(cm: Pick<Countermeasure, "type">, subject: PolicySubject, policy: FollowupPolicy): string | null {
  const days = targetDays(policy, subject.severity, cm.type);
  return days === null || !subject.createdDate ? null : addDays(subject.createdDate, days);
}

/**
 * Every breach of the follow-up policy by one countermeasure. `today` (a calendar date) adds the time-dependent one,
 * "still open after the target date"; without it (lint) only what the file itself says is checked. A done
 * countermeasure finished by its target date is not a breach, whatever its due date said; won't-do ones never are.
 */
export function countermeasureBreaches(
  cm: Pick<Countermeasure, "type" | "status" | "due" | "done_at" | "evidence">,
  subject: PolicySubject,
  policy: FollowupPolicy,
  options: { today?: string; timeZone?: string } = {},
): PolicyBreach[] {
  if (cm.status === "wont-do") return [];
  const out: PolicyBreach[] = [];
  const target = policyTargetDate(cm, subject, policy);
  const zone = options.timeZone ?? "UTC";
  if (target) {
    const due = toLocalDate(cm.due, zone);
    const doneInTime = cm.status === "done" && cm.done_at !== undefined && toLocalDate(cm.done_at, zone) <= target;
    const days = targetDays(policy, subject.severity, cm.type);
    if (due > target && !doneInTime) {
      out.push({ kind: "due-beyond-target", field: "due", targetDate: target, message: `due ${formatDate(due)} is after the policy target ${formatDate(target)} (${days} days after the ${subject.severity ?? "incident"} start, for ${cm.type} countermeasures)` });
    }
    if (options.today && isOpen(cm.status) && options.today > target) {
      out.push({ kind: "past-target", field: "status", targetDate: target, message: `still ${cm.status} after the policy target ${formatDate(target)}` });
    }
  }
  if (cm.status === "done" && evidenceRequired(policy, cm.type) && !hasEvidenceLink(cm.evidence)) {
    out.push({ kind: "missing-evidence", field: "evidence", targetDate: target, message: `done without an evidence link: kaizen.yml requires evidence for ${cm.type} countermeasures` });
  }
  return out;
}
