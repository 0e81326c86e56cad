import { describe, expect, it } from "vitest";
import { parseIncidentText, type ParsedIncident } from "../../lib/content/incident-file";
import { parseTaxonomy } from "../../lib/content/store";
import { incidentSchema } from "../../lib/schema/incident";
import { formatProblem, type Problem } from "../../lib/schema/problems";

const FILE = "incidents/foo.mdx";

const TAXONOMY_YAML = `categories:
  - id: change
    name: Change management
  - id: observability
    name: Observability
factors:
  - id: bad-config-push
    name: Bad configuration push
    category: change
    description: A configuration change rolled out everywhere at once.
    aliases: [config push]
  - id: missing-alert
    name: Missing alert
    category: observability
    description: No alert fired for the symptom.
  - id: config-rollout
    name: Config rollout (old)
    category: change
    description: Merged.
    merged_into: bad-config-push
`;

const { taxonomy, problems: taxonomyProblems } = parseTaxonomy(TAXONOMY_YAML);

/** A file from frontmatter lines and a body; the frontmatter starts at file line 2. */
function file(yamlLines: string[], body = "\n# Summary\n\nAll good.\n"): string {
  return `---\n${yamlLines.join("\n")}\n---\n${body}`;
}

const VALID = ["title: Checkout outage", "status: published", "severity: SEV2"];

function parse(yamlLines: string[], body?: string): ParsedIncident {
  return parseIncidentText(FILE, file(yamlLines, body), taxonomy);
}

function problemsOf(result: ParsedIncident): Problem[] {
  if (result.ok) throw new Error("expected the file to be rejected");
  return result.problems;
}

function formatted(yamlLines: string[], body?: string): string[] {
  return problemsOf(parse(yamlLines, body)).map(formatProblem);
}

describe("taxonomy fixture", () => {
  it("parses without problems", () => {
    expect(taxonomyProblems).toEqual([]);
    expect(taxonomy.factors.map((f) => f.id)).toEqual(["bad-config-push", "missing-alert", "config-rollout"]);
  });
});

describe("parseIncidentText: valid files", () => {
  it("accepts a minimal incident and fills defaults", () => {
    const r = parse(VALID);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.frontmatter.kind).toBe("incident");
    expect(r.frontmatter.visibility).toBe("internal");
    expect(r.frontmatter.groups).toEqual([]);
    expect(r.warnings).toEqual([]);
    // "---", 3 YAML lines, "---": the body starts on line 6.
    expect(r.bodyLine).toBe(6);
  });

  it("does not require severity for a near-miss", () => {
    expect(parse(["title: Almost", "status: draft", "kind: near-miss"]).ok).toBe(true);
  });
});

describe("parseIncidentText: error format and locations", () => {
  it("points at the value of a bad enum on the key's line", () => {
    expect(formatted(["title: Foo", "status: published", 'severity: "sev 1"'])).toEqual([
      `${FILE}:4:11  severity  expected one of SEV1..SEV4, got "sev 1"`,
    ]);
    expect(formatted(["title: Foo", "status: published", "severity: sev 1"])).toEqual([
      `${FILE}:4:11  severity  expected one of SEV1..SEV4, got "sev 1"`,
    ]);
  });

  it("locates a nested field such as countermeasures[1].owner", () => {
    const lines = [
      ...VALID, //                      file lines 2-4
      "countermeasures:", //            5
      "  - id: cm-1", //                6
      "    title: Add a canary", //     7
      "    type: prevent", //           8
      "    owner: ana@example.com", //  9
      "    due: 2025-04-01", //         10
      "    status: open", //            11
      "  - id: cm-2", //                12
      "    title: Page on errors", //   13
      "    type: detect", //            14
      "    owner: 42", //               15
      "    due: 2025-04-01", //         16
      "    status: open", //            17
    ];
    expect(formatted(lines)).toEqual([`${FILE}:15:12  countermeasures[1].owner  expected an owner (e-mail or handle), got 42`]);
  });

  it("locates an unsorted timeline entry at timeline[2].at", () => {
    const lines = [
      ...VALID,
      "timeline:", //                                5
      "  - at: 2025-03-04T10:00:00Z", //             6
      "    event: Deploy starts", //                 7
      "  - at: 2025-03-04T10:05:00Z", //             8
      "    event: Errors rise", //                   9
      "  - at: 2025-03-04T10:01:00Z", //             10
      "    event: Written out of order", //          11
    ];
    expect(formatted(lines)).toEqual([
      `${FILE}:10:9  timeline[2].at  timeline is not sorted: 2025-03-04T10:01:00Z comes after 2025-03-04T10:05:00Z`,
    ]);
  });

  it("reports an MDX body problem at the file line, not the body line", () => {
    const body = "\n# Summary\n\nThe total was {1 + 1}.\n";
    const problems = problemsOf(parse(VALID, body));
    expect(problems).toHaveLength(1);
    const p = problems[0]!;
    expect(p.field).toBe("body");
    // Body starts at line 6: "" (6), "# Summary" (7), "" (8), "The total…" (9).
    expect(p.line).toBe(9);
    expect(p.col).toBe(15);
    expect(formatProblem(p)).toMatch(/^incidents\/foo\.mdx:9:15 {2}body {2}\{expressions\} are not allowed/);
  });

  it("sorts problems by line", () => {
    const problems = problemsOf(parse(["title: Foo", "status: done", "severity: SEV9"], "\n{x}\n"));
    expect(problems.map((p) => p.line)).toEqual([3, 4, 7]);
  });
});

