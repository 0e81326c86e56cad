import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syncBadge } from "../../lib/sync/badge";
import { bareRemote, outsideGit, removeTempDirs } from "../fixtures/git-repo";

const root = path.resolve(__dirname, "../..");
afterAll(removeTempDirs);
const git = outsideGit;

function kaizen(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/kaizen.ts"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
}

describe("syncBadge", () => {
  const base = { pending: 0, lastError: null, unreachableSince: null, lastFetch: null, lastRewrite: null };
  it("says synced, N pending, or unreachable since when", () => {
    expect(syncBadge(base).label).toBe("synced");
    expect(syncBadge({ ...base, pending: 3 })).toMatchObject({ label: "3 pending", tone: "pending" });
    const since = new Date(Date.parse("2026-01-01T10:00:00Z")).toISOString();
    expect(syncBadge({ ...base, pending: 2, lastError: "fatal: unable to access", unreachableSince: since }, Date.parse("2026-01-01T10:12:00Z"))).toMatchObject({ label: "remote unreachable since 12 min, 2 pending", tone: "error" });
  });
});

describe("kaizen sync", () => {
  it("pushes a local commit and --status reports it, with no token anywhere", async () => {
    const { base, bare } = await bareRemote({}, { prefix: "kaizen-cli-sync-" });
    const content = path.join(base, "content");
    git(base, "clone", "-q", bare, content);
    await fs.writeFile(path.join(content, "factors.yml"), "[]\n");
    git(content, "add", "-A");
    git(content, "commit", "-qm", "local");
    const token = "tok-0123456789-secret";
    const env = { KAIZEN_GIT_REMOTE: `file://${bare}`, KAIZEN_GIT_TOKEN: token, KAIZEN_CONTENT_DIR: content, KAIZEN_DATA_DIR: path.join(base, "data") };
    const run = kaizen(["sync"], env);
    expect(run.stderr + run.stdout).not.toContain(token);
    expect(run.status).toBe(0);
    expect(git(bare, "rev-parse", "main")).toBe(git(content, "rev-parse", "HEAD"));
    const status = kaizen(["sync", "--status"], env);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/pending\s+0/);
    expect(status.stdout).toMatch(/lastPush\s+\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC/);
    expect(status.stdout).not.toContain(token);
    expect(await fs.readFile(path.join(base, "data", "sync-state.json"), "utf8")).not.toContain(token);
    expect(await fs.readFile(path.join(content, ".git", "config"), "utf8")).not.toContain(token);
  });

  it("rejects unknown options", () => {
    const r = kaizen(["sync", "--stauts"], {});
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option --stauts");
  });
});
