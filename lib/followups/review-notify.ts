import type { ReviewPolicy } from "../schema/review-policy";
import { postWebhook, type SlackMessage, type WebhookOptions, type WebhookResult } from "./notify";

export interface ReviewRequestNotice {
  incident: { id: string; title: string; severity?: string; visibility: "internal" | "restricted"; groups: readonly string[] };
  requester: { id: string; name: string };
  reviewers: readonly string[];
  /** The app's public URL, for the link to the incident. */
  baseUrl: string;
}

export type NotifyOutcome = { sent: true; channel: string | null; result: WebhookResult } | { sent: false; reason: string };

/** Slack mrkdwn control characters; everything else is literal. */
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Where a review request may be announced: the policy's channel for an internal incident (null: the webhook's own);
 * a restricted one only in the channel its first mapped group has in `group_channels`, otherwise nowhere.
 */
export function reviewRequestChannel(incident: ReviewRequestNotice["incident"], policy: ReviewPolicy): { channel: string | null } | null {
  if (incident.visibility !== "restricted") return { channel: policy.channel ?? null };
  const group = incident.groups.find((g) => policy.group_channels[g]);
  return group ? { channel: policy.group_channels[group]! } : null;
}

/** The Slack-compatible message: which incident, who asks, whom. */
export function buildReviewRequestMessage(n: ReviewRequestNotice, channel: string | null): SlackMessage & { channel?: string } {
  const url = `${n.baseUrl.replace(/\/+$/, "")}/incidents/${encodeURIComponent(n.incident.id)}`;
  const sev = n.incident.severity ? ` (${n.incident.severity})` : "";
  const who = n.requester.name || n.requester.id;
  const line = `*${esc(who)}* asks ${n.reviewers.map((r) => esc(r)).join(", ")} to review <${url}|${esc(n.incident.title)}>${sev}`;
  return {
    ...(channel ? { channel } : {}),
    text: `Review requested by ${who}: ${n.incident.title}${sev} ${url}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: line.slice(0, 2900) } },
      { type: "context", elements: [{ type: "mrkdwn", text: `<${url}|Open the post-mortem> · approve or request changes from its review panel` }] },
    ],
  };
}

/**
 * The one place a "review requested" notification is sent from: to KAIZEN_SLACK_WEBHOOK_URL (or KAIZEN_SLACK_WEBHOOK),
 * through postWebhook's retries and timeouts. Never throws; a restricted incident without a mapped group channel is
 * not sent at all.
 */
export async function notifyReviewRequested(
  notice: ReviewRequestNotice,
  policy: ReviewPolicy,
  options: { webhookUrl?: string; env?: Readonly<Record<string, string | undefined>>; webhook?: WebhookOptions } = {},
): Promise<NotifyOutcome> {
  const env = options.env ?? process.env;
  const url = options.webhookUrl ?? env.KAIZEN_SLACK_WEBHOOK_URL ?? env.KAIZEN_SLACK_WEBHOOK;
  if (!url) return { sent: false, reason: "no webhook configured (KAIZEN_SLACK_WEBHOOK_URL)" };
  const target = reviewRequestChannel(notice.incident, policy);
  if (!target) return { sent: false, reason: "restricted incident whose groups have no channel in review.group_channels" };
  const result = await postWebhook(url, buildReviewRequestMessage(notice, target.channel), options.webhook);
  return { sent: true, channel: target.channel, result };
}
