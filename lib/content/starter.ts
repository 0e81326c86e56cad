import { KAIZEN_CONFIG_FILE } from "./kaizen-config";
import { FACTORS_FILE } from "./store";
import type { Author, ContentRepository } from "./repository";
import { parseTaxonomy } from "./store";


// A general starting point for a team's own taxonomy: the categories of ARCHITECTURE §2 and the factors most teams
// meet in their first year of post-mortems. Aliases are the words people write, so suggestions work from day one.
export const STARTER_FACTORS = `# Contributing-factor taxonomy (written by \`kaizen init\`). Make it yours: rename, add and remove factors as your
# post-mortems teach you. Keep ids stable once incidents use them; to fold one factor into another, give the old one
# \`merged_into: <new id>\` (or run \`kaizen factors merge OLD NEW\`).

categories:
  - id: change-management
    name: Change management
    description: How changes are tested, rolled out and rolled back.
  - id: configuration
    name: Configuration
    description: Settings, flags and records that change behaviour without a deploy.
  - id: observability
    name: Observability
    description: Monitoring, alerting, logs and dashboards, and how fast they show a problem.
  - id: capacity
    name: Capacity
    description: Saturation, exhaustion and overload.
  - id: dependencies
    name: Dependencies
    description: Providers, third-party services and shared systems a service relies on.
  - id: automation
    name: Automation
    description: Scripts, jobs and controllers acting without a person in the loop.
  - id: time
    name: Time
    description: Certificates, clocks, expiry dates and scheduled events.
  - id: human-system-interface
    name: Human-system interface
    description: Tools, consoles and runbooks that made the safe action hard or the unsafe one easy.
  - id: process-and-communication
    name: Process and communication
    description: Hand-offs, ownership, escalation and how people learned what was happening.

factors:
  - id: untested-change
    name: Change not exercised before production
    category: change-management
    description: The change reached production without a test or staging run that exercised the failing path.
    aliases: [untested change, no staging test, not caught by tests, missing test coverage, regression]
  - id: no-progressive-rollout
    name: No progressive rollout
    category: change-management
    description: The change went everywhere at once instead of through a canary or staged rollout.
    aliases: [no canary, rolled out everywhere at once, global rollout, blast radius]
  - id: slow-rollback
    name: Rollback slow or unavailable
    category: change-management
    description: Undoing the change took long, needed manual steps, or was not possible.
    aliases: [could not roll back, rollback failed, no rollback plan, manual rollback]
  - id: unvalidated-config-change
    name: Configuration change not validated
    category: configuration
    description: A configuration value was changed without a check against the limits or systems it affects.
    aliases: [config change, bad config, configuration push, typo in config, feature flag]
  - id: config-drift
    name: Configuration drift
    category: configuration
    description: Environments or hosts that should match had diverged without anyone knowing.
    aliases: [drift, environments differ, snowflake server, out of sync config]
  - id: missing-alert
    name: Missing alert
    category: observability
    description: No alert fired for a symptom that could have been detected automatically.
    aliases: [no alert, not alerted, customers told us first, found by a user]
  - id: alert-fatigue
    name: Alert fatigue
    category: observability
    description: Alerts fired but were lost among noisy or low-value ones.
    aliases: [noisy alerts, too many alerts, ignored alert, pager noise]
  - id: insufficient-visibility
    name: Insufficient visibility
    category: observability
    description: Logs, metrics or traces that would have shown the cause were missing or hard to reach.
    aliases: [no metrics, missing logs, no dashboard, no tracing, hard to diagnose]
  - id: resource-exhaustion
    name: Resource exhaustion
    category: capacity
    description: A finite resource (disk, memory, connections, file handles, quota) ran out.
    aliases: [disk full, out of memory, oom, connection pool exhausted, quota exceeded, max_connections]
  - id: retry-storm
    name: Retry storm or thundering herd
    category: capacity
    description: Retries or synchronized clients multiplied the load on a system that was already struggling.
    aliases: [retry storm, thundering herd, retries without backoff, cascading failure]
  - id: no-load-shedding
    name: No load shedding or back-pressure
    category: capacity
    description: The system accepted more work than it could do instead of refusing or queueing it.
    aliases: [no rate limit, no back-pressure, overload, queue grew without bound]
  - id: provider-outage
    name: Provider outage
    category: dependencies
    description: A cloud provider or third-party service failed or degraded.
    aliases: [cloud outage, vendor outage, third-party down, upstream outage, provider incident]
  - id: hidden-dependency
    name: Hidden dependency
    category: dependencies
    description: A service depended on a system nobody had listed, so its failure was a surprise.
    aliases: [unknown dependency, undocumented dependency, shared database, single point of failure]
  - id: missing-timeout
    name: Missing or wrong timeout
    category: dependencies
    description: Calls to a slow dependency waited too long (or not long enough) and tied up the caller.
    aliases: [no timeout, timeout too long, hung requests, blocked threads]
  - id: automation-without-guardrails
    name: Automation without guardrails
    category: automation
    description: A script, job or controller did something drastic without limits, confirmation or a dry run.
    aliases: [runaway script, automation deleted, cron job, no dry run, batch job]
  - id: unsafe-failover
    name: Unsafe automatic failover
    category: automation
    description: Automatic failover or recovery made things worse (split brain, flapping, failing over to a broken replica).
    aliases: [failover, split brain, flapping, automatic recovery]
  - id: certificate-expiry
    name: Certificate or credential expiry
    category: time
    description: A certificate, token or credential expired without a reminder or automatic renewal.
    aliases: [certificate expired, cert expiry, expired token, expired credential, tls]
  - id: time-and-date-handling
    name: Time and date handling
    category: time
    description: Clock skew, time zones, daylight saving time, leap seconds or date arithmetic went wrong.
    aliases: [clock skew, time zone, daylight saving, leap second, ntp]
  - id: confusing-tooling
    name: Confusing tooling
    category: human-system-interface
    description: A console, CLI or dashboard made the intended action easy to get wrong.
    aliases: [wrong environment, confusing ui, easy to misclick, ambiguous command]
  - id: missing-runbook
    name: Missing or outdated runbook
    category: human-system-interface
    description: Responders had no written procedure, or the one they had no longer matched the system.
    aliases: [no runbook, outdated runbook, no playbook, documentation out of date]
  - id: unclear-ownership
    name: Unclear ownership
    category: process-and-communication
    description: It was not clear which team owned the failing system or the decision to act.
    aliases: [no owner, unclear owner, who owns this, orphaned service]
  - id: slow-escalation
    name: Slow escalation
    category: process-and-communication
    description: The right people joined late, because paging, escalation paths or on-call coverage did not bring them in.
    aliases: [late escalation, no one paged, wrong team paged, on-call gap]
  - id: status-communication
    name: Status communication gaps
    category: process-and-communication
    description: Customers or colleagues learned about the incident late or got conflicting updates.
    aliases: [status page, no customer update, conflicting updates, communication]
`;

