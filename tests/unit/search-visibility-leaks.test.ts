// A viewer's search must behave exactly as if the incidents they may not read were never indexed: every response on a
// knowledge base with restricted incidents equals, byte for byte, the response on a twin without them.
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { ContentStore } from "../../lib/content/store";
import { buildFromSnapshot, syncWithSnapshot } from "../../lib/search/build";
import { deserializeIndex, serializeIndex } from "../../lib/search/persist";
import { search, type SearchOptions } from "../../lib/search/search";
import type { SearchIndex } from "../../lib/search/search-index";
import { visibleTo } from "../../lib/search/visibility";
import { commitAll, gitRepoSync, inIncidents, removeTempDirsSync } from "../fixtures/git-repo";

const TAXONOMY = `factors:
  - { id: clock-skew, name: Clock skew, category: time, description: Clocks disagree. }
  - { id: pool-exhaustion, name: Connection pool exhaustion, category: capacity, description: Pool ran out. }
  - { id: secret-rotation, name: Secret rotation, category: process, description: Keys rotated badly. }
`;

interface Spec {
  title: string;
  services: string[];
  tags: string[];
  factors?: string[];
  groups?: string[];
  severity?: string;
  started: string;
  summary: string;
  body: string;
}

function mdx(s: Spec): string {
  const lines = [
    "---",
    `title: ${s.title}`,
    "status: published",
    `severity: ${s.severity ?? "SEV2"}`,
    `started_at: ${s.started}`,
    `services: [${s.services.join(", ")}]`,
    `tags: [${s.tags.join(", ")}]`,
    `summary: ${s.summary}`,
  ];
  if (s.groups) lines.push("visibility: restricted", `groups: [${s.groups.join(", ")}]`);
  if (s.factors?.length) lines.push("contributing_factors:", ...s.factors.map((f) => `  - factor: ${f}`));
  lines.push("---", "", s.body, "");
  return lines.join("\n");
}

// Restricted files sort first, so in the full repository their words, facet values and spellings reach the index
// before any internal one; their bodies are long, so they would also move average field lengths.
const RESTRICTED: Record<string, Spec> = {
  "a-breach.mdx": {
    title: "Credential exfiltration through the payments database replica",
    services: ["Payments", "vault"],
    tags: ["security", "database"],
    factors: ["secret-rotation"],
    groups: ["security"],
    severity: "SEV1",
    started: "2024-05-01T10:00:00Z",
    summary: "An attacker used a leaked kerberoast ticket against the payments database replica during the outage.",
    body: `${"The payments database replica accepted a forged kerberoast ticket and exfiltration followed. ".repeat(30)}Connection pool exhaustion hid the replication outage. Exfiltrated dumps named exfiltrationdump were found.`,
  },
  "b-insider.mdx": {
    title: "Insider deleted audit logs of the ledger database",
    services: ["ledger", "Payments"],
    tags: ["security", "audit"],
    factors: ["secret-rotation", "clock-skew"],
    groups: ["security", "legal"],
    started: "2024-07-01T10:00:00Z",
    summary: "Audit logs of the ledger database were deleted; database failover and replication outage followed.",
    body: `${"Audit trail tampering in the ledger database during a failover outage. ".repeat(40)}Deploying deployments deployed.`,
  },
};

const INTERNAL: Record<string, Spec> = {
  "c-failover.mdx": {
    title: "Database failover lost committed writes",
    services: ["payments", "ledger"],
    tags: ["database", "failover"],
    factors: ["pool-exhaustion"],
    severity: "SEV1",
    started: "2024-01-10T10:00:00Z",
    summary: "The primary database failed over and replication lag lost committed writes during the outage.",
    body: "Asynchronous replication lagged. The connection pool reconnected to the promoted replica after the failover outage. We deploy often.",
  },
  "d-clock.mdx": {
    title: "Clock skew broke token validation",
    services: ["auth"],
    tags: ["time"],
    factors: ["clock-skew"],
    started: "2024-02-10T10:00:00Z",
    summary: "Tokens were rejected because clocks on the auth nodes drifted.",
    body: "NTP stopped on two nodes; the database was fine. Tokens issued by one node were refused by the other.",
  },
  "e-pool.mdx": {
    title: "Connection pool exhaustion on the payments API",
    services: ["payments"],
    tags: ["database", "capacity"],
    factors: ["pool-exhaustion"],
    started: "2024-03-10T10:00:00Z",
    summary: "The payments API ran out of database connections during an outage of the replica.",
    body: "A slow query held connections; the connection pool was exhausted and the payments database queue grew.",
  },
  "f-deploy.mdx": {
    title: "Bad deploy of the ledger service",
    services: ["ledger"],
    tags: ["deploy"],
    started: "2024-04-10T10:00:00Z",
    summary: "A deploy shipped a broken migration of the ledger database.",
    body: "The deploy pipeline skipped the migration check. The ledger database rejected writes until the rollback.",
  },
};

afterEach(removeTempDirsSync);

