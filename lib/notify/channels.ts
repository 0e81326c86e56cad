import type { Viewer } from "../auth/viewer";
import type { IncidentEntry } from "../content/store";
import { canReadEntry } from "../knowledge/facts";
import type { NotifyPolicy } from "../schema/notify-policy";

/** A webhook destination and who hears it. */
export interface Channel {
  /** For logs and the dry run: "default", "team sre", "group security"; never the URL (it holds the secret). */
  label: string;
  url: string;
  /**
   * The people in the channel, as a viewer: everyone may read internal incidents; only groups the policy mapped to
   * this channel add restricted ones. Every message is built from what this viewer may read.
   */
  audience: Viewer;
  /** Teams whose incidents this channel is about; null for all. */
  teams: string[] | null;
  /** Groups whose restricted incidents this channel is about. */
  groups: string[];
  /** Whether the channel is about internal incidents at all (the default and team channels). */
  internal: boolean;
}

export const DEFAULT_WEBHOOK_ENV = "KAIZEN_SLACK_WEBHOOK";

function resolveTarget(target: string, env: Record<string, string | undefined>): string | null {
  if (/^https?:\/\//.test(target)) return target;
  const v = env[target]?.trim();
  return v ? v : null;
}

/**
 * The channels of a policy: the default one (policy `webhook`, else KAIZEN_SLACK_WEBHOOK), one per mapped team and
 * group. Channels sharing a URL are one channel hearing the union of what each may hear. Targets naming an unset
 * variable are skipped with a warning that names the variable, not a value.
 */
export function resolveChannels(policy: NotifyPolicy, env: Record<string, string | undefined> = process.env): { channels: Channel[]; warnings: string[] } {
  const warnings: string[] = [];
  const byUrl = new Map<string, Channel>();
  const add = (label: string, target: string, part: { teams: string[] | null; groups: string[]; internal: boolean }) => {
    const url = resolveTarget(target, env);
    if (!url) {
      warnings.push(`${label}: environment variable ${target} is not set; nothing is sent there`);
      return;
    }
    const prev = byUrl.get(url);
    if (!prev) {
      byUrl.set(url, { label, url, audience: audienceOf(label, part.groups), ...part });
      return;
    }
    prev.label = `${prev.label}, ${label}`;
    prev.teams = prev.teams === null || part.teams === null ? null : [...new Set([...prev.teams, ...part.teams])];
    prev.groups = [...new Set([...prev.groups, ...part.groups])];
    prev.internal ||= part.internal;
    prev.audience = audienceOf(prev.label, prev.groups);
  };
  const defaultTarget = policy.webhook ?? (env[DEFAULT_WEBHOOK_ENV]?.trim() ? DEFAULT_WEBHOOK_ENV : null);
  if (defaultTarget) add("default", defaultTarget, { teams: null, groups: [], internal: true });
  for (const [team, target] of Object.entries(policy.teams)) add(`team ${team}`, target, { teams: [team], groups: [], internal: true });
  for (const [group, target] of Object.entries(policy.groups)) add(`group ${group}`, target, { teams: [], groups: [group], internal: false });
  return { channels: [...byUrl.values()], warnings };
}

function audienceOf(label: string, groups: string[]): Viewer {
  return { id: `channel:${label}`, name: label, email: "", role: "reader", groups };
}

/** The audience of a message with no channel mapping: internal readers only (the dry run without any webhook). */
export const INTERNAL_AUDIENCE: Channel = { label: "internal readers", url: "", audience: audienceOf("internal readers", []), teams: null, groups: [], internal: true };

/**
 * Is this incident something the channel should hear about: its audience may read it (the one visibility rule), and
 * it is a restricted incident of a mapped group, or an internal one of the channel's teams.
 */
export function channelCovers(channel: Channel, entry: IncidentEntry): boolean {
  if (!entry.ok || !canReadEntry(channel.audience, entry)) return false;
  const fm = entry.frontmatter;
  if (fm.visibility === "restricted") return fm.groups.some((g) => channel.groups.includes(g));
  if (!channel.internal) return false;
  return channel.teams === null || fm.teams.some((t) => channel.teams?.includes(t));
}
