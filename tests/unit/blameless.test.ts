import { describe, expect, it } from "vitest";
import { lintBlameless, type BlamelessHint } from "../../lib/lint/blameless";
import { blamelessProblems } from "../../lib/lint/content-lint";

const hits = (text: string) => lintBlameless(text).map((h) => [h.kind, h.phrase, h.line, h.col]);

describe("lintBlameless: each phrase class", () => {
  it.each<[string, BlamelessHint["kind"], string, number]>([
    ["The outage was due to human error.", "human-error", "human error", 23],
    ["Root cause: operator error during the change.", "human-error", "operator error", 13],
    ["In hindsight we should have paused the rollout.", "hindsight", "should have", 17],
    ["The on-call could've rolled back sooner.", "hindsight", "could've", 13],
    ["The engineer failed to check the dashboard.", "failure-of-person", "failed to", 14],
    ["A careless edit removed the flag.", "judgement", "careless", 3],
    ["The review was negligent.", "judgement", "negligent", 16],
    ["Someone forgot to renew the certificate.", "forgetting", "forgot to", 9],
    ["The outage was caused by John Smith.", "person-as-cause", "caused by John Smith", 16],
    ["It was Dave's mistake.", "person-as-cause", "Dave's mistake", 8],
    ["The rollback was blamed on Priya.", "person-as-cause", "blamed on Priya", 18],
  ])("%s", (text, kind, phrase, col) => {
    expect(hits(text)).toEqual([[kind, phrase, 1, col]]);
  });

  it("reports line and column in multi-line text, offset by the first line", () => {
    const text = "# What happened\n\nThe deploy went out.\nWe forgot to check the canary, and should have waited.\n";
    expect(lintBlameless(text, 10).map((h) => [h.kind, h.line, h.col, h.length])).toEqual([
      ["forgetting", 13, 4, 9],
      ["hindsight", 13, 36, 11],
    ]);
  });

  it("explains each hit and suggests a reframing", () => {
    const [h] = lintBlameless("human error");
    expect(h?.message).toMatch(/ends the inquiry/);
    expect(h?.suggestion.length).toBeGreaterThan(20);
  });

  it("finds several hits in one line, in order", () => {
    expect(hits("Human error: Bob failed to look, a careless slip.").map((h) => h[0])).toEqual(["human-error", "failure-of-person", "judgement"]);
  });
});

describe("lintBlameless: no hit on neutral text", () => {
  it.each([
    "The alert should fire when the error rate exceeds 2%.",
    "Dashboards should show the error budget.",
    'The log said "deploy failed to start: human error in config" at 14:02.',
    "We searched the logs for `failed to connect` and `caused by John`.",
    "```\nERROR failed to acquire lock (careless retry)\nWARN operator error count=3\n```",
    "~~~text\nforgot to flush\n~~~",
    "> 14:02 worker-3: failed to renew lease, should have retried",
    "The outage was caused by Kafka rebalancing.",
    "Latency was caused by Postgres vacuuming a large table.",
    "The slowdown was caused by Redis being out of memory.",
    "Pods restarted because of Kubernetes evicting them.",
    "Errors were caused by PostgreSQL and by AWS throttling.",
    "The spike was because of Monday traffic.",
    "The failure was caused by the Billing service.",
    "The retries were caused by Checkout service timeouts.",
  ])("%s", (text) => {
    expect(lintBlameless(text)).toEqual([]);
  });

  it("still flags prose after a fenced block", () => {
    const text = "```\nfailed to connect\n```\nThe operator failed to notice.";
    expect(hits(text)).toEqual([["failure-of-person", "failed to", 4, 14]]);
  });
});

describe("blamelessProblems", () => {
  const raw = [
    "---", //                                                        1
    "title: Checkout outage", //                                     2
    "summary: The deploy tool failed to roll back.", //              3
    'impact: "Orders were delayed; someone forgot to page."', //     4
    "---", //                                                        5
    "", //                                                           6
    "# What happened", //                                            7
    "", //                                                           8
    "It was human error.", //                                        9
    "", //                                                           10
    "```", //                                                        11
    "should have", //                                                12
    "```", //                                                        13
  ].join("\n");

  it("reports file lines for frontmatter and body as warnings", () => {
    const problems = blamelessProblems("incidents/checkout.mdx", raw);
    expect(problems.map((p) => [p.file, p.line, p.col, p.field, p.severity])).toEqual([
      ["incidents/checkout.mdx", 3, 26, "blameless", "warning"],
      // Frontmatter strings are quoted YAML, not quotations: they are checked.
      ["incidents/checkout.mdx", 4, 39, "blameless", "warning"],
      ["incidents/checkout.mdx", 9, 8, "blameless", "warning"],
    ]);
    expect(problems[2]?.message).toMatch(/^"human error": /);
  });

  it("reports nothing for a file it cannot split", () => {
    expect(blamelessProblems("incidents/x.mdx", "human error, no frontmatter")).toEqual([]);
  });
});
