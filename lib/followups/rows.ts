import { Taxonomy } from "../schema/taxonomy";
import type { Countermeasure, IncidentFrontmatter, IncidentStatus, Severity } from "../schema/incident";
import { daysBetween, defaultTimeZone, localDate, toLocalDate } from "../knowledge/dates";
import { isOverdue, startedAt } from "../knowledge/facts";
import { addressedFactors } from "../knowledge/incident-view";
import { countermeasureRecurrence, type RecurrenceHit } from "../knowledge/recurrence";
import { EMPTY_FOLLOWUP_POLICY, type FollowupPolicy } from "../schema/followup-policy";
import { countermeasureOutcome, type CountermeasureOutcome } from "./effectiveness";
import { countermeasureBreaches, type PolicyBreach } from "./policy";

// One row per countermeasure with every fact the dashboard, the exports and the digest show. Each fact is computed by
// its one definition: started at, overdue and calendar days in lib/knowledge (facts.ts, dates.ts), "recurred after
// done" by lib/knowledge/recurrence.ts, breaches by ./policy, the outcome by ./effectiveness.

/** What the follow-up model needs of an incident (an IncidentDoc fits). */
export interface FollowupSource {
  id: string;
  frontmatter: IncidentFrontmatter;
}

export interface FollowupIncident {
  id: string;
  title: string;
  severity: Severity | null;
  teams: string[];
  services: string[];
  started_at: string | null;
  status: IncidentStatus;
  visibility: "internal" | "restricted";
}

export type FollowupRow = Countermeasure & {
  /** `<incidentId>#<cmId>`, unique across the knowledge base. */
  key: string;
  incident: FollowupIncident;
  /** When the countermeasure came into being: the incident's started_at, else its first timeline entry. */
  createdAt: string | null;
  /** createdAt as a calendar date in the organization's time zone. */
  createdDate: string | null;
  /** The due date as a calendar date in the organization's time zone. */
  dueDate: string;
  /** Open or in progress, and the end of the due day (or the due instant) has passed. */
  overdue: boolean;
  /** Whole calendar days past the due date; 0 unless overdue. */
  daysOverdue: number;
  /** Calendar days from today to the due date (negative once past). */
  dueInDays: number;
  /** Canonical ids of the factors it addresses. */
  factors: string[];
  /** For done countermeasures: the earliest later incidents (at most MAX_RECURRENCE_EXAMPLES) where an addressed factor appeared again. */
  recurredAfterDone: RecurrenceHit[];
  /** How many later incidents in all. */
  recurrenceCount: number;
  /** The addressed factors that appeared again after done. */
  recurredFactors: string[];
  /** How it falls short of the kaizen.yml followups policy (none without a policy). */
  breaches: PolicyBreach[];
  /** For done countermeasures: verified / unverified / failed, days without recurrence, whether to ask "did it hold?". */
  outcome: CountermeasureOutcome | null;
};

export interface FollowupOptions {
  now?: Date;
  /** IANA zone that due dates are read in; defaults to KAIZEN_TIME_ZONE, else UTC. */
  timeZone?: string;
  /** kaizen.yml `followups:`; without it nothing breaches. */
  policy?: FollowupPolicy;
  /**
   * Only the overdue countermeasures' rows (the home page's list): the same rows as in the full list, without paying
   * for the recurrence, breach and outcome facts of every other countermeasure.
   */
  overdueOnly?: boolean;
  /**
   * Only the rows of these incidents (an incident page's own countermeasures); recurrence is still counted over the
   * whole list.
   */
  incidentIds?: ReadonlySet<string>;
}

// Without a taxonomy every factor id is its own canonical id; one shared instance keeps the recurrence index memoized.
const NO_TAXONOMY = Taxonomy.empty();

/**
 * Builds the rows of a list a slice at a time: `step(n)` adds the rows of the next `n` incidents and says whether any
 * are left, so a background build can let requests in between slices and a request that needs the rows can finish
 * what the background started instead of starting over. The rows come out as buildFollowupRows gives them.
 */
export interface FollowupRowBuilder {
  readonly rows: FollowupRow[];
  step(incidents: number): boolean;
}

export function followupRowBuilder(incidents: readonly FollowupSource[], taxonomy?: Taxonomy, options: FollowupOptions = {}): FollowupRowBuilder {
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? defaultTimeZone();
  const today = localDate(now, timeZone);
  const tax = taxonomy ?? NO_TAXONOMY;
  const rows: FollowupRow[] = [];
  const only = options.incidentIds ?? null;
  let next = 0;
  const add = (inc: FollowupSource) => {
    const fm = inc.frontmatter;
    const createdAt = startedAt(inc);
    const incident: FollowupIncident = {
      id: inc.id,
      title: fm.title,
      severity: fm.severity ?? null,
      teams: fm.teams,
      services: fm.services,
      started_at: createdAt,
      status: fm.status,
      visibility: fm.visibility,
    };
    for (const cm of fm.countermeasures) {
      const overdue = isOverdue(cm, now, timeZone);
      if (options.overdueOnly && !overdue) continue;
      const dueDate = toLocalDate(cm.due, timeZone);
      const dueInDays = daysBetween(today, dueDate);
      const factors = addressedFactors(cm, tax);
      const recurrence = countermeasureRecurrence(incidents, tax, inc.id, cm, timeZone);
      const createdDate = createdAt ? localDate(Date.parse(createdAt), timeZone) : null;
      const facts = { status: cm.status, done_at: cm.done_at, evidence: cm.evidence, verify_by: cm.verify_by, recurrenceCount: recurrence.count, recurredAfterDone: recurrence.hits };
      rows.push({
        ...cm,
        key: `${inc.id}#${cm.id}`,
        incident,
        createdAt,
        createdDate,
        dueDate,
        overdue,
        daysOverdue: overdue ? Math.max(0, -dueInDays) : 0,
        dueInDays,
        factors,
        recurredAfterDone: recurrence.hits,
        recurrenceCount: recurrence.count,
        recurredFactors: recurrence.factors,
        breaches: countermeasureBreaches(cm, { severity: incident.severity, createdDate }, options.policy ?? EMPTY_FOLLOWUP_POLICY, { today, timeZone }),
        outcome: countermeasureOutcome(facts, today, timeZone),
      });
    }
  };
  return {
    rows,
    step(count) {
      const end = Math.min(incidents.length, next + count);
      for (; next < end; next++) {
        const inc = incidents[next] as FollowupSource;
        if (!only || only.has(inc.id)) add(inc);
      }
      return next < incidents.length;
    },
  };
}

/** Flattens every incident's countermeasures into rows with due-date and recurrence facts, as plain data. */
export function buildFollowupRows(incidents: readonly FollowupSource[], taxonomy?: Taxonomy, options: FollowupOptions = {}): FollowupRow[] {
  const builder = followupRowBuilder(incidents, taxonomy, options);
  builder.step(incidents.length);
  return builder.rows;
}
