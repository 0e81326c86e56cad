import { afterAll } from "vitest";
import { gitRepo, removeTempDirs } from "../fixtures/git-repo";

// A small knowledge base for the publishing and export tests: every internal construct, each carrying a marker that
// must never reach a public reader, plus a restricted and an internal-only incident.

const FACTORS = `- id: bad-config-push
  name: Bad configuration push
  category: change
  description: A configuration change rolled out everywhere at once.
- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
`;

afterAll(removeTempDirs);

/** A committed content repository holding these files (paths relative to its root). */
export async function repoWith(files: Record<string, string>): Promise<string> {
  return gitRepo({ "factors.yml": FACTORS, ...files }, { prefix: "kaizen-publish-", message: "content" });
}

export const PUBLIC_INCIDENT = `---
title: Config push takes down the edge
status: published
severity: SEV2
publish: public
started_at: 2026-03-01T10:00:00Z
resolved_at: 2026-03-01T11:00:00Z
services: [edge-proxy]
authors: [ana.lima@corp.example]
summary: A configuration push reached every edge node at once.
timeline:
  - at: 2026-03-01T10:00:00Z
    event: Config push starts.
    kind: trigger
  - at: 2026-03-01T10:05:00Z
    event: SECRET-TIMELINE paged the vendor's private escalation line.
    kind: response
    internal: true
  - at: 2026-03-01T11:00:00Z
    event: Rolled back.
    kind: resolution
contributing_factors:
  - factor: bad-config-push
    note: Pushed everywhere at once.
  - factor: missing-alert
    note: SECRET-FACTOR the alert had been muted by the on-call lead.
    internal: true
countermeasures:
  - id: cm-1
    title: Stage config pushes by region
    type: prevent
    owner: ana.lima@corp.example
    due: 2026-04-01
    status: open
    ticket: https://tracker.corp.example/EDGE-12
    addresses: [bad-config-push, missing-alert]
  - id: cm-2
    title: SECRET-COUNTERMEASURE renegotiate the vendor contract
    type: process
    owner: bo@corp.example
    due: 2026-05-01
    status: open
    internal: true
---

## What happened

A push went everywhere. A similar change caused [the earlier outage](/incidents/restricted-one), and the
[near miss](/incidents/other-public) before it. See also [the report][old].

<Internal>
SECRET-BLOCK the vendor's account manager was called at home.

<Internal>
SECRET-NESTED the nested block.
</Internal>
</Internal>

<Callout type="warning" title="Keep">
Public callout text.

<Internal>
SECRET-IN-CALLOUT inside a callout.
</Internal>
</Callout>

[old]: /incidents/internal-only
`;

const RESTRICTED = `---
title: SECRET-RESTRICTED-TITLE database leak
status: published
severity: SEV1
visibility: restricted
groups: [security]
summary: SECRET-RESTRICTED-SUMMARY what leaked.
---

SECRET-RESTRICTED-BODY the details.
`;

const INTERNAL_ONLY = `---
title: Internal-only incident
status: published
severity: SEV3
summary: Not published.
---

SECRET-INTERNAL-ONLY-BODY.
`;

const OTHER_PUBLIC = `---
title: Near miss on the edge
status: published
kind: near-miss
publish: public
started_at: 2026-01-01T10:00:00Z
summary: A staged rollout caught it.
---

Caught in the canary, see [the later outage](/incidents/public-one).
`;

export const SECRETS = [
  "SECRET-TIMELINE",
  "SECRET-FACTOR",
  "SECRET-COUNTERMEASURE",
  "SECRET-BLOCK",
  "SECRET-NESTED",
  "SECRET-IN-CALLOUT",
  "SECRET-RESTRICTED",
  "SECRET-INTERNAL-ONLY",
  "restricted-one",
  "internal-only",
  "ana.lima",
  "tracker.corp.example",
];

/** The fixture knowledge base: two public incidents, an internal one and a restricted one. */
export function fixtureFiles(): Record<string, string> {
  return {
    "incidents/public-one.mdx": PUBLIC_INCIDENT,
    "incidents/other-public.mdx": OTHER_PUBLIC,
    "incidents/restricted-one.mdx": RESTRICTED,
    "incidents/internal-only.mdx": INTERNAL_ONLY,
  };
}