describe("parseIncidentText: required fields", () => {
  it("requires a title", () => {
    const problems = problemsOf(parse(["status: published", "severity: SEV2"]));
    expect(problems.map((p) => [p.field, p.message])).toEqual([["title", "required"]]);
  });

  it("rejects an empty title", () => {
    expect(formatted(['title: ""', "status: published", "severity: SEV2"])).toEqual([`${FILE}:2:8  title  required`]);
  });

  it("requires a status and names the allowed values", () => {
    const problems = problemsOf(parse(["title: Foo", "severity: SEV2"]));
    expect(problems.map((p) => [p.field, p.message])).toEqual([["status", "required: one of draft, in-review, published"]]);
  });

  it("requires severity for an incident", () => {
    expect(formatted(["title: Foo", "status: published"])).toEqual([`${FILE}:2:1  severity  required for incidents (one of SEV1..SEV4)`]);
  });
});

describe("parseIncidentText: cross-field rules", () => {
  it("rejects key timestamps out of order", () => {
    const lines = [...VALID, "started_at: 2025-03-04T10:00:00Z", "detected_at: 2025-03-04T09:00:00Z", "resolved_at: 2025-03-04T11:00:00Z"];
    expect(formatted(lines)).toEqual([`${FILE}:6:14  detected_at  must not be before started_at`]);
  });

  it("compares times across time zones, not as text", () => {
    // 10:30+02:00 is 08:30Z: before the start.
    const lines = [...VALID, "started_at: 2025-03-04T09:00:00Z", "mitigated_at: 2025-03-04T10:30:00+02:00"];
    expect(problemsOf(parse(lines)).map((p) => p.field)).toEqual(["mitigated_at"]);
  });

  it("rejects a date-time without a time zone", () => {
    const problems = problemsOf(parse([...VALID, "started_at: 2025-03-04T10:00:00"]));
    expect(problems[0]?.message).toMatch(/with a time zone/);
  });

  it("rejects duplicate countermeasure ids at the second id", () => {
    const cm = (id: string) => [`  - id: ${id}`, "    title: Something", "    type: prevent", "    owner: ana", "    due: 2025-04-01", "    status: open"];
    const lines = [...VALID, "countermeasures:", ...cm("cm-1"), ...cm("cm-1")];
    expect(formatted(lines)).toEqual([`${FILE}:12:9  countermeasures[1].id  duplicate countermeasure id "cm-1"`]);
  });

  it("allows done_at only with status done", () => {
    const base = [...VALID, "countermeasures:", "  - id: cm-1", "    title: Something", "    type: prevent", "    owner: ana", "    due: 2025-04-01"];
    expect(formatted([...base, "    status: open", "    done_at: 2025-04-02"])).toEqual([
      `${FILE}:12:14  countermeasures[0].done_at  only allowed when status is done (status is open)`,
    ]);
    expect(parse([...base, "    status: done", "    done_at: 2025-04-02"]).ok).toBe(true);
  });

  it("requires groups for a restricted incident", () => {
    expect(formatted([...VALID, "visibility: restricted"])).toEqual([
      `${FILE}:2:1  groups  a restricted incident needs at least one group that may read it`,
    ]);
    expect(parse([...VALID, "visibility: restricted", "groups: [security]"]).ok).toBe(true);
  });

  it("rejects unknown fields and names them", () => {
    const problems = problemsOf(parse([...VALID, "sevrity: SEV1"]));
    expect(problems).toHaveLength(1);
    // The key is what needs fixing, so the column points at the key, not at its value.
    expect(problems.map(formatProblem)).toEqual([`${FILE}:5:1  frontmatter  unknown field(s): sevrity`]);
  });

  it("points at the key of an unknown field on a list item's dash line", () => {
    const problems = problemsOf(parse([...VALID, "contributing_factors:", "  - fctor: missing-alert"]));
    expect(problems.map(formatProblem)).toContain(`${FILE}:6:5  contributing_factors[0]  unknown field(s): fctor`);
  });

  it("rejects unknown fields inside nested objects", () => {
    const problems = problemsOf(parse([...VALID, "timeline:", "  - at: 2025-03-04T10:00:00Z", "    event: Start", "    who: ana"]));
    expect(problems.map(formatProblem)).toEqual([`${FILE}:8:5  timeline[0]  unknown field(s): who`]);
  });
});

