import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncStatusLines } from "../../scripts/commands/sync";

// The CLI writes dates as the web does ("14 Mar 2026"; a time of day in KAIZEN_TIME_ZONE with the zone named), never
// ISO. --json output keeps ISO: it is for programs.
const root = path.resolve(__dirname, "../..");
let tmp: string;
let content: string;

/** A bare ISO date or date-time (an incident id such as 2026-03-14-checkout-… is not one). */
const ISO = /(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])|\d{4}-\d{2}-\d{2}T\d{2}/;
const DATE = /\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b/;

function kaizen(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/kaizen.ts"), ...args], {
    cwd: root,
    input: "",
    encoding: "utf8",
    env: { ...process.env, KAIZEN_CONTENT_DIR: content, KAIZEN_DATA_DIR: path.join(tmp, "data"), KAIZEN_TIME_ZONE: "Europe/Berlin", KAIZEN_SLACK_WEBHOOK: "" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-cli-dates-"));
  content = path.join(tmp, "content");
  fs.cpSync(path.join(root, "content"), content, { recursive: true });
  const who = ["-c", "user.name=Test", "-c", "user.email=test@example.com"];
  spawnSync("git", ["init", "-q", "-b", "main"], { cwd: content });
  spawnSync("git", [...who, "add", "-A"], { cwd: content });
  spawnSync("git", [...who, "commit", "-qm", "sample"], { cwd: content });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("dates in the CLI", { timeout: 120_000 }, () => {
  it("followups shows due dates as 14 Mar 2026, not ISO", () => {
    const r = kaizen(["followups", "--all"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(DATE);
    expect(r.out).not.toMatch(ISO);
    // The machine-readable form is unchanged.
    expect(kaizen(["followups", "--all", "--json"]).out).toMatch(/"dueDate": "\d{4}-\d{2}-\d{2}"/);
  });

  it("factors shows last-seen and recurrence dates in the same format", () => {
    const r = kaizen(["factors"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(DATE);
    expect(r.out).not.toMatch(ISO);
  });

  it("search shows when an incident started in the same format", () => {
    const r = kaizen(["search", "connection pool", "--limit", "3"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`SEV\\d · ${DATE.source}`));
    expect(r.out).not.toMatch(ISO);
  });

  it("the digest's window, due and done dates are in the same format", () => {
    const r = kaizen(["digest", "--dry-run"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`Kaizen digest ${DATE.source} – ${DATE.source}`));
    expect(r.out).not.toMatch(ISO);
  });

  it("sync --status shows instants in KAIZEN_TIME_ZONE, with the zone named", () => {
    const lines = syncStatusLines(
      {
        remote: "https://git.example.com/team/postmortems.git",
        branch: "main",
        head: "abc1234",
        remoteHead: null,
        pending: 0,
        lastFetch: "2026-03-14T10:05:00Z",
        lastPush: "2026-07-14T10:05:00.000Z",
        lastError: null,
        unreachableSince: null,
        lastRewrite: { at: "2026-03-14T23:30:00Z", backupRef: "refs/kaizen/backup/1" },
      },
      "Europe/Berlin",
    );
    expect(lines).toContain("lastFetch         14 Mar 2026, 11:05 CET");
    expect(lines).toContain("lastPush          14 Jul 2026, 12:05 CEST");
    expect(lines).toContain("lastRewrite       15 Mar 2026, 00:30 CET, local commits kept on refs/kaizen/backup/1");
    expect(lines).toContain("lastError         -");
    expect(lines.join("\n")).not.toMatch(ISO);
  });
});
