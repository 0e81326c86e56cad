import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { visibleContent } from "../../lib/knowledge/visible";
import { getOverview, overviewKey, overviewSchema, type OverviewData } from "../../lib/pages/overview";
import { OverviewFile } from "../../lib/pages/overview-file";
import { z } from "zod";
import { commitAll, git, removeTempDirs, tempDir } from "../fixtures/git-repo";
import { incidentText, makeContentRepo } from "./notify-fixtures";

const saved = { content: process.env.KAIZEN_CONTENT_DIR, data: process.env.KAIZEN_DATA_DIR };
const RAE: Viewer = { id: "rae", name: "Rae", email: "", role: "reader", groups: [] };
const SAM: Viewer = { id: "sam", name: "Sam", email: "", role: "reader", groups: ["security"] };
const NOW = new Date("2026-03-01T12:00:00Z");
const stores = globalThis as unknown as { kaizenStores?: Map<string, unknown> };

let root = "";
let file = "";

/** A new server process on the same content and data directory: no store, no memory, the cache file as it was. */
function restart() {
  stores.kaizenStores?.delete(root);
}


async function visit(viewer: Viewer, f: OverviewFile<OverviewData>) {
  const data = await getOverview(viewer, NOW, f);
  await f.settled();
  return data;
}

beforeEach(async () => {
  ({ root } = await makeContentRepo({
    disk: incidentText("Disk full", ["started_at: 2026-02-01T10:00:00Z"]),
    dns: incidentText("DNS outage", ["started_at: 2026-02-03T10:00:00Z"]),
    secret: incidentText("Vault exposure", ["started_at: 2026-02-02T10:00:00Z", "visibility: restricted", "groups: [security]"]),
  }));
  process.env.KAIZEN_CONTENT_DIR = root;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-overview-data-");
  file = path.join(process.env.KAIZEN_DATA_DIR, "overview.json");
});

afterAll(async () => {
  for (const [k, v] of [["KAIZEN_CONTENT_DIR", saved.content], ["KAIZEN_DATA_DIR", saved.data]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await removeTempDirs();
});

describe("the home page's figures across restarts", () => {
  it("after a restart at the same commit come from the file, equal to what was computed", async () => {
    const first = await visit(RAE, new OverviewFile(file, "build-1", overviewSchema));
    restart();
    const after = new OverviewFile(file, "build-1", overviewSchema);
    const key = overviewKey(await visibleContent(RAE), RAE, NOW);
    expect(key).not.toBeNull();
    expect(await after.get(key ?? "")).toEqual(first);
    expect(await getOverview(RAE, NOW, after)).toEqual(first);
  });

  it("reflect an added, a changed and a removed incident after a restart", async () => {
    const before = await visit(RAE, new OverviewFile(file, "build-1", overviewSchema));
    expect(before.totals.incidents).toBe(2);
    restart();
    await fs.writeFile(path.join(root, "incidents", "queue.mdx"), incidentText("Queue backlog", ["started_at: 2026-02-05T10:00:00Z"]));
    await fs.writeFile(path.join(root, "incidents", "dns.mdx"), incidentText("DNS resolver outage", ["started_at: 2026-02-03T10:00:00Z"]));
    git(root, "rm", "-q", "--", "incidents/disk.mdx");
    commitAll(root, "add, change, remove");
    const after = await visit(RAE, new OverviewFile(file, "build-1", overviewSchema));
    expect(after.totals.incidents).toBe(2);
    expect(after.recent.map((r) => r.title)).toEqual(["Queue backlog", "DNS resolver outage"]);
  });

  it("never give a reader outside a group the figures a member's visit stored", async () => {
    const member = await visit(SAM, new OverviewFile(file, "build-1", overviewSchema));
    expect(member.totals.incidents).toBe(3);
    restart();
    const reader = await visit(RAE, new OverviewFile(file, "build-1", overviewSchema));
    expect(reader.totals.incidents).toBe(2);
    expect(JSON.stringify(reader)).not.toContain("Vault exposure");
  });

  it("are recomputed and the file rewritten when it is corrupt, of another build or of an old format", async () => {
    for (const text of ["{ torn", JSON.stringify({ format: 1, code: "build-0", entries: [] }), JSON.stringify({ format: 0, code: "build-1", entries: [] })]) {
      restart();
      await fs.writeFile(file, text);
      const f = new OverviewFile(file, "build-1", overviewSchema);
      const key = overviewKey(await visibleContent(RAE), RAE, NOW) ?? "";
      expect(await f.get(key)).toBeNull();
      expect((await visit(RAE, f)).totals.incidents).toBe(2);
      const stored = JSON.parse(await fs.readFile(file, "utf8")) as { format: number; code: string; entries: [string, unknown][] };
      expect(stored.code).toBe("build-1");
      expect(stored.entries.map(([k]) => k)).toEqual([key]);
    }
  });

  it("ignore an entry that does not match the figures' shape", async () => {
    const strict = z.object({ totals: z.object({ incidents: z.number() }) }) as unknown as z.ZodType<OverviewData>;
    const key = overviewKey(await visibleContent(RAE), RAE, NOW) ?? "";
    await fs.writeFile(file, JSON.stringify({ format: 1, code: "build-1", entries: [[key, { totals: { incidents: "two" } }]] }));
    expect(await new OverviewFile(file, "build-1", strict).get(key)).toBeNull();
  });
});
