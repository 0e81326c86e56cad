import type { IncidentFrontmatterInput } from "../schema/incident";

/**
 * The sections every new post-mortem starts with; the prompts are written to be replaced. Summary, impact and the
 * contributing factors are fields of their own (shown at the top of the page and in lists), so the body does not
 * ask for them again.
 */
export const BODY_TEMPLATE = `## What happened

The story in order: what people saw, what they knew at the time, and what they did next.

## What went well

## Where we got lucky

## Lessons
`;

/** Frontmatter of a new draft: only what the schema requires, with the author and the start time filled in. */
export function newIncidentFrontmatter(title: string, author: string | undefined, now = new Date()): IncidentFrontmatterInput {
  return {
    title,
    status: "draft",
    severity: "SEV3",
    started_at: new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString().replace(".000Z", "Z"),
    authors: author ? [author] : [],
  };
}
