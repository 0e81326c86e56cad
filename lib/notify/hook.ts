import { configSection } from "../content/kaizen-config";
import type { ContentStore, Snapshot } from "../content/store";
import type { IncidentFrontmatter } from "../schema/incident";
import type { WebhookOptions } from "../followups/notify";
import type { NotifyPolicy } from "../schema/notify-policy";
import { resolveChannels, type Channel } from "./channels";
import { deliver, type DeliveryReport } from "./deliver";
import { messagesForReviewRequest, messagesForSave, type OutgoingMessage } from "./events";

/** The base URL of links in channel messages, outside any request: KAIZEN_BASE_URL, NEXTAUTH_URL, else localhost. */
export function configuredBaseUrl(env: Record<string, string | undefined> = process.env): string {
  const configured = env.KAIZEN_BASE_URL ?? env.NEXTAUTH_URL;
  return configured && /^https?:\/\//.test(configured) ? configured.replace(/\/+$/, "") : "http://localhost:3000";
}

/**
 * Runs after a save's commit: announces a publication and new recurrences to the configured channels. The save never
 * waits for it and never fails because of it; problems are logged by channel label, without URLs.
 */
export async function notifyAfterSave(args: { store: ContentStore; id: string; previous: IncidentFrontmatter | null; before: Snapshot | null; after: Snapshot }, options: NotifyOptions = {}): Promise<DeliveryReport[]> {
  return send(args.after, options, (channels, policy, baseUrl) => messagesForSave({ ...args, channels, policy, baseUrl }));
}

/**
 * Runs after a review request's commit: "review requested" to every channel that covers the incident (restricted ones
 * only where their group is mapped). Never throws; failures are logged by channel label.
 */
export async function notifyReviewRequested(
  args: { store: ContentStore; id: string; after: Snapshot; requester: { id: string; name: string }; reviewers: readonly string[] },
  options: NotifyOptions = {},
): Promise<DeliveryReport[]> {
  return send(args.after, options, (channels, policy, baseUrl) => messagesForReviewRequest({ ...args, channels, policy, baseUrl }));
}

export interface NotifyOptions {
  /** Where webhook variables are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** Links in messages (default configuredBaseUrl()). */
  baseUrl?: string;
  webhook?: WebhookOptions;
}

/** The notifications section of the snapshot's kaizen.yml decides the channels; the snapshot is the one after the commit. */
async function send(snapshot: Snapshot, options: NotifyOptions, build: (channels: Channel[], policy: NotifyPolicy, baseUrl: string) => OutgoingMessage[]): Promise<DeliveryReport[]> {
  const { policy, problems } = configSection(snapshot, "notifications");
  for (const p of problems) console.error(`[kaizen] notifications: ${p.file}:${p.line}:${p.col} ${p.field} ${p.message}`);
  const env = options.env ?? process.env;
  const { channels, warnings } = resolveChannels(policy, env);
  for (const w of warnings) console.error(`[kaizen] notifications: ${w}`);
  if (channels.length === 0) return [];
  const reports = await deliver(build(channels, policy, options.baseUrl ?? configuredBaseUrl(env)), options.webhook);
  for (const r of reports) if (!r.ok) console.error(`[kaizen] notification "${r.kind}" to ${r.label} failed after ${r.attempts} attempt(s): ${r.error ?? "unknown error"}`);
  return reports;
}