describe("parseIncidentText: every problem at once", () => {
  it("reports time order, a countermeasure without owner or due date and an unknown factor together", () => {
    const lines = [
      "title: Checkout outage",
      "status: draft",
      "started_at: 2025-03-04T10:00:00Z",
      "detected_at: 2025-03-04T09:00:00Z",
      "resolved_at: 2025-03-04T08:00:00Z",
      "contributing_factors:",
      "  - factor: missing-alrt",
      "countermeasures:",
      "  - id: cm-1",
      "    title: Alert on pool saturation",
      "    type: prevent",
      "    status: open",
    ];
    expect(problemsOf(parse(lines)).map((p) => [p.field, p.message])).toEqual([
      ["severity", "required for incidents (one of SEV1..SEV4)"],
      ["detected_at", "must not be before started_at"],
      ["resolved_at", "must not be before detected_at"],
      ["contributing_factors[0].factor", 'unknown factor "missing-alrt" (did you mean "missing-alert"?)'],
      ["countermeasures[0].owner", "required: an owner (e-mail or handle)"],
      ["countermeasures[0].due", "required: a date such as 2025-03-31"],
    ]);
  });

  it("never says \"got undefined\" for a missing value", () => {
    const lines = ["timeline:", "  - event: Paged", "countermeasures:", "  - title: Only a title", "contributing_factors:", "  - note: no id"];
    const messages = problemsOf(parse(lines)).map((p) => p.message);
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) expect(m).not.toMatch(/undefined/);
  });

  it("keeps the cross-field rules quiet about values that are themselves wrong", () => {
    const lines = [...VALID, "started_at: yesterday", "detected_at: 2025-03-04T09:00:00Z", "timeline: 5", "countermeasures: [3]"];
    expect(problemsOf(parse(lines)).map((p) => p.field)).toEqual(["started_at", "timeline", "countermeasures[0]"]);
  });
});

