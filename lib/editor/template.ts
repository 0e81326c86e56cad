import type { IncidentFrontmatterInput } from "../schema/incident";

/** The sections every new post-mortem starts with; the prompts are written to be replaced. */
export const BODY_TEMPLATE = `## Summary

What happened, in two or three sentences a newcomer would understand.

## Impact

Who and what was affected, for how long, and how we know (figures, dashboards).

## What happened

The story in order: what people saw, what they knew at the time, and what they did next.

## Contributing factors

The conditions that made this possible: technical, organizational and environmental. Several, never one root cause.

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
