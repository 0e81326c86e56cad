import "server-only";
import { visibleContent, knowledgeOf, type VisibleContent } from "../knowledge/visible";
import { pageMemo } from "./page-memo";
import { z } from "zod";
import type { Viewer } from "../auth/viewer";
import type { Learning } from "../knowledge/learnings";
import { isCalendarDate } from "../schema/common";

const day = z.string().refine(isCalendarDate);
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v === "" ? undefined : v);

export const learningsFilterSchema = z.object({
  category: z.preprocess(first, z.string().max(100).optional()).catch(undefined),
  team: z.preprocess(first, z.string().max(100).optional()).catch(undefined),
  from: z.preprocess(first, day.optional()).catch(undefined),
  to: z.preprocess(first, day.optional()).catch(undefined),
});
export type LearningsFilters = z.infer<typeof learningsFilterSchema>;

/** The /learnings filters from the URL's search params; invalid values are dropped. */
export function parseLearningsFilters(params: Record<string, string | string[] | undefined>): LearningsFilters {
  return learningsFilterSchema.parse(params);
}

export interface LearningsPageData {
  filters: LearningsFilters;
  learnings: Learning[];
  options: { categories: { id: string; name: string }[]; teams: string[] };
  categoryNames: Record<string, string>;
}

/** /learnings: the global learnings ranking (cross-team first) for this viewer, filtered by category, team and period. */
export async function getLearnings(viewer: Viewer, filters: LearningsFilters, now = new Date()): Promise<LearningsPageData> {
  const visible = await visibleContent(viewer);
  const key = JSON.stringify([filters.category ?? null, filters.team ?? null, filters.from ?? null, filters.to ?? null]);
  return learningsMemo(visible, key, now, async () => computeLearnings(visible, filters, now));
}

const learningsMemo = pageMemo<LearningsPageData>();

function computeLearnings(visible: VisibleContent, filters: LearningsFilters, now: Date): LearningsPageData {
  const k = knowledgeOf(visible, now);
  const teams = new Map<string, number>();
  for (const i of visible.incidents) for (const t of i.frontmatter.teams) teams.set(t, (teams.get(t) ?? 0) + 1);
  const categories = k.taxonomy.categories.map((c) => ({ id: c.id, name: c.name }));
  return {
    filters,
    learnings: k.learnings({ category: filters.category, team: filters.team, from: filters.from, to: filters.to }),
    options: { categories, teams: [...teams.keys()].sort((a, b) => a.localeCompare(b)) },
    categoryNames: Object.fromEntries(categories.map((c) => [c.id, c.name])),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Incident page: "Seen before?"
