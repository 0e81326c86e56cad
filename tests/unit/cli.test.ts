import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, git, removeTempDirs, tempDirSync } from "../fixtures/git-repo";

// The CLI as a person (or cron) runs it: a real process over a temporary content repository.
const root = path.resolve(__dirname, "../..");
let tmp: string;
let content: string;
let data: string;

function kaizen(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/kaizen.ts"), ...args], {
    cwd: root,
    input: input ?? "",
    encoding: "utf8",
    env: { ...process.env, KAIZEN_CONTENT_DIR: content, KAIZEN_DATA_DIR: data, KAIZEN_TIME_ZONE: "UTC" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  tmp = tempDirSync("kaizen-cli-");
  content = path.join(tmp, "content");
  data = path.join(tmp, "data");
  fs.cpSync(path.join(root, "content"), content, { recursive: true });
  git(content, "init", "-q", "-b", "main");
  // The commands read what is committed (as the server does); `lint` reads the files on disk.
  commitAll(content, "sample");
});
afterAll(removeTempDirs);

describe("kaizen CLI", { timeout: 120_000 }, () => {
  it("rejects an unknown flag instead of silently ignoring it (a typo in a cron line)", () => {
    const r = kaizen(["followups", "--notfy", "https://example.invalid/hook"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option --notfy");
    expect(r.err).toContain("usage: kaizen followups");
  });

  it("rejects a value given to a boolean flag and a missing value", () => {
    expect(kaizen(["lint", "--json=yes"]).err).toContain("--json takes no value");
    expect(kaizen(["search", "redis", "--limit"]).err).toContain("--limit needs a value");
  });

  it("prints per-command help and the version", () => {
    const help = kaizen(["search", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("usage: kaizen search");
    expect(help.out).toContain("--limit N");
    const v = kaizen(["--version"]);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("takes global options before the command name", () => {
    const r = kaizen(["--content", content, "lint"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/incidents checked: 0 error/);
  });

  it("refuses --limit 0 and negative limits instead of printing nothing", () => {
    for (const n of ["0", "-5", "1.5"]) {
      const r = kaizen(["search", "redis", `--limit=${n}`]);
      expect(r.code, n).toBe(2);
      expect(r.err).toContain("--limit expects a whole number ≥ 1");
    }
    // Written the usual way, a negative value is still that flag's value, not an "ambiguous" option.
    const spaced = kaizen(["search", "redis", "--limit", "-5"]);
    expect(spaced.code).toBe(2);
    expect(spaced.err).toContain('--limit expects a whole number ≥ 1, got "-5"');
    expect(kaizen(["factors", "--limit", "0"]).err).toContain("--limit expects a whole number ≥ 1");
  });

  it("search without a query says so instead of waiting on standard input", () => {
    const r = kaizen(["search"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("search needs a query");
    const batch = kaizen(["search", "--stdin"], "redis\n\n");
    expect(batch.code).toBe(0);
    const lines = batch.out.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? "null")).toEqual([]);
  });

  it("followups --overdue prints whole references (incident#cm-N), never cut mid-id", () => {
    const r = kaizen(["followups", "--overdue"]);
    expect(r.code).toBe(0);
    const refs = r.out.match(/\S+#cm-\d+/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    const ids = new Set(fs.readdirSync(path.join(content, "incidents")).map((f) => f.replace(/\.mdx$/, "")));
    for (const ref of refs) expect(ids.has(ref.split("#")[0] ?? "")).toBe(true);
  });

  it("users add --password-stdin and set-password read the password from standard input", () => {
    const add = kaizen(["users", "add", "maria", "--role", "author", "--password-stdin"], "first-password-123\n");
    expect(add.code).toBe(0);
    expect(add.out).not.toContain("first-password-123");
    expect(kaizen(["users", "add", "nopw", "--password", "on-the-command-line"]).code).toBe(2);
    const set = kaizen(["users", "set-password", "maria"], "second-password-456\n");
    expect(set.code).toBe(0);
    const users = JSON.parse(fs.readFileSync(path.join(data, "users.json"), "utf8")) as { users: { username: string; passwordHash: string }[] };
    expect(users.users.find((u) => u.username === "maria")?.passwordHash).toMatch(/^scrypt\$/);
    expect(kaizen(["users", "set-password", "maria"], "").code).toBe(2);
  });

  it("shows the demo passwords again while the accounts still use them, and not after a change", () => {
    const demoData = path.join(tmp, "demo-data");
    const run = (args: string[], input?: string) => {
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/kaizen.ts"), ...args], { cwd: root, input: input ?? "", encoding: "utf8", env: { ...process.env, KAIZEN_CONTENT_DIR: content, KAIZEN_DATA_DIR: demoData } });
      return r.stdout;
    };
    run(["users", "ensure-demo"]);
    const shown = run(["users", "demo"]);
    expect(shown).toMatch(/admin\s+\S{19}/);
    expect(shown).toMatch(/reader\s+\S{19}/);
    run(["users", "set-password", "reader"], "a-new-password-789\n");
    const after = run(["users", "demo"]);
    expect(after).toMatch(/admin\s+\S{19}/);
    expect(after).not.toContain("reader");
  });

  it("lint checks the files on disk (a scaffolded, uncommitted incident), --committed what the server serves", () => {
    const created = kaizen(["new", "Queue consumer stall", "--date", "2026-05-01"]);
    expect(created.code).toBe(0);
    const file = path.join(content, "incidents", "2026-05-01-queue-consumer-stall.mdx");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("severity: SEV3", "severity: sev 1"));
    const disk = kaizen(["lint"]);
    expect(disk.code).toBe(1);
    expect(disk.out).toMatch(/incidents\/2026-05-01-queue-consumer-stall\.mdx:\d+:\d+\s+severity/);
    const committed = kaizen(["lint", "--committed"]);
    expect(committed.out).not.toContain("queue-consumer-stall");
    fs.rmSync(file);
  });

  it("lint checks the sample's kaizen.yml policy: a broken followups or review key names the file, line, column and field", () => {
    const file = path.join(content, "kaizen.yml");
    const sample = fs.readFileSync(file, "utf8");
    const ok = kaizen(["lint"]);
    expect(ok.code).toBe(0);
    // The sample policy is in force: its breaches are warnings, never errors.
    expect(ok.out).toMatch(/countermeasures\[\d+\]\.evidence\s+policy: done without an evidence link: kaizen\.yml requires evidence for prevent countermeasures/);
    const lines = sample.split("\n");
    const sev1 = lines.findIndex((l) => l.trimStart().startsWith("SEV1:")) + 1;
    const evidence = lines.findIndex((l) => l.trimStart().startsWith("evidence_required:")) + 1;
    const approvals = lines.findIndex((l) => l.trimStart().startsWith("approvals:")) + 1;
    fs.writeFileSync(file, sample.replace(/SEV1: \{ prevent: 28,/, "SEV1: { prevent: 0,").replace("evidence_required: [prevent]", "evidence_required: [prevnet]").replace("approvals: 1", "approvals: two"));
    try {
      const bad = kaizen(["lint"]);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(new RegExp(`^kaizen\\.yml:${sev1}:\\d+\\s+followups\\.due_days\\.SEV1\\.prevent\\s+at least 1 day`, "m"));
      expect(bad.out).toMatch(new RegExp(`^kaizen\\.yml:${evidence}:\\d+\\s+followups\\.evidence_required`, "m"));
      expect(bad.out).toMatch(new RegExp(`^kaizen\\.yml:${approvals}:\\d+\\s+review\\.approvals\\s+expected a whole number`, "m"));
    } finally {
      fs.writeFileSync(file, sample);
    }
  });

  it("factors counts what the named viewer may read: a reader without groups, --as-group G, or an admin with --include-restricted", () => {
    const report = (...flags: string[]) => {
      const r = kaizen(["factors", "--json", ...flags]);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as { factors: { factor: string; incidents: number; recurrences: number }[]; recurrences: { factor: string; incidents: number; byCountermeasure: unknown[] }[] };
    };
    const total = (r: ReturnType<typeof report>) => r.factors.reduce((n, f) => n + f.incidents, 0);
    const reader = report();
    const security = report("--as-group", "security");
    const admin = report("--include-restricted");
    // The sample has one restricted incident, readable by the security group.
    expect(total(security)).toBeGreaterThan(total(reader));
    expect(total(admin)).toBe(total(security));
    expect(total(report("--as-group", "payments"))).toBe(total(reader));
    for (const r of admin.recurrences) expect(admin.factors.find((f) => f.factor === r.factor)?.recurrences).toBe(r.incidents);
    expect(kaizen(["factors", "--as-group", "security", "--include-restricted"]).code).toBe(2);
  });

  it("factors --json pages with --limit and --cursor, --all streams NDJSON; restricted incidents are neither counted nor paged", () => {
    const json = (...flags: string[]) => {
      const r = kaizen(["factors", "--json", ...flags]);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as { total: number; factors: { factor: string; incidents: number }[]; next: string | null; learnings?: unknown[] };
    };
    const whole = json("--limit", "500");
    expect(whole.next).toBeNull();
    const seen: string[] = [];
    let page = json("--limit", "7");
    expect(page.learnings).toBeDefined();
    for (let n = 0; ; n++) {
      expect(page.total).toBe(whole.total);
      seen.push(...page.factors.map((f) => f.factor));
      if (!page.next) break;
      page = json("--limit", "7", "--cursor", page.next);
      expect(page.learnings).toBeUndefined();
      expect(n).toBeLessThan(50);
    }
    expect(seen).toEqual(whole.factors.map((f) => f.factor));
    const all = kaizen(["factors", "--all"]);
    expect(all.code, all.err).toBe(0);
    const lines = all.out.trim().split("\n").map((l) => JSON.parse(l) as { factor: string; incidents: number });
    expect(lines.map((l) => l.factor)).toEqual(seen);
    // The restricted sample incident counts for the security group only, in every form.
    const sum = (rows: { incidents: number }[]) => rows.reduce((n, f) => n + f.incidents, 0);
    const secAll = kaizen(["factors", "--all", "--as-group", "security"]).out.trim().split("\n").map((l) => JSON.parse(l) as { incidents: number });
    expect(sum(secAll)).toBeGreaterThan(sum(lines));
    expect(kaizen(["factors", "--json", "--cursor", "nonsense"]).err).toContain("--cursor: not a cursor");
    expect(kaizen(["factors", "--cursor", "x"]).code).toBe(2);
    expect(kaizen(["factors", "--all", "--json"]).code).toBe(2);
  });
});