describe("parseIncidentText: taxonomy checks", () => {
  it("rejects an unknown factor and suggests the closest id", () => {
    const lines = [...VALID, "contributing_factors:", "  - factor: bad-config-pusj"];
    expect(formatted(lines)).toEqual([
      `${FILE}:6:13  contributing_factors[0].factor  unknown factor "bad-config-pusj" (did you mean "bad-config-push"?)`,
    ]);
  });

  it("resolves an alias as the suggestion", () => {
    const problems = problemsOf(parse([...VALID, "contributing_factors:", "  - factor: config-push"]));
    expect(problems[0]?.message).toBe('unknown factor "config-push" (did you mean "bad-config-push"?)');
  });

  it("gives no suggestion when nothing is close", () => {
    const problems = problemsOf(parse([...VALID, "contributing_factors:", "  - factor: cosmic-rays-from-space"]));
    expect(problems[0]?.message).toBe('unknown factor "cosmic-rays-from-space"');
  });

  it("rejects unknown ids in countermeasure addresses", () => {
    const lines = [
      ...VALID,
      "contributing_factors:",
      "  - factor: missing-alert",
      "countermeasures:", //           7
      "  - id: cm-1", //               8
      "    title: Page on errors", //  9
      "    type: detect", //           10
      "    owner: ana", //             11
      "    due: 2025-04-01", //        12
      "    status: open", //           13
      "    addresses:", //             14
      "      - missing-alert", //      15
      "      - missing-alrt", //       16
    ];
    const problems = problemsOf(parse(lines));
    expect(problems.map(formatProblem)).toEqual([
      `${FILE}:16:9  countermeasures[0].addresses[1]  unknown factor "missing-alrt" (did you mean "missing-alert"?)`,
    ]);
  });

  it("warns (does not fail) when a countermeasure addresses a factor the incident does not list", () => {
    const lines = [...VALID, "countermeasures:", "  - id: cm-1", "    title: T", "    type: detect", "    owner: ana", "    due: 2025-04-01", "    status: open", "    addresses: [missing-alert]"];
    const r = parse(lines);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings.map((w) => [w.severity, w.field])).toEqual([["warning", "countermeasures[0].addresses[0]"]]);
  });

  it("gives a warning, not an error, for a factor merged into another", () => {
    const r = parse([...VALID, "contributing_factors:", "  - factor: config-rollout"]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings.map(formatProblem)).toEqual([
      `${FILE}:6:13  contributing_factors[0].factor  factor "config-rollout" was merged into "bad-config-push"; use the new id`,
    ]);
    expect(r.warnings[0]?.severity).toBe("warning");
  });
});