export const STARTER_POLICY = `# Kaizen policy for this knowledge base (written by \`kaizen init\`). Every key is optional; \`kaizen lint\` checks it.
#
# Words, internal host names and private GitHub organisations that must not appear in public versions of post-mortems
# (incidents with \`publish: public\`):
redact:
  terms: []
  hosts: []
  github_orgs: []
`;

export type InitResult = { ok: true; commit: string; files: string[] } | { ok: false; reason: string };

/**
 * Writes the starter taxonomy (and a policy file, when there is none) into a knowledge base that has no factors.yml,
 * in one commit. An existing taxonomy is never overwritten.
 */
export async function initKnowledgeBase(repo: ContentRepository, author: Author): Promise<InitResult> {
  const parsed = parseTaxonomy(STARTER_FACTORS);
  // The starter must itself be a valid taxonomy: a broken one would make every factor id in the first incident fail.
  if (parsed.problems.some((p) => p.severity === "error")) throw new Error(`starter taxonomy is invalid: ${parsed.problems.map((p) => p.message).join("; ")}`);
  if ((await repo.readFile(FACTORS_FILE)) !== null) return { ok: false, reason: `${FACTORS_FILE} already exists: nothing was changed (edit it to change the taxonomy)` };
  const files = [{ path: FACTORS_FILE, content: STARTER_FACTORS, baseBlob: null }];
  // The policy file: every key optional, so it starts as documentation.
  if ((await repo.readFile(KAIZEN_CONFIG_FILE)) === null) files.push({ path: KAIZEN_CONFIG_FILE, content: STARTER_POLICY, baseBlob: null });
  const commit = await repo.commit(files, `kaizen init: starter ${files.map((f) => f.path).join(" and ")}`, author);
  return { ok: true, commit, files: files.map((f) => f.path) };
}
