import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { getTrends } from "../../lib/pages/trends";
import { removeTempDirs, tempDir } from "../fixtures/git-repo";
import { incidentText, makeContentRepo } from "./notify-fixtures";

const saved = { content: process.env.KAIZEN_CONTENT_DIR, data: process.env.KAIZEN_DATA_DIR };
const RAE: Viewer = { id: "rae", name: "Rae", email: "", role: "reader", groups: [] };
const SAM: Viewer = { id: "sam", name: "Sam", email: "", role: "reader", groups: ["security"] };

beforeAll(async () => {
  const { root } = await makeContentRepo({
    open: incidentText("Open outage", ["started_at: 2026-02-01T10:00:00Z", "detected_at: 2026-02-01T10:30:00Z", "teams: [web]"]),
    secret: incidentText("Vault exposure", ["severity: SEV1", "started_at: 2026-02-02T10:00:00Z", "detected_at: 2026-02-04T10:00:00Z", "teams: [secops]", "visibility: restricted", "groups: [security]", "countermeasures:", "  - { id: rotate, title: Rotate, type: prevent, owner: sam, due: 2026-02-10, status: done, done_at: 2026-02-09 }"]),
  });
  process.env.KAIZEN_CONTENT_DIR = root;
  process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-trends-data-");
});
afterAll(async () => {
  for (const [k, v] of [["KAIZEN_CONTENT_DIR", saved.content], ["KAIZEN_DATA_DIR", saved.data]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await removeTempDirs();
});

describe("/trends data", () => {
  it("leaves a restricted incident out of every figure for a reader outside its groups, counts included", async () => {
    const t = await getTrends(RAE);
    expect(t.incidents).toBe(1);
    expect(t.durations.timeToDetect[0]?.all?.n).toBe(1);
    expect(t.severities).toEqual(["SEV2"]);
    expect(t.teams).toEqual([]);
    expect(JSON.stringify(t)).not.toMatch(/secops|SEV1/);
  });

  it("and counts it for a member of the group", async () => {
    const t = await getTrends(SAM);
    expect(t.incidents).toBe(2);
    expect(t.durations.timeToDetect[0]?.all?.n).toBe(2);
    expect(t.teams.map((r) => r.team)).toEqual(["secops"]);
  });
});
