import type { Taxonomy } from "../schema/taxonomy";
import { COUNTERMEASURE_TYPES, type CountermeasureType } from "../schema/incident";
import type { FollowupRow } from "./model";

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
