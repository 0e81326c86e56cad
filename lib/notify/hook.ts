import { configSection } from "../content/kaizen-config";
import type { ContentStore, Snapshot } from "../content/store";
import type { IncidentFrontmatter } from "../schema/incident";
import { resolveChannels } from "./channels";
import { deliver, type DeliveryReport } from "./deliver";
import { messagesForSave } from "./events";

/** The base URL of links in channel messages, outside any request: KAIZEN_BASE_URL, NEXTAUTH_URL, else localhost. */
export function configuredBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.KAIZEN_BASE_URL ?? env.NEXTAUTH_URL;
  return configured && /^https?:\/\//.test(configured) ? configured.replace(/\/+$/, "") : "http://localhost:3000";
}

/**
 * Runs after a save's commit: announces a publication and new recurrences to the configured channels. The save never
 * waits for it and never fails because of it; problems are logged by channel label, without URLs.
 */
export async function notifyAfterSave(args: { store: ContentStore; id: string; previous: IncidentFrontmatter | null; before: Snapshot | null; after: Snapshot }): Promise<DeliveryReport[]> {
  const { policy, problems } = configSection(args.after, "notifications");
  for (const p of problems) console.error(`[kaizen] notifications: ${p.file}:${p.line}:${p.col} ${p.field} ${p.message}`);
  const { channels, warnings } = resolveChannels(policy);
  for (const w of warnings) console.error(`[kaizen] notifications: ${w}`);
  if (channels.length === 0) return [];
  const messages = messagesForSave({ ...args, channels, policy, baseUrl: configuredBaseUrl() });
  const reports = await deliver(messages);
  for (const r of reports) if (!r.ok) console.error(`[kaizen] notification "${r.kind}" to ${r.label} failed after ${r.attempts} attempt(s): ${r.error ?? "unknown error"}`);
  return reports;
}
