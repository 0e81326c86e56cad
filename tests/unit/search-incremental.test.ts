import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ContentStore } from "../../lib/content/store";
import { buildFromSnapshot, buildSearchIndex, syncWithSnapshot } from "../../lib/search/build";
import { openIndex } from "../../lib/search/open";
import { contentRevision, deserializeIndex, loadIndex, saveIndex, saveIndexInSteps, serializeIndex } from "../../lib/search/persist";
import { search } from "../../lib/search/search";
import type { SearchIndex } from "../../lib/search/search-index";
import { visibleTo } from "../../lib/search/visibility";
import type { Viewer } from "../../lib/auth/viewer";
import { sdoc } from "./search-fixtures";
import { gitRepoSync, inIncidents, removeTempDirsSync } from "../fixtures/git-repo";

const TAXONOMY = `factors:
  - { id: clock-skew, name: Clock skew, category: time, description: Clocks disagree. }
  - { id: pool-exhaustion, name: Connection pool exhaustion, category: capacity, description: Pool ran out. }
`;

function incident(title: string, extra: string, body: string): string {
  return `---\ntitle: ${title}\nstatus: published\nseverity: SEV2\nstarted_at: 2024-02-01T10:00:00Z\n${extra}---\n\n${body}\n`;
}

afterEach(removeTempDirsSync);

const repo = (files: Record<string, string>) => gitRepoSync({ "factors.yml": TAXONOMY, ...inIncidents(files) }, { prefix: "kaizen-search-", message: "init" });

const QUERIES = ["database", "clock", "pool exhausted", '"connection pool"', "severity:SEV1", "factor:clock-skew", "kafka", "lag -disk", "dns*", "tag:db"];
const AUTHOR = { name: "t", email: "t@t" };

function results(index: SearchIndex, q: string) {
  const r = search(index, q, { limit: 50 });
  return { total: r.total, ids: r.results.map((x) => [x.id, x.score]), facets: r.facets };
}

describe("incremental updates", () => {
  it("give the same results as a full rebuild after adds, edits and deletes", async () => {
    const root = repo({
      "a.mdx": incident("Database connection pool exhausted", "tags: [db]\ncontributing_factors:\n  - factor: pool-exhaustion\n", "The connection pool ran out during the batch."),
      "b.mdx": incident("Clock skew broke token validation", "contributing_factors:\n  - factor: clock-skew\n", "NTP drifted on two hosts."),
      "c.mdx": incident("Kafka consumer lag", "tags: [kafka]\n", "The disk filled and consumers lagged."),
    });
    const store = new ContentStore(root);
    const index = buildFromSnapshot(await store.snapshot());
    await store.commit(
      [
        { path: "incidents/a.mdx", content: incident("Database connection pool exhausted again", "tags: [db, postgres]\n", "Pool exhausted; DNS lookups slowed the connection setup.") },
        { path: "incidents/c.mdx", content: null },
        { path: "incidents/d.mdx", content: incident("DNS resolver outage", "tags: [dns]\n", "Resolvers lagged behind the zone push; the database was fine.") },
      ],
      "edit",
      AUTHOR,
    );
    const snap = await store.forceRefresh();
    const changes = syncWithSnapshot(index, snap);
    expect(changes).toEqual({ added: ["d"], updated: ["a"], removed: ["c"] });
    const rebuilt = buildFromSnapshot(snap);
    for (const q of QUERIES) expect(results(index, q), q).toEqual(results(rebuilt, q));
    expect(search(index, "kafka").total).toBe(0);
    expect(search(index, "dns").results.map((r) => r.id).sort()).toEqual(["a", "d"]);
    // After compaction too.
    index.compact();
    for (const q of QUERIES) expect(results(index, q), q).toEqual(results(rebuilt, q));
  });

  it("re-indexes nothing when no blob changed", async () => {
    const root = repo({ "a.mdx": incident("Disk full", "", "The disk filled.") });
    const store = new ContentStore(root);
    const snap = await store.snapshot();
    const index = buildFromSnapshot(snap);
    expect(syncWithSnapshot(index, snap)).toEqual({ added: [], updated: [], removed: [] });
  });
});

describe("updates on a large index (tombstoned slots, no rebuild)", () => {
  const many = Array.from({ length: 600 }, (_, i) => sdoc(`d${i}`, { title: `Incident ${i}`, text: i % 2 ? "kafka consumer lag" : "disk filled up" }));

  it("forgets the old version of a changed document and finds the new one", () => {
    const index = buildSearchIndex(many);
    const target = many[1];
    if (!target) throw new Error("fixture");
    index.add({ ...target, blob: "changed", text: "certificate expired on the gateway" });
    index.remove("d2");
    expect(index.dead).toBe(2);
    expect(search(index, "certificate").results.map((r) => r.id)).toEqual(["d1"]);
    expect(search(index, "kafka").total).toBe(299);
    expect(search(index, "disk").total).toBe(299);
    expect(search(index, "kafka", { limit: 200 }).results.map((r) => r.id)).not.toContain("d1");
    const rebuilt = buildSearchIndex(many.filter((d) => d.id !== "d2").map((d) => (d.id === "d1" ? { ...d, blob: "changed", text: "certificate expired on the gateway" } : d)));
    for (const q of ["kafka", "disk", "certificate", '"consumer lag"']) {
      expect(search(index, q, { limit: 50 }).results.map((r) => r.id), q).toEqual(search(rebuilt, q, { limit: 50 }).results.map((r) => r.id));
      expect(search(index, q).facets, q).toEqual(search(rebuilt, q).facets);
    }
    const loaded = deserializeIndex(serializeIndex(index, "r"));
    expect(loaded?.index.dead).toBe(2);
    for (const q of ["kafka", "certificate", "disk -filled"]) expect(results(loaded!.index, q), q).toEqual(results(index, q));
    index.compact();
    expect(index.dead).toBe(0);
    for (const q of ["kafka", "disk", "certificate"]) expect(results(index, q), q).toEqual(results(rebuilt, q));
  });
});

