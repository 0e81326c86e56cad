import { postWebhook, type WebhookOptions } from "../followups/notify";
import type { OutgoingMessage } from "./events";

export interface DeliveryReport {
  label: string;
  kind: string;
  ok: boolean;
  attempts: number;
  error?: string;
}

/**
 * Sends each message to its channel (retries and timeouts from postWebhook); never throws. The report names the
 * channel by its label only: a webhook URL carries its secret.
 */
export async function deliver(messages: readonly OutgoingMessage[], options: WebhookOptions = {}): Promise<DeliveryReport[]> {
  const reports: DeliveryReport[] = [];
  for (const m of messages) {
    const r = await postWebhook(m.channel.url, m.message, options);
    reports.push({ label: m.channel.label, kind: m.kind, ok: r.ok, attempts: r.attempts, ...(r.error ? { error: redact(r.error, m.channel.url) } : {}) });
  }
  return reports;
}

/** Belt and braces: postWebhook leaves URLs out of its errors, but a server's reply could echo the URL back. */
function redact(text: string, url: string): string {
  let out = url ? text.split(url).join("[webhook]") : text;
  try {
    const { pathname } = new URL(url);
    if (pathname.length > 1) out = out.split(pathname).join("[webhook path]");
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}
