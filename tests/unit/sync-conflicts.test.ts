import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { writeConflicts, type SyncConflict } from "../../lib/sync/state";
import { conflictsFor, resolveConflicts } from "../../lib/sync/service";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

const ANA: Viewer = { id: "ana", name: "Ana", email: "ana@example.com", role: "author", groups: [] };
const BEN: Viewer = { id: "ben", name: "Ben", email: "ben@example.com", role: "author", groups: [] };
const text = (body: string, extra: string[] = []) => ["---", "title: T", ...extra, "---", "", body].join("\n");

function conflict(over: Partial<SyncConflict>): SyncConflict {
  return { id: "db", path: "incidents/db.mdx", authorEmail: "ana@example.com", authorName: "Ana", ref: "refs/kaizen/conflicts/db/x", at: "2026-01-01T00:00:00Z", mine: text("mine"), theirs: text("theirs"), theirsBlob: "b".repeat(40), ...over };
}

describe("sync conflict records", () => {
  it("are shown to their author only, and not once either text is restricted from them", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-conflicts-"));
    dirs.push(dir);
    await writeConflicts(dir, [conflict({}), conflict({ id: "sec", theirs: text("hidden", ["visibility: restricted", "groups: [security]"]) })]);
    expect((await conflictsFor(ANA, "db", dir)).map((c) => c.mine)).toEqual([text("mine")]);
    expect(await conflictsFor(BEN, "db", dir)).toEqual([]);
    expect(await conflictsFor(ANA, "sec", dir)).toEqual([]);
    await resolveConflicts(ANA, "db", dir);
    expect(await conflictsFor(ANA, "db", dir)).toEqual([]);
  });
});