function repo(specs: Record<string, Spec>): string {
  const files = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, mdx(spec)]));
  return gitRepoSync({ "factors.yml": TAXONOMY, ...inIncidents(files) }, { prefix: "kaizen-leaks-", message: "init" });
}

function viewer(role: Viewer["role"], groups: string[]): Viewer {
  return { id: `${role}-${groups.join("-")}`, name: role, email: `${role}@example.com`, role, groups };
}

interface Side {
  index: SearchIndex;
  canSee: (id: string) => boolean;
}

async function side(specs: Record<string, Spec>, who: Viewer): Promise<Side> {
  const snap = await new ContentStore(repo(specs)).snapshot();
  return { index: buildFromSnapshot(snap), canSee: visibleTo(who, snap) };
}

const QUERIES = [
  "exfiltration",
  "exfiltratoin",
  "kerberoast",
  "kerberost",
  "exfiltrationdump",
  "database",
  "databse",
  "ledger database",
  "database outage replication failover",
  "payments database replica outage connection pool",
  '"payments database"',
  '"payments database replica"',
  '"forged kerberoast"',
  "data*",
  "exfil*",
  "deployin",
  "deploying",
  "service:vault",
  "service:vault database",
  "service:payments database",
  "service:Payments",
  "tag:security",
  "tag:audit outage",
  "factor:secret-rotation",
  "factor:secret-rotation database",
  "severity:SEV1",
  "severity:SEV1 database",
  "outage -exfiltration",
  'outage -"payments database"',
  "audit",
  "tampering",
  "after:2024-03-01 database",
];

const OPTIONS: Omit<SearchOptions, "canSee">[] = [{}, { prefixLast: true }, { limit: 2, offset: 1 }];

function responses(s: Side): string[] {
  return QUERIES.flatMap((q) => OPTIONS.map((o) => JSON.stringify(search(s.index, q, { ...o, canSee: s.canSee }))));
}

function expectTwins(full: Side, twin: Side): void {
  const a = responses(full);
  const b = responses(twin);
  const labels = QUERIES.flatMap((q) => OPTIONS.map((o) => `${q} ${JSON.stringify(o)}`));
  for (let i = 0; i < labels.length; i++) expect({ query: labels[i], response: a[i] }).toEqual({ query: labels[i], response: b[i] });
}

