import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { defaultTimeZone } from "../../lib/knowledge/dates";
import { formatProblem } from "../../lib/schema/problems";
import { INTERNAL_AUDIENCE, resolveChannels } from "../../lib/notify/channels";
import { buildDigest, digestMessage, digestText, isEmptyDigest } from "../../lib/notify/digest";
import { postWebhook } from "../../lib/followups/notify";
import { configSection } from "../../lib/content/kaizen-config";
import { publishedSince } from "../../lib/notify/published-since";
import { flagString, UsageError, type CliArgs } from "../cli-args";

const USAGE = "[--dry-run] [--since 7d] [--base-url URL] [--retries N] [--timeout MS]";

/** `7d`, `2w`, `36h` → milliseconds; a plain number is days. */
export function parseSince(text: string): number {
  const m = /^(\d{1,4})\s*([hdw]?)$/.exec(text.trim());
  if (!m) throw new UsageError(`--since expects a period such as 7d, 2w or 36h, got "${text}"`);
  const n = Number(m[1]);
  if (n === 0) throw new UsageError("--since must be longer than 0");
  return n * (m[2] === "h" ? 3_600_000 : m[2] === "w" ? 7 * 86_400_000 : 86_400_000);
}

function wholeNumber(args: CliArgs, name: string, fallback: number): number {
  const v = flagString(args, name);
  if (v === undefined) return fallback;
  if (!/^\d{1,6}$/.test(v)) throw new UsageError(`--${name} expects a whole number ≥ 0, got "${v}"`);
  return Number(v);
}

export const command = {
  summary: "the weekly digest: new post-mortems, overdue countermeasures by team, recurrences, one year ago",
  usage: USAGE,
  options: {
    "dry-run": { type: "boolean", description: "print each channel's message and send nothing" },
    since: { type: "string", value: "PERIOD", description: "the period covered, e.g. 7d (default), 2w, 36h" },
    "base-url": { type: "string", value: "URL", description: "the app's public URL for links (default: KAIZEN_BASE_URL)" },
    retries: { type: "string", value: "N", description: "webhook retries (default 3)" },
    timeout: { type: "string", value: "MS", description: "webhook timeout per attempt (default 5000)" },
  },
  async run(args: CliArgs): Promise<number> {
    if (args.positionals.length) throw new UsageError(`digest takes no arguments, got "${args.positionals.join(" ")}"\n  usage: kaizen digest ${USAGE}`);
    const dryRun = args.flags["dry-run"] === true;
    const period = parseSince(flagString(args, "since") ?? "7d");
    const baseUrl = (flagString(args, "base-url") ?? process.env.KAIZEN_BASE_URL ?? process.env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
    if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got "${baseUrl}"`);
    const retries = wholeNumber(args, "retries", 3);
    const timeoutMs = wholeNumber(args, "timeout", 5000);

    const store = new ContentStore(contentDir());
    const snapshot = await store.snapshot();
    const { policy, problems } = configSection(snapshot, "notifications");
    if (problems.length) {
      for (const p of problems) console.error(formatProblem(p));
      console.error("digest: kaizen.yml notifications are invalid; nothing sent (fix the lines above)");
      return 1;
    }
    const { channels, warnings } = resolveChannels(policy);
    for (const w of warnings) console.error(`warning: ${w}`);

    const now = new Date();
    const since = new Date(now.getTime() - period);
    const timeZone = defaultTimeZone();
    if (snapshot.broken.length > 0) console.error(`warning: ${snapshot.broken.length} incident file(s) could not be read and are left out (run: kaizen lint)`);
    const newlyPublished = await publishedSince(store, snapshot, since);
    const digestFor = (channel: typeof INTERNAL_AUDIENCE) => buildDigest({ incidents: snapshot.incidents, taxonomy: snapshot.taxonomy, newlyPublished, channel, since, now, timeZone, policy: snapshot.config.followups });

    if (channels.length === 0) {
      if (!dryRun) {
        console.error("digest: no webhook configured: set KAIZEN_SLACK_WEBHOOK or notifications in kaizen.yml (or use --dry-run)");
        return 1;
      }
      // No channel to send to: show what internal readers would get.
      console.log(digestText(digestFor(INTERNAL_AUDIENCE), baseUrl));
      return 0;
    }

    let failed = 0;
    for (const channel of channels) {
      const digest = digestFor(channel);
      if (dryRun) {
        console.log(digestText(digest, baseUrl));
        continue;
      }
      if (isEmptyDigest(digest)) {
        console.error(`digest: nothing to report to ${channel.label}`);
        continue;
      }
      const r = await postWebhook(channel.url, digestMessage(digest, baseUrl), { retries, timeoutMs });
      if (r.ok) console.error(`digest: sent to ${channel.label} (HTTP ${r.status}, ${r.attempts} attempt(s))`);
      else {
        failed++;
        console.error(`digest: sending to ${channel.label} failed after ${r.attempts} attempt(s): ${r.error ?? `HTTP ${r.status}`}`);
      }
    }
    return failed ? 1 : 0;
  },
};
