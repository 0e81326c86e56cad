import type { IncidentDoc, Snapshot } from "../content/store";
import { recurrencesForIncident, type Recurrence } from "../knowledge/recurrence";
import type { SlackMessage } from "../followups/notify";
import type { IncidentFrontmatter } from "../schema/incident";
import type { NotifyPolicy } from "../schema/notify-policy";
import { channelCovers, type Channel } from "./channels";
import { publishedMessage, recurrenceMessage, reviewRequestedMessage } from "./messages";
import { canReadEntry } from "../knowledge/facts";

export interface OutgoingMessage {
  channel: Channel;
  kind: "published" | "recurrence" | "review-requested";
  incidentId: string;
  message: SlackMessage;
}

const visibleTo = (channel: Channel, snapshot: Snapshot): IncidentDoc[] => snapshot.incidents.filter((i) => canReadEntry(channel.audience, i));
const recurrenceKey = (r: Recurrence) => `${r.factor}\u0000${r.countermeasure.incidentId}\u0000${r.countermeasure.id}`;

/**
 * What one save announces, per channel: "published" when the status became published, "recurrence" for factor
 * recurrences of the saved incident that were not there before the save (a draft announces nothing). Every message
 * is built from what that channel's audience may read, so nothing of a hidden incident reaches it.
 */
export function messagesForSave(args: {
  id: string;
  previous: IncidentFrontmatter | null;
  before: Snapshot | null;
  after: Snapshot;
  channels: readonly Channel[];
  policy: NotifyPolicy;
  baseUrl: string;
}): OutgoingMessage[] {
  const { id, previous, before, after, channels, policy, baseUrl } = args;
  const entry = after.byId.get(id);
  if (!entry?.ok || entry.frontmatter.status === "draft") return [];
  const becamePublished = entry.frontmatter.status === "published" && previous?.status !== "published";
  const out: OutgoingMessage[] = [];
  for (const channel of channels) {
    if (!channelCovers(channel, entry)) continue;
    const visible = visibleTo(channel, after);
    if (becamePublished && policy.events.published) {
      out.push({ channel, kind: "published", incidentId: id, message: publishedMessage(entry, visible, after.taxonomy, baseUrl) });
    }
    if (!policy.events.recurrence) continue;
    const now = recurrencesForIncident(visible, after.taxonomy, id).recurred;
    // What was already announced: the recurrences before this save, unless it was a draft then (drafts stay quiet).
    const known = new Set<string>();
    if (before && previous && previous.status !== "draft") {
      for (const r of recurrencesForIncident(visibleTo(channel, before), before.taxonomy, id).recurred) known.add(recurrenceKey(r));
    }
    const fresh = now.filter((r) => !known.has(recurrenceKey(r)));
    if (fresh.length) out.push({ channel, kind: "recurrence", incidentId: id, message: recurrenceMessage(entry, fresh, baseUrl) });
  }
  return out;
}

/**
 * "Review requested", per channel: every channel that covers the incident (the one rule of channelCovers: a restricted
 * incident only where one of its groups is mapped), when the policy has the event on. Drafts are never announced, so
 * the snapshot must be the one after the request's commit (status in-review).
 */
export function messagesForReviewRequest(args: {
  id: string;
  after: Snapshot;
  requester: { id: string; name: string };
  reviewers: readonly string[];
  channels: readonly Channel[];
  policy: NotifyPolicy;
  baseUrl: string;
}): OutgoingMessage[] {
  const { id, after, requester, reviewers, channels, policy, baseUrl } = args;
  const entry = after.byId.get(id);
  if (!policy.events.review_requested || !entry?.ok || entry.frontmatter.status !== "in-review") return [];
  return channels
    .filter((channel) => channelCovers(channel, entry))
    .map((channel) => ({ channel, kind: "review-requested" as const, incidentId: id, message: reviewRequestedMessage(entry, requester, reviewers, baseUrl) }));
}