describe("persistence", () => {
  it("round-trips an index with identical results and keeps its revision", async () => {
    const root = repo({
      "a.mdx": incident("Database connection pool exhausted", "tags: [db]\n", "The connection pool ran out in us-east-1. 数据库故障"),
      "b.mdx": incident("Clock skew broke token validation", "contributing_factors:\n  - factor: clock-skew\n", "NTP drifted."),
    });
    const snap = await new ContentStore(root).snapshot();
    const index = buildFromSnapshot(snap);
    const rev = contentRevision(snap);
    const loaded = deserializeIndex(serializeIndex(index, rev));
    expect(loaded?.revision).toBe(rev);
    for (const q of [...QUERIES, "us-east-1", "数据库", "databse"]) expect(results(loaded!.index, q), q).toEqual(results(index, q));
  });

  it("loads a matching index as is, updates an older one, and rejects garbage", async () => {
    const root = repo({ "a.mdx": incident("Disk full", "", "The disk filled.") });
    const store = new ContentStore(root);
    const dir = path.join(root, ".data");
    const snap = await store.snapshot();
    saveIndex(buildFromSnapshot(snap), contentRevision(snap), dir);
    expect(openIndex(snap, dir).source).toBe("persisted");
    await store.commit([{ path: "incidents/b.mdx", content: incident("Memory leak", "", "OOMKilled pods.") }], "add", AUTHOR);
    const next = await store.forceRefresh();
    const opened = openIndex(next, dir);
    expect(opened.source).toBe("updated");
    expect(search(opened.index, "OOMKilled").results.map((r) => r.id)).toEqual(["b"]);
    fs.writeFileSync(path.join(dir, "index.bin"), "not an index");
    expect(loadIndex(dir)).toBeNull();
    expect(openIndex(next, dir).source).toBe("built");
  });
});

describe("persisting in steps", () => {
  const many = Array.from({ length: 600 }, (_, i) => sdoc(`d${i}`, { title: `Kafka consumer lag ${i}`, summary: "The consumer lagged.", text: `disk ${i % 9} filled; 数据库 ${i}` }));

  it("writes the same file as saving at once, letting other callbacks run between its steps", async () => {
    const index = buildSearchIndex(many);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-steps-"));
    try {
      let turns = 0;
      let ticking = true;
      const tick = () => {
        turns++;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const size = await saveIndexInSteps(index, "r1", dir, { stepMs: 0 });
      ticking = false;
      const file = fs.readFileSync(path.join(dir, "index.bin"));
      expect(size).toBe(file.length);
      expect(file.equals(serializeIndex(index, "r1"))).toBe(true);
      // stepMs 0 yields after every piece: the other callback ran many times before the write finished.
      expect(turns).toBeGreaterThan(10);
      const loaded = loadIndex(dir);
      expect(loaded?.revision).toBe("r1");
      for (const q of ["kafka", "disk", "数据库", '"consumer lag"']) expect(results(loaded!.index, q), q).toEqual(results(index, q));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops without replacing the file when the index changes meanwhile", async () => {
    const index = buildSearchIndex(many);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-steps-"));
    try {
      saveIndex(index, "old", dir);
      const generation = index.generation;
      const writing = saveIndexInSteps(index, "new", dir, { stepMs: 0, stillCurrent: () => index.generation === generation });
      index.add(sdoc("late", { title: "Added while writing" }));
      expect(await writing).toBeNull();
      expect(loadIndex(dir)?.revision).toBe("old");
      expect(fs.readdirSync(dir)).toEqual(["index.bin"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("visibleTo", () => {
  it("hides restricted incidents from outsiders, in totals and facets too, and shows them to members and admins", async () => {
    const root = repo({
      "open.mdx": incident("Payments database failover", "tags: [db]\n", "Failover."),
      "secret.mdx": incident("Payments database breach", "visibility: restricted\ngroups: [security]\ntags: [breach]\n", "Credentials leaked."),
    });
    const snap = await new ContentStore(root).snapshot();
    const index = buildFromSnapshot(snap);
    const viewer = (role: Viewer["role"], groups: string[]): Viewer => ({ id: "u", name: "u", email: "u@x", role, groups });
    const outsider = search(index, "payments database", { canSee: visibleTo(viewer("reader", ["ops"]), snap) });
    expect(outsider.total).toBe(1);
    expect(outsider.results.map((r) => r.id)).toEqual(["open"]);
    expect(outsider.facets.tag).toEqual({ db: 1 });
    const member = search(index, "payments database", { canSee: visibleTo(viewer("reader", ["security"]), snap) });
    expect(member.total).toBe(2);
    expect(member.facets.tag).toEqual({ db: 1, breach: 1 });
    const admin = search(index, "payments database", { canSee: visibleTo(viewer("admin", []), snap) });
    expect(admin.total).toBe(2);
    expect(search(index, "breach", { canSee: visibleTo(null, snap) }).total).toBe(0);
  });
});
