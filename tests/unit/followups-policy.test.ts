import { afterEach, describe, expect, it } from "vitest";
import { configSection, kaizenConfigOf, parseKaizenConfig } from "../../lib/content/kaizen-config";
import { parseIncidentText } from "../../lib/content/incident-file";
import { countermeasureBreaches } from "../../lib/followups/policy";
import { applyCountermeasureUpdate } from "../../lib/followups/update";
import { lintContent } from "../../lib/lint/content-lint";
import { followupPolicySchema, targetDays } from "../../lib/schema/followup-policy";
import { formatProblem } from "../../lib/schema/problems";
import { Taxonomy } from "../../lib/schema/taxonomy";
import { gitRepo, removeTempDirs } from "../fixtures/git-repo";

const POLICY = followupPolicySchema.parse({ due_days: { SEV1: { prevent: 28, default: 42 }, SEV2: 28, default: 56 }, evidence_required: ["prevent"] });

function incident(countermeasures: string, severity = "SEV1"): string {
  return `---
title: Checkout down
status: published
severity: ${severity}
started_at: 2026-01-10T10:00:00Z
countermeasures:
${countermeasures}---

Body.
`;
}

const CM_OPEN = `  - id: cm-1
    title: Add backoff
    type: prevent
    owner: ana@x.example
    due: 2026-03-01
    status: open
`;

describe("kaizen.yml followups policy", () => {
  it("reads targets by severity and type, with defaults", () => {
    expect(targetDays(POLICY, "SEV1", "prevent")).toBe(28);
    expect(targetDays(POLICY, "SEV1", "detect")).toBe(42);
    expect(targetDays(POLICY, "SEV2", "process")).toBe(28);
    expect(targetDays(POLICY, "SEV4", "detect")).toBe(56);
    expect(targetDays(followupPolicySchema.parse({}), "SEV1", "prevent")).toBeNull();
  });

  it("locates every error with file, line and field", () => {
    const { problems, value } = parseKaizenConfig("redact: [Atlas]\nfollowups:\n  due_days:\n    SEV1: -3\n    SEV9: 10\n  evidence_required: maybe\nfolowups: {}\n");
    expect(problems.map(formatProblem)).toContain("kaizen.yml:4:11  followups.due_days.SEV1  at least 1 day");
    for (const p of problems) {
      expect(p.file).toBe("kaizen.yml");
      expect(p.line).toBeGreaterThan(0);
      expect(p.field).not.toBe("");
    }
    expect(problems.map((p) => p.field).sort()).toEqual(["followups.due_days", "followups.due_days.SEV1", "followups.evidence_required", "kaizen.yml"].sort());
    // A broken section leaves the others in force.
    expect(value.redact.terms).toEqual(["Atlas"]);
  });

  it("gives each reader its section of the one parsed kaizen.yml, with that section's problems and the file's", () => {
    const loaded = kaizenConfigOf("review:\n  approvals: 0\nnotifications:\n  teams:\n    sre: SRE_HOOK\nfollowups:\n  due_days: { SEV1: 14 }\n");
    const review = configSection(loaded, "review");
    expect(review.problems.map(formatProblem)).toEqual(["kaizen.yml:2:14  review.approvals  at least 1"]);
    expect(review.policy.approvals).toBe(1);
    expect(configSection(loaded, "notifications")).toMatchObject({ policy: { teams: { sre: "SRE_HOOK" } }, problems: [] });
    expect(configSection(loaded, "followups").policy.due_days).toMatchObject({ SEV1: 14 });
    // A problem of the whole file concerns every section: an unreadable file leaves them all at their defaults.
    const unreadable = kaizenConfigOf("review: [unclosed\n");
    for (const section of ["review", "notifications", "followups", "redact"] as const) expect(configSection(unreadable, section).problems).toHaveLength(1);
    expect(configSection(kaizenConfigOf("reviewz: {}\n"), "notifications").problems.map((p) => p.message)).toEqual([expect.stringContaining("unknown section(s): reviewz")]);
  });

  it("flags a due date beyond the target and a done countermeasure without the evidence link it needs", () => {
    const subject = { severity: "SEV1" as const, createdDate: "2026-01-10" };
    expect(countermeasureBreaches({ type: "prevent", status: "open", due: "2026-03-01" }, subject, POLICY).map((b) => b.kind)).toEqual(["due-beyond-target"]);
    expect(countermeasureBreaches({ type: "prevent", status: "open", due: "2026-02-07" }, subject, POLICY)).toEqual([]);
    expect(countermeasureBreaches({ type: "prevent", status: "open", due: "2026-02-07" }, subject, POLICY, { today: "2026-02-08" }).map((b) => b.kind)).toEqual(["past-target"]);
    // Done in time: the late due date no longer matters; the missing link does.
    expect(countermeasureBreaches({ type: "prevent", status: "done", due: "2026-03-01", done_at: "2026-02-01" }, subject, POLICY).map((b) => b.kind)).toEqual(["missing-evidence"]);
    const withNote = [{ note: "it works", added_by: "ana", added_at: "2026-02-01" }];
    expect(countermeasureBreaches({ type: "prevent", status: "done", due: "2026-02-01", done_at: "2026-02-01", evidence: withNote }, subject, POLICY).map((b) => b.kind)).toEqual(["missing-evidence"]);
    const withLink = [{ url: "https://github.com/o/r/pull/1", added_by: "ana", added_at: "2026-02-01" }];
    expect(countermeasureBreaches({ type: "prevent", status: "done", due: "2026-02-01", done_at: "2026-02-01", evidence: withLink }, subject, POLICY)).toEqual([]);
    expect(countermeasureBreaches({ type: "detect", status: "done", due: "2026-02-01", done_at: "2026-02-01" }, subject, POLICY)).toEqual([]);
    expect(countermeasureBreaches({ type: "prevent", status: "wont-do", due: "2027-01-01" }, subject, POLICY)).toEqual([]);
  });
});

