import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ContentStore, type Snapshot } from "@/lib/content/store";
import { bulkWorkerCount, mdxWorkerCount } from "@/lib/mdx/off-thread";
import { gitRepo, inIncidents, removeTempDirs } from "../fixtures/git-repo";

const FACTORS = `- id: bad-config-push
  name: Bad configuration push
  category: change
  description: A configuration change rolled out everywhere at once.
`;

/** 90 incident files (more than a bulk parse needs), every fifth with a body problem and every seventh with a frontmatter one. */
function files(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < 90; i++) {
    const severity = i % 7 === 3 ? "SEV9" : "SEV2";
    const body = i % 5 === 1 ? `# Summary\n\nLine one.\n\n{process.env.SECRET_${i}}\n` : `# Summary\n\nIncident ${i}: the **queue** backed up.\n\n- a\n- b\n`;
    out[`inc-${String(i).padStart(3, "0")}.mdx`] = ["---", `title: Incident ${i}`, "status: published", `severity: ${severity}`, "contributing_factors:", "  - factor: bad-config-push", "---", "", body].join("\n");
  }
  return out;
}

const saved = { mdx: process.env.KAIZEN_MDX_WORKERS };
afterEach(() => {
  if (saved.mdx === undefined) delete process.env.KAIZEN_MDX_WORKERS;
  else process.env.KAIZEN_MDX_WORKERS = saved.mdx;
});
afterAll(removeTempDirs);

/** A first snapshot of `root` by a new store (no parse cache), with the most MDX workers seen while it was built. */
async function firstSnapshot(root: string): Promise<{ snapshot: Snapshot; mostWorkers: number; sawProgress: boolean }> {
  const store = new ContentStore(root);
  let mostWorkers = 0;
  let sawProgress = false;
  const timer = setInterval(() => {
    const p = store.progress();
    if (!p.ready && p.phase === "parsing") {
      sawProgress = true;
      mostWorkers = Math.max(mostWorkers, p.workers);
    }
  }, 1);
  try {
    return { snapshot: await store.snapshot(), mostWorkers, sawProgress };
  } finally {
    clearInterval(timer);
  }
}

describe("the first snapshot on several MDX workers", () => {
  it(
    "gives the same entries and problems, in the same order, as on one worker, and the pool shrinks afterwards",
    async () => {
      const root = await gitRepo({ "factors.yml": FACTORS, ...inIncidents(files()) }, { prefix: "kaizen-bulk-" });
      process.env.KAIZEN_MDX_WORKERS = "1";
      const one = await firstSnapshot(root);
      process.env.KAIZEN_MDX_WORKERS = "3";
      const three = await firstSnapshot(root);

      expect(one.snapshot.incidents.length).toBe(90 - 18 - 13 + 2); // 18 body problems, 13 frontmatter ones, 2 with both
      expect(one.snapshot.broken.map((b) => b.id)).toContain("inc-001");
      expect(one.snapshot.broken.find((b) => b.id === "inc-003")?.problems).toEqual([expect.objectContaining({ field: "severity" })]);
      expect(one.snapshot.broken.find((b) => b.id === "inc-001")?.problems).toEqual([expect.objectContaining({ field: "body", line: 13, message: expect.stringMatching(/expressions/) })]);
      const plain = (s: Snapshot) => ({ incidents: s.incidents, broken: s.broken, ids: [...s.byId.keys()] });
      expect(plain(three.snapshot)).toEqual(plain(one.snapshot));

      // Progress was there to read while it parsed (the event loop was let in), and it says how many workers checked bodies.
      expect(one.sawProgress && three.sawProgress).toBe(true);
      expect(one.mostWorkers).toBe(1);
      expect(three.mostWorkers).toBeGreaterThan(1);
      expect(three.mostWorkers).toBeLessThanOrEqual(3);
      // Back to the steady size (at most two) once the snapshot is served; the idle rule stops the rest later.
      expect(mdxWorkerCount()).toBeLessThanOrEqual(2);
    },
    120_000,
  );
});

describe("bulkWorkerCount", () => {
  it("is every core by default, the process's share of them under several servers, and KAIZEN_MDX_WORKERS when set", () => {
    expect(bulkWorkerCount({}, 2)).toBe(2);
    expect(bulkWorkerCount({}, 64)).toBe(16);
    expect(bulkWorkerCount({}, 1)).toBe(1);
    // Cluster workers of `npm start`: one per core by default, so one MDX worker each; KAIZEN_WORKERS=2 on 8 cores: 4 each.
    expect(bulkWorkerCount({ KAIZEN_WORKER: "1" }, 8)).toBe(1);
    expect(bulkWorkerCount({ KAIZEN_WORKER: "1", KAIZEN_WORKERS: "2" }, 8)).toBe(4);
    expect(bulkWorkerCount({ KAIZEN_WORKER: "1", KAIZEN_WORKERS: "16" }, 8)).toBe(1);
    expect(bulkWorkerCount({ KAIZEN_MDX_WORKERS: "3" }, 2)).toBe(3);
    expect(bulkWorkerCount({ KAIZEN_MDX_WORKERS: " 1 " }, 8)).toBe(1);
    for (const bad of ["0", "17", "two", "1.5", "-1"]) {
      expect(() => bulkWorkerCount({ KAIZEN_MDX_WORKERS: bad }, 2)).toThrow(`KAIZEN_MDX_WORKERS must be a whole number from 1 to 16 (got "${bad}")`);
    }
  });
});
