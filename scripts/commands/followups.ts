import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { defaultTimeZone, formatDate } from "../../lib/knowledge/dates";
import { VERIFICATIONS } from "../../lib/followups/effectiveness";
import { buildFollowupRows, type FollowupRow } from "../../lib/followups/rows";
import { parseFollowupFilters } from "../../lib/followups/filters";
import { groupRows, queryFollowups } from "../../lib/followups/order";
import { buildNudgeMessage, postWebhook } from "../../lib/followups/notify";
import { flagNumber, flagString, UsageError, type CliArgs } from "../cli-args";

const USAGE =
  "followups [--content DIR] [--overdue] [--breach] [--outcome verified,unverified,failed] [--due-within DAYS] [--owner X] [--team T] [--severity SEV1,SEV2] [--all] [--json] " +
  "[--notify URL [--base-url URL] [--retries N] [--timeout MS] [--include-restricted]]";

function when(r: FollowupRow): string {
  if (r.overdue) return `${r.daysOverdue} d overdue`;
  if (r.status === "done") return r.outcome ? `done, ${r.outcome.verification}` : "done";
  if (r.status === "wont-do") return r.status;
  return r.dueInDays === 0 ? "due today" : `in ${r.dueInDays} d`;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function printTable(rows: readonly FollowupRow[]): void {
  // The reference (`<incident>#<cm>`) is what a person copies into the editor or a ticket: never cut it, pad to the
  // widest one instead and clip only the title.
  const keyWidth = Math.min(80, Math.max(0, ...rows.map((r) => r.key.length)));
  for (const g of groupRows(rows, "owner")) {
    const overdue = g.rows.filter((r) => r.overdue).length;
    console.log(`${g.label}  (${g.rows.length} countermeasure${g.rows.length === 1 ? "" : "s"}${overdue ? `, ${overdue} overdue` : ""})`);
    for (const r of g.rows) {
      console.log(`  ${when(r).padEnd(16)} ${formatDate(r.dueDate).padEnd(11)}  ${r.type.padEnd(8)} ${r.status.padEnd(11)} ${r.key.padEnd(keyWidth)}  ${clip(r.title, 80)}`);
    }
    console.log("");
  }
}

function nonNegativeInt(args: CliArgs, name: string, fallback: number): number {
  const n = flagNumber(args, name, fallback);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} expects a whole number ≥ 0\n  ${USAGE}`);
  return n;
}

export const command = {
  summary: "countermeasure follow-ups grouped by owner",
  usage: USAGE.replace(/^followups \[--content DIR\] /, ""),
  options: {
    overdue: { type: "boolean", description: "only overdue countermeasures" },
    breach: { type: "boolean", description: "only those breaking the kaizen.yml followups policy" },
    outcome: { type: "string", value: "LIST", description: "only done ones that are verified, unverified or failed (implies --all)" },
    "due-within": { type: "string", value: "DAYS", description: "only those due within DAYS days" },
    owner: { type: "string", value: "X", description: "only this owner" },
    team: { type: "string", value: "T", description: "only this team's incidents" },
    severity: { type: "string", value: "SEV1,SEV2", description: "only these severities" },
    all: { type: "boolean", description: "done and won't-do ones too" },
    json: { type: "boolean", description: "print the rows as JSON" },
    notify: { type: "string", value: "URL", description: "post a nudge to this Slack-compatible webhook" },
    "base-url": { type: "string", value: "URL", description: "the app's public URL for links in the nudge" },
    retries: { type: "string", value: "N", description: "webhook retries (default 3)" },
    timeout: { type: "string", value: "MS", description: "webhook timeout per attempt (default 5000)" },
    "include-restricted": { type: "boolean", description: "include restricted incidents in the nudge" },
  },
  async run(args: CliArgs): Promise<number> {
    const dueWithin = args.flags["due-within"] === undefined ? undefined : nonNegativeInt(args, "due-within", 0);
    if (args.flags["due-within"] === true) throw new UsageError(`--due-within needs a number of days\n  ${USAGE}`);
    if (args.flags.notify === true) throw new UsageError(`--notify needs a webhook URL\n  ${USAGE}`);
    const notify = flagString(args, "notify");
    const baseUrl = flagString(args, "base-url") ?? process.env.KAIZEN_BASE_URL ?? process.env.NEXTAUTH_URL ?? "http://localhost:3000";
    if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got "${baseUrl}"`);

    if (args.flags.outcome === true) throw new UsageError(`--outcome needs a list such as verified,failed\n  ${USAGE}`);
    const outcome = flagString(args, "outcome");
    const bad = outcome?.split(",").find((v) => !(VERIFICATIONS as readonly string[]).includes(v.trim()));
    if (bad !== undefined) throw new UsageError(`--outcome takes ${VERIFICATIONS.join(", ")}, got "${bad}"\n  ${USAGE}`);

    const params = new URLSearchParams();
    if (args.flags.all !== true && !outcome) params.set("status", "open,in-progress");
    if (args.flags.overdue === true) params.set("overdue", "1");
    if (args.flags.breach === true) params.set("breach", "1");
    if (outcome) params.set("outcome", outcome);
    if (dueWithin !== undefined) params.set("dueWithin", String(dueWithin));
    for (const name of ["owner", "team", "severity"] as const) {
      const v = flagString(args, name);
      if (v) params.set(name, v);
    }
    const filters = parseFollowupFilters(params);

    const timeZone = defaultTimeZone();
    const store = new ContentStore(contentDir());
    const snap = await store.snapshot();
    if (snap.broken.length > 0) console.error(`warning: ${snap.broken.length} incident file(s) could not be read and are left out (run: kaizen lint)`);
    const all = buildFollowupRows(snap.incidents, snap.taxonomy, { timeZone, policy: snap.config.followups });
    const rows = queryFollowups(all, filters, snap.taxonomy);

    if (args.flags.json === true) console.log(JSON.stringify(rows, null, 2));
    else {
      printTable(rows);
      const overdue = rows.filter((r) => r.overdue).length;
      const owners = new Set(rows.map((r) => r.owner.toLowerCase())).size;
      console.error(`${rows.length} countermeasure(s), ${overdue} overdue, ${owners} owner(s); due dates read in ${timeZone}`);
    }

    if (notify === undefined) return 0;
    // A webhook channel is wider than the content repository's readers: restricted incidents stay out unless asked.
    const shared = args.flags["include-restricted"] === true ? rows : rows.filter((r) => r.incident.visibility !== "restricted");
    const withheld = rows.length - shared.length;
    if (withheld > 0) console.error(`${withheld} countermeasure(s) of restricted incidents left out of the notification (--include-restricted to send them)`);
    if (shared.length === 0) {
      console.error("notify: nothing to send");
      return 0;
    }
    const result = await postWebhook(notify, buildNudgeMessage(shared, baseUrl), {
      retries: nonNegativeInt(args, "retries", 3),
      timeoutMs: nonNegativeInt(args, "timeout", 5000),
    });
    if (result.ok) {
      console.error(`notify: sent ${shared.length} countermeasure(s), HTTP ${result.status} after ${result.attempts} attempt(s)`);
      return 0;
    }
    console.error(`notify: failed after ${result.attempts} attempt(s): ${result.error ?? `HTTP ${result.status}`}`);
    return 1;
  },
};