describe("countermeasure evidence and verify_by", () => {
  it("keeps existing files valid and validates evidence entries", () => {
    expect(parseIncidentText("a.mdx", incident(CM_OPEN), Taxonomy.empty()).ok).toBe(true);
    const bad = parseIncidentText("a.mdx", incident(`${CM_OPEN}    verify_by: 2026-02-30\n    evidence:\n      - url: "javascript:alert(1)"\n        added_by: ana\n        added_at: 2026-02-01\n`), Taxonomy.empty());
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.field).sort()).toEqual(["countermeasures[0].evidence[0].url", "countermeasures[0].verify_by"]);
  });

  it("marking done with a note and a link appends one evidence entry and sets verify_by from the policy", () => {
    const text = applyCountermeasureUpdate(incident(CM_OPEN), "cm-1", { status: "done", evidence: { url: "https://github.com/o/r/pull/7", note: "backoff merged" } }, "2026-02-03", { actor: "ana@x.example", verifyAfterDays: 30 });
    expect(text).toContain(`    status: done
    done_at: 2026-02-03
`);
    expect(text).toContain(`    verify_by: 2026-03-05
    evidence:
      - added_by: ana@x.example
        added_at: 2026-02-03
        url: https://github.com/o/r/pull/7
        note: backoff merged
`);
    expect(text.endsWith("---\n\nBody.\n")).toBe(true);
    expect(() => applyCountermeasureUpdate(incident(CM_OPEN), "cm-1", { status: "done", evidence: { url: "javascript:alert(1)" } }, "2026-02-03", { actor: "ana" })).toThrow(/http\(s\) link/);
  });
});

afterEach(removeTempDirs);

describe("kaizen lint and the followups policy", () => {
  it("reports config errors and policy breaches with file, line and field", async () => {
    const dir = await gitRepo(
      {
        "factors.yml": "categories: []\nfactors: []\n",
        "kaizen.yml": "followups:\n  due_days: { SEV1: 28 }\n  evidence_required: true\n  verify_after_days: 30\nreviewz: {}\n",
        "incidents/checkout-down.mdx": incident(`${CM_OPEN}  - id: cm-2
    title: Alert on saturation
    type: detect
    owner: bo@x.example
    due: 2026-01-20
    status: done
    done_at: 2026-01-20
`),
      },
      { prefix: "kaizen-policy-", message: "init" },
    );
    const { problems } = await lintContent(dir, { committed: true });
    const lines = problems.filter((p) => p.field !== "blameless").map((p) => `${formatProblem(p)} ${p.severity}`);
    expect(lines).toEqual([
      "incidents/checkout-down.mdx:11:10  countermeasures[0].due  policy: due 1 Mar 2026 is after the policy target 7 Feb 2026 (28 days after the SEV1 start, for prevent countermeasures) warning",
      "incidents/checkout-down.mdx:18:13  countermeasures[1].evidence  policy: done without an evidence link: kaizen.yml requires evidence for detect countermeasures warning",
      "kaizen.yml:1:1  kaizen.yml  unknown section(s): reviewz (known: redact, followups, review, notifications) error",
    ]);
  });
});