describe("search for a viewer behaves as if unreadable incidents were not indexed", () => {
  it("gives a reader outside the groups the same results, scores, totals, facets, snippets and suggestions as the twin without them", async () => {
    const outsider = viewer("reader", ["ops"]);
    expectTwins(await side({ ...RESTRICTED, ...INTERNAL }, outsider), await side(INTERNAL, outsider));
  });

  it("gives a member of one group the twin without the other group's incidents", async () => {
    const onlyLegal: Record<string, Spec> = { ...RESTRICTED, "a-breach.mdx": { ...RESTRICTED["a-breach.mdx"]!, groups: ["security"] } };
    const member = viewer("reader", ["legal"]);
    const twin = { "b-insider.mdx": onlyLegal["b-insider.mdx"]!, ...INTERNAL };
    expectTwins(await side({ ...onlyLegal, ...INTERNAL }, member), await side(twin, member));
  });

  it("keeps the twin equality after a persisted round trip and after incremental updates", async () => {
    const outsider = viewer("reader", ["ops"]);
    const root = repo({ ...RESTRICTED, ...INTERNAL });
    const store = new ContentStore(root);
    const first = await store.snapshot();
    const loaded = deserializeIndex(serializeIndex(buildFromSnapshot(first), "r"));
    expect(loaded).not.toBeNull();
    const twin = await side(INTERNAL, outsider);
    expectTwins({ index: loaded!.index, canSee: visibleTo(outsider, first) }, twin);

    // The restricted incidents go away and come back: the index must forget their words while they are gone.
    const index = buildFromSnapshot(first);
    for (const name of Object.keys(RESTRICTED)) fs.rmSync(path.join(root, "incidents", name));
    commitAll(root, "drop");
    const without = await store.forceRefresh();
    syncWithSnapshot(index, without);
    const admin = viewer("admin", []);
    expectTwins({ index, canSee: visibleTo(admin, without) }, await side(INTERNAL, admin));
  });

  it("shows the restricted incident to a member of its group and to admins", async () => {
    for (const who of [viewer("reader", ["security"]), viewer("admin", [])]) {
      const s = await side({ ...RESTRICTED, ...INTERNAL }, who);
      const r = search(s.index, "exfiltration", { canSee: s.canSee });
      expect(r.results.map((x) => x.id)).toEqual(["a-breach"]);
      expect(search(s.index, "exfiltratoin", { canSee: s.canSee }).didYouMean).toBe("exfiltration");
      expect(search(s.index, "service:vault", { canSee: s.canSee }).total).toBe(1);
    }
  });

  it("gives a reader no suggestion, prefix completion or facet value taken from a restricted incident", async () => {
    const s = await side({ ...RESTRICTED, ...INTERNAL }, viewer("reader", []));
    expect(search(s.index, "exfiltratoin", { canSee: s.canSee }).didYouMean).toBeUndefined();
    expect(search(s.index, "kerberost", { canSee: s.canSee }).didYouMean).toBeUndefined();
    expect(search(s.index, "exfil*", { canSee: s.canSee }).total).toBe(0);
    const facets = search(s.index, "database", { canSee: s.canSee }).facets;
    expect(Object.keys(facets.service)).not.toContain("Payments");
    expect(Object.keys(facets.service)).not.toContain("vault");
    expect(Object.keys(facets.tag)).not.toContain("security");
  });

  it("decides who reads what once per snapshot and access level, each level on its own, each snapshot afresh", async () => {
    const dir = repo({ ...RESTRICTED, ...INTERNAL });
    const store = new ContentStore(dir);
    const first = await store.snapshot();
    const restricted = first.incidents.filter((i) => i.frontmatter.visibility === "restricted").map((i) => i.id);
    expect(restricted.length).toBeGreaterThan(0);
    const outsider = visibleTo(viewer("reader", []), first);
    const member = visibleTo(viewer("author", ["security"]), first);
    const admin = visibleTo(viewer("admin", []), first);
    // Built for the outsider's level first, asked again for the same level and then for others: never mixed up.
    expect(visibleTo(viewer("author", []), first)(restricted[0]!)).toBe(false);
    for (const id of restricted) {
      expect(outsider(id)).toBe(false);
      expect(member(id)).toBe(true);
      expect(admin(id)).toBe(true);
    }
    expect(outsider("no-such-incident")).toBe(false);
    expect(admin("no-such-incident")).toBe(false);
    // The next snapshot: an incident opened up is readable at once for the level decided before.
    const file = fs.readdirSync(path.join(dir, "incidents")).find((n) => fs.readFileSync(path.join(dir, "incidents", n), "utf8").includes(`visibility: restricted`))!;
    const text = fs.readFileSync(path.join(dir, "incidents", file), "utf8");
    fs.writeFileSync(path.join(dir, "incidents", file), text.replace("visibility: restricted", "visibility: internal"));
    commitAll(dir, "open up");
    const second = await store.forceRefresh();
    const opened = second.incidents.find((i) => restricted.includes(i.id) && i.frontmatter.visibility === "internal")!;
    expect(opened).toBeDefined();
    expect(visibleTo(viewer("reader", []), second)(opened.id)).toBe(true);
    expect(visibleTo(viewer("reader", []), first)(opened.id)).toBe(false);
    // Borrowing an index's id strings (even an index of another snapshot) never changes an answer.
    const stale = buildFromSnapshot(first);
    stale.remove(opened.id);
    const ids = [...second.byId.keys(), "no-such-incident"];
    for (const who of [viewer("reader", []), viewer("reader", ["security"]), viewer("admin", [])]) {
      const plain = visibleTo(who, second);
      const borrowed = visibleTo(who, second, stale);
      expect(ids.map(borrowed)).toEqual(ids.map(plain));
      expect(ids.map(visibleTo(who, first, stale))).toEqual(ids.map(visibleTo(who, first)));
    }
  });

  it("hides an incident made restricted in the snapshot even while the index still has it as internal", async () => {
    const dir = repo(INTERNAL);
    const store = new ContentStore(dir);
    const first = await store.snapshot();
    const lagging = buildFromSnapshot(first);
    const hits = (snap: typeof first, who: Viewer) => search(lagging, "clock skew token", { canSee: visibleTo(who, snap, lagging) }).results.map((r) => r.id);
    expect(hits(first, viewer("reader", []))).toContain("d-clock");
    expect(search(lagging, "database", { canSee: visibleTo(viewer("reader", []), first, lagging) }).results.map((r) => r.id)).toContain("d-clock");
    const file = path.join(dir, "incidents", "d-clock.mdx");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("summary:", "visibility: restricted\ngroups: [security]\nsummary:"));
    commitAll(dir, "restrict");
    const second = await store.forceRefresh();
    const now = second.byId.get("d-clock");
    expect(now?.ok && now.frontmatter.visibility).toBe("restricted");
    // The index has not synced yet: the reader's answers come from the snapshot's decision, not the index's flag.
    // Words other incidents share too, so the restricted one is a candidate and must be turned away one by one.
    for (const q of ["database", "database tokens", "nodes database", "clock skew token", "\"the database\""]) {
      const r = search(lagging, q, { canSee: visibleTo(viewer("reader", []), second, lagging) });
      expect(r.results.map((x) => x.id)).not.toContain("d-clock");
    }
    expect(hits(second, viewer("author", ["security"]))).toContain("d-clock");
  });

  it("asks nothing of a missing viewer's index: no results, no suggestion", async () => {
    const s = await side({ ...RESTRICTED, ...INTERNAL }, viewer("reader", []));
    const snapNone = visibleTo(null, { byId: new Map() });
    for (const q of ["databse", "exfiltratoin", "database"]) {
      const r = search(s.index, q, { canSee: snapNone });
      expect(r.total).toBe(0);
      expect(r.didYouMean).toBeUndefined();
    }
  });
});
