import type { Taxonomy } from "../schema/taxonomy";
import { COUNTERMEASURE_TYPES, type CountermeasureType } from "../schema/incident";
import { daysBetween, toLocalDate } from "../knowledge/dates";
import type { FollowupRow } from "./rows";

export interface EffectivenessFigures {
  /** Done countermeasures that address at least one factor (of this type or category). */
  done: number;
  /** Of those, how many saw an addressed factor appear in a later incident. */
  followedByRecurrence: number;
  /** followedByRecurrence / done; null when nothing is done. */
  rate: number | null;
  text: string;
}

export type TypeEffectiveness = EffectivenessFigures & { type: CountermeasureType };
export type CategoryEffectiveness = EffectivenessFigures & { category: string; name: string };

export interface Effectiveness {
  byType: TypeEffectiveness[];
  /** Categories with at least one done countermeasure, most done first. */
  byCategory: CategoryEffectiveness[];
}

function figures(subject: string, done: number, followedByRecurrence: number): EffectivenessFigures {
  return {
    done,
    followedByRecurrence,
    rate: done ? followedByRecurrence / done : null,
    text: `${subject} were followed by recurrence in ${followedByRecurrence} of ${done} ${done === 1 ? "case" : "cases"}`,
  };
}

/**
 * How often a factor came back after a countermeasure addressing it was done, per countermeasure type and per factor
 * category. Pass every visible row (not a filtered page): recurrence is already computed on each row.
 */
export function countermeasureEffectiveness(rows: readonly FollowupRow[], taxonomy?: Taxonomy): Effectiveness {
  const done = rows.filter((r) => r.status === "done" && r.done_at && r.factors.length > 0);
  const byType = COUNTERMEASURE_TYPES.map((type) => {
    const of = done.filter((r) => r.type === type);
    return { type, ...figures(`${type}-type countermeasures`, of.length, of.filter((r) => r.recurrenceCount > 0).length) };
  });

  const categoryOf = (factor: string) => taxonomy?.get(factor)?.category ?? "uncategorized";
  const counts = new Map<string, { done: number; recurred: number }>();
  for (const r of done) {
    const recurred = new Set(r.recurredFactors.map(categoryOf));
    for (const c of new Set(r.factors.map(categoryOf))) {
      const n = counts.get(c) ?? { done: 0, recurred: 0 };
      n.done++;
      if (recurred.has(c)) n.recurred++;
      counts.set(c, n);
    }
  }
  const byCategory = [...counts]
    .map(([category, n]) => {
      const name = taxonomy?.category(category)?.name ?? category;
      return { category, name, ...figures(`countermeasures addressing ${name.toLowerCase()} factors`, n.done, n.recurred) };
    })
    .sort((a, b) => b.done - a.done || a.name.localeCompare(b.name));
  return { byType, byCategory };
}

export const VERIFICATIONS = ["verified", "unverified", "failed"] as const;
export type Verification = (typeof VERIFICATIONS)[number];

/** What a done countermeasure has shown so far. */
export interface CountermeasureOutcome {
  /**
   * failed: an addressed factor recurred after done; verified: evidence is recorded and verify_by has passed (or
   * someone answered "held") without a recurrence; unverified: neither yet.
   */
  verification: Verification;
  /** Calendar days from done to the first recurrence, or to today when none; null without done_at. */
  daysWithoutRecurrence: number | null;
  /** Done, verify_by reached and nobody has yet answered "did it hold?". */
  askIfHeld: boolean;
}

/** The outcome of one countermeasure row (null unless done), from the recurrence facts already on the row. */
export function countermeasureOutcome(
  row: Pick<FollowupRow, "status" | "done_at" | "evidence" | "verify_by" | "recurrenceCount" | "recurredAfterDone">,
  today: string,
  timeZone: string,
): CountermeasureOutcome | null {
  if (row.status !== "done") return null;
  const doneDate = row.done_at ? toLocalDate(row.done_at, timeZone) : null;
  const first = row.recurredAfterDone[0];
  const until = first ? toLocalDate(first.started_at, timeZone) : today;
  const daysWithoutRecurrence = doneDate ? Math.max(0, daysBetween(doneDate, until)) : null;
  const evidence = (row.evidence ?? []).filter((e) => e.verdict !== "did-not-hold");
  const answered = evidence.some((e) => e.verdict === "held");
  const verifyDate = row.verify_by ? toLocalDate(row.verify_by, timeZone) : null;
  const reached = verifyDate !== null && today >= verifyDate;
  const verification: Verification = row.recurrenceCount > 0 ? "failed" : evidence.length > 0 && (answered || (verifyDate !== null && today > verifyDate)) ? "verified" : "unverified";
  return { verification, daysWithoutRecurrence, askIfHeld: reached && !answered };
}

export interface FactorEffectiveness {
  done: number;
  verified: number;
  unverified: number;
  failed: number;
}

/** Verified / unverified / failed counts of the done countermeasures addressing one factor (canonical id). */
export function factorEffectiveness(rows: readonly FollowupRow[], factor: string): FactorEffectiveness {
  const out: FactorEffectiveness = { done: 0, verified: 0, unverified: 0, failed: 0 };
  for (const r of rows) {
    if (!r.outcome || !r.factors.includes(factor)) continue;
    out.done++;
    out[r.outcome.verification]++;
  }
  return out;
}