describe("incidentSchema directly", () => {
  it("rejects an id with uppercase letters in a countermeasure", () => {
    const r = incidentSchema.safeParse({
      title: "x",
      status: "draft",
      severity: "SEV3",
      countermeasures: [{ id: "CM-1", title: "t", type: "prevent", owner: "a", due: "2025-01-01", status: "open" }],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["countermeasures", 0, "id"]);
  });
});

describe("parseTaxonomy", () => {
  it("accepts the plain-list form", () => {
    const { taxonomy: t, problems } = parseTaxonomy("- id: a\n  name: A\n  category: change\n  description: d\n- id: b\n  name: B\n  category: change\n  description: d\n");
    expect(problems).toEqual([]);
    expect(t.factors.map((f) => f.id)).toEqual(["a", "b"]);
  });

  it("reports duplicate ids at the second one", () => {
    const { problems } = parseTaxonomy("- id: a\n  name: A\n  category: change\n  description: d\n- id: a\n  name: A2\n  category: change\n  description: d\n");
    expect(problems.map(formatProblem)).toEqual(['factors.yml:5:7  factors[1].id  duplicate factor id "a"']);
  });

  it("reports an unknown category when categories are declared", () => {
    const raw = "categories:\n  - id: change\n    name: Change\nfactors:\n  - id: a\n    name: A\n    category: chnage\n    description: d\n";
    const { problems } = parseTaxonomy(raw);
    expect(problems.map(formatProblem)).toEqual(['factors.yml:7:15  factors[0].category  unknown category "chnage"']);
  });

  it("reports merged_into naming an unknown factor", () => {
    const raw = "- id: a\n  name: A\n  category: change\n  description: d\n  merged_into: zzz\n";
    const { problems } = parseTaxonomy(raw);
    expect(problems.map(formatProblem)).toEqual(['factors.yml:5:16  factors[0].merged_into  unknown factor "zzz"']);
  });

  it("reports schema errors with a location and an empty taxonomy", () => {
    const { taxonomy: t, problems } = parseTaxonomy("- id: a\n  name: A\n  category: change\n");
    expect(t.factors).toEqual([]);
    expect(problems.map((p) => [p.field, p.line])).toEqual([["factors[0].description", 1]]);
  });

  it("reports a missing file", () => {
    expect(parseTaxonomy(null).problems.map((p) => p.message)).toEqual(["factors.yml is missing"]);
  });
});

describe("impossible dates and times are refused", () => {
  const dateTimeError = (v: string) => `expected an ISO 8601 date-time with a time zone such as 2025-03-04T14:02:00Z (a date and time that exist), got ${JSON.stringify(v)}`;
  const dateError = (v: string) => `expected a date that exists, such as 2025-03-31, got ${JSON.stringify(v)}`;

  for (const field of ["started_at", "detected_at", "mitigated_at", "resolved_at"]) {
    for (const value of ["2026-02-30T10:00:00Z", "2026-03-01T24:00:00Z", "2026-04-31T10:00:00Z", "2026-03-01T10:60:00Z", "2026-03-01T10:00:00+25:00"]) {
      it(`${field}: ${value}`, () => {
        const col = field.length + 3;
        expect(formatted([...VALID, `${field}: ${value}`])).toEqual([`${FILE}:5:${col}  ${field}  ${dateTimeError(value)}`]);
      });
    }
  }

  it("a timeline row at 2025-02-29 (not a leap year)", () => {
    const lines = [...VALID, "timeline:", "  - at: 2025-02-29T10:00:00Z", "    event: Deploy"];
    expect(formatted(lines)).toEqual([`${FILE}:6:9  timeline[0].at  ${dateTimeError("2025-02-29T10:00:00Z")}`]);
    expect(parse([...VALID, "timeline:", "  - at: 2024-02-29T10:00:00Z", "    event: Deploy"]).ok).toBe(true);
  });

  const cm = (extra: string[]) => [...VALID, "countermeasures:", "  - id: cm-1", "    title: Something", "    type: prevent", "    owner: ana", ...extra];

  it("a countermeasure due on 2026-02-31", () => {
    expect(formatted(cm(["    due: 2026-02-31", "    status: open"]))).toEqual([`${FILE}:10:10  countermeasures[0].due  ${dateError("2026-02-31")}`]);
  });

  it("a countermeasure done_at 2026-13-01 or 2026-06-31", () => {
    for (const v of ["2026-13-01", "2026-06-31", "2026-06-00"]) {
      expect(formatted(cm(["    due: 2026-02-28", "    status: done", `    done_at: ${v}`]))).toEqual([`${FILE}:12:14  countermeasures[0].done_at  ${dateError(v)}`]);
    }
  });

  it("still accepts real dates, leap days and offsets", () => {
    expect(parse([...VALID, "started_at: 2024-02-29T23:59:59.5+05:30", "resolved_at: 2024-03-01T00:00:00Z"]).ok).toBe(true);
    expect(parse(cm(["    due: 2024-02-29", "    status: done", "    done_at: 2024-12-31T23:59:00Z"])).ok).toBe(true);
  });
});

describe("YAML problems in the lint format", () => {
  it("an incident with a billion-laughs frontmatter fails fast, at the first alias", () => {
    const laughs = ['x: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const c of "bcdefghi") laughs.push(`${c}: &${c} [${Array(9).fill(`*${String.fromCharCode(c.charCodeAt(0) - 1)}`).join(",")}]`);
    expect(formatted([...VALID, ...laughs])).toEqual([`${FILE}:6:8  frontmatter  YAML aliases (*a) are not allowed: write the value out in full`]);
  });

  it("a duplicate key in an incident names its line", () => {
    expect(formatted([...VALID, "summary: one", "severity: SEV3"])).toEqual([`${FILE}:6:1  frontmatter  invalid YAML: duplicate key "severity"`]);
  });

  it("factors.yml with a billion-laughs payload fails fast, with its line", () => {
    const laughs = ['- id: &a lol', "  name: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]", "  category: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]", "  description: [*c,*c,*c,*c,*c,*c,*c,*c,*c]"];
    const { problems } = parseTaxonomy(laughs.join("\n") + "\n");
    expect(problems.map(formatProblem)).toEqual(["factors.yml:2:13  factors  YAML aliases (*a) are not allowed: write the value out in full"]);
  });

  it("a duplicate key in factors.yml names its line", () => {
    const { problems } = parseTaxonomy("- id: a\n  name: A\n  category: c\n  description: d\n  name: B\n");
    expect(problems.map(formatProblem)).toEqual(['factors.yml:5:3  factors  invalid YAML: duplicate key "name"']);
  });
});
