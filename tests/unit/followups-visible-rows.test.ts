import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { visibleContent } from "../../lib/knowledge/visible";
import { buildFollowupRows } from "../../lib/followups/rows";
import { buildFollowupRowsInSteps, followupRowsBuilt, followupRowsFor, followupRowsOfIncident } from "../../lib/followups/visible-rows";
import { removeTempDirs } from "../fixtures/git-repo";
import { incidentText, makeContentRepo } from "./notify-fixtures";

const saved = process.env.KAIZEN_CONTENT_DIR;
const RAE: Viewer = { id: "rae", name: "Rae", email: "", role: "reader", groups: [] };
const SAM: Viewer = { id: "sam", name: "Sam", email: "", role: "author", groups: ["security"] };
const stores = globalThis as unknown as { kaizenStores?: Map<string, unknown> };
let root = "";

/** Incident n: started on day n of 2026, the missing-alert factor, a done countermeasure addressing it and an open one. */
function numbered(n: number, extra: string[] = []): string {
  const day = `2026-01-${String(n).padStart(2, "0")}`;
  return incidentText(`Incident ${n}`, [
    `started_at: ${day}T10:00:00Z`,
    "contributing_factors:\n  - factor: missing-alert",
    [
      "countermeasures:",
      "  - id: cm-alert",
      "    title: Add the alert",
      "    type: detect",
      "    owner: ana@x.example",
      `    due: ${day}`,
      "    status: done",
      `    done_at: ${day}`,
      "    addresses: [missing-alert]",
      "  - id: cm-runbook",
      "    title: Write the runbook",
      "    type: mitigate",
      "    owner: ana@x.example",
      "    due: 2026-02-01",
      "    status: open",
    ].join("\n"),
    ...extra,
  ]);
}

/** A new process on the same content: no store, nothing memoized on its snapshots. */
function restart() {
  stores.kaizenStores?.delete(root);
}

beforeAll(async () => {
  const incidents: Record<string, string> = {};
  for (let n = 1; n <= 24; n++) incidents[`inc-${n}`] = numbered(n, n % 5 === 0 ? ["visibility: restricted", "groups: [security]"] : []);
  ({ root } = await makeContentRepo(incidents));
  process.env.KAIZEN_CONTENT_DIR = root;
});

afterAll(async () => {
  if (saved === undefined) delete process.env.KAIZEN_CONTENT_DIR;
  else process.env.KAIZEN_CONTENT_DIR = saved;
  await removeTempDirs();
});

/** The rows as one synchronous build over the viewer's list gives them. */
async function reference(viewer: Viewer) {
  const visible = await visibleContent(viewer);
  return buildFollowupRows(visible.incidents, visible.snapshot.taxonomy, { policy: visible.snapshot.config.followups });
}

describe("the viewer's countermeasure rows built in steps", () => {
  it("give the rows of one build, a slice per pause", async () => {
    restart();
    const visible = await visibleContent(RAE);
    let pauses = 0;
    await buildFollowupRowsInSteps(visible, async () => void pauses++, { sliceMs: 0, chunk: 4 });
    expect(pauses).toBeGreaterThanOrEqual(Math.ceil(visible.incidents.length / 4));
    expect(followupRowsBuilt(visible)).toEqual(await reference(RAE));
    expect(followupRowsFor(visible)).toBe(followupRowsBuilt(visible));
  });

  it("a request during the build finishes it (the same rows) and the background build stops", async () => {
    restart();
    const visible = await visibleContent(RAE);
    let pauses = 0;
    let fromRequest: ReturnType<typeof followupRowsFor> | null = null;
    await buildFollowupRowsInSteps(
      visible,
      async () => {
        pauses++;
        if (pauses === 3) fromRequest = followupRowsFor(visible);
      },
      { sliceMs: 0, chunk: 4 },
    );
    expect(pauses).toBe(3);
    expect(fromRequest).toEqual(await reference(RAE));
    expect(followupRowsFor(visible)).toBe(fromRequest);
  });

  it("an incident's own rows equal its rows in the full list, without building the full list", async () => {
    restart();
    const visible = await visibleContent(RAE);
    const own = followupRowsOfIncident(visible, "inc-3");
    expect(followupRowsBuilt(visible)).toBeNull();
    expect(own).toEqual((await reference(RAE)).filter((r) => r.incident.id === "inc-3"));
    // Done on day 3, the factor came back in every later incident the reader may see (not the restricted ones).
    const later = visible.incidents.filter((i) => Number(i.id.slice(4)) > 3).length;
    expect(own.find((r) => r.id === "cm-alert")?.recurrenceCount).toBe(later);
    expect(followupRowsOfIncident(visible, "inc-3")).toEqual(followupRowsFor(visible).filter((r) => r.incident.id === "inc-3"));
  });

  it("recurrence in an incident's own rows counts only what the viewer may see", async () => {
    restart();
    const reader = followupRowsOfIncident(await visibleContent(RAE), "inc-3").find((r) => r.id === "cm-alert");
    const member = followupRowsOfIncident(await visibleContent(SAM), "inc-3").find((r) => r.id === "cm-alert");
    expect(member?.recurrenceCount).toBe(21);
    expect(reader?.recurrenceCount).toBe(17);
    expect(reader?.recurredAfterDone.map((h) => h.incidentId)).not.toContain("inc-5");
    expect(followupRowsOfIncident(await visibleContent(RAE), "inc-5")).toEqual([]);
  });
});
