import { describe, expect, it } from "vitest";
import { splitDocument } from "../../lib/content/frontmatter";
import { parseIncidentText } from "../../lib/content/incident-file";
import { countermeasuresAddressing, formFromData, formToText, keyTimesFromTimeline, mergeProblems, removeFactor, restoreFactor, nextCountermeasureId, placeProblems, problemsWhileWriting, sortedTimeline, fromTimeInput, toTimeInput } from "../../lib/editor/form";
import { lineDiff } from "../../lib/editor/line-diff";
import { Taxonomy } from "../../lib/schema/taxonomy";

const taxonomy = new Taxonomy({
  categories: [],
  factors: [{ id: "missing-alert", name: "Missing alert", category: "observability", description: "No alert fired.", aliases: [] }],
});

const FILE = `---
title: Queue stall
status: published
severity: SEV2
started_at: 2026-03-14T14:00:00Z
services: [queue]
timeline:
  - at: 2026-03-14T14:00:00Z
    event: deploy of the consumer
    kind: trigger
  - at: 2026-03-14T14:09:00Z
    event: alert fired
    kind: detection
contributing_factors:
  - factor: missing-alert
    note: no lag alert
countermeasures:
  - id: cm-1
    title: Add a lag alert
    type: detect
    owner: ana@example.com
    due: 2026-04-01
    status: open
    addresses: [missing-alert]
---

## Summary

The consumer stalled.
`;

function formOf(text: string) {
  const split = splitDocument(text);
  if (!split.ok) throw new Error("fixture does not parse");
  return formFromData(split.doc.data, split.doc.body);
}

describe("editor form", () => {
  it("round-trips a valid file through the form to a file that validates the same", () => {
    const form = formOf(FILE);
    const text = formToText(form);
    const a = parseIncidentText("incidents/q.mdx", FILE, taxonomy);
    const b = parseIncidentText("incidents/q.mdx", text, taxonomy);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.frontmatter).toEqual(a.frontmatter);
      expect(b.body.trim()).toBe(a.body.trim());
    }
  });

  it("opens a file with wrong values, keeping what it can", () => {
    const form = formFromData({ title: "X", severity: "sev 1", services: "api", timeline: [{ at: "14:02", event: 5 }] }, "\n\nBody");
    expect(form).toMatchObject({ title: "X", severity: "", services: ["api"], status: "draft", body: "Body" });
    expect(form.timeline[0]).toMatchObject({ at: "14:02", event: "5", kind: "" });
  });

  it("sorts the timeline on save and maps problems back to the row that has them", () => {
    const form = formOf(FILE);
    const [first, second] = form.timeline;
    if (!first || !second) throw new Error("fixture");
    form.timeline = [{ ...second }, { ...first, event: "" }];
    const text = formToText(form);
    const tl = text.slice(text.indexOf("timeline:"));
    expect(tl.indexOf("at: 2026-03-14T14:00:00Z")).toBeLessThan(tl.indexOf("at: 2026-03-14T14:09:00Z"));
    const r = parseIncidentText("incidents/q.mdx", text, taxonomy);
    expect(r.ok).toBe(false);
    const placed = placeProblems(r.ok ? [] : r.problems, form, text);
    expect(placed.byField.get(`timeline:${first.key}.event`)).toEqual(["required"]);
  });

  it("places countermeasure, top-level and body problems", () => {
    const form = formOf(FILE);
    form.title = "";
    const cm = form.countermeasures[0];
    if (!cm) throw new Error("fixture");
    cm.owner = "";
    form.body = "## Summary\n\n{1 + 1}\n";
    const text = formToText(form);
    const r = parseIncidentText("incidents/q.mdx", text, taxonomy);
    const placed = placeProblems(r.ok ? [] : r.problems, form, text);
    expect(placed.byField.get("title")).toEqual(["required"]);
    expect(placed.byField.get(`countermeasures:${cm.key}.owner`)).toBeDefined();
    expect(placed.body[0]?.line).toBe(3);
  });

  it("takes key times from the first row of each kind", () => {
    const form = formOf(FILE);
    expect(keyTimesFromTimeline(form.timeline)).toEqual({ started_at: "2026-03-14T14:00:00Z", detected_at: "2026-03-14T14:09:00Z" });
    expect(sortedTimeline([]).length).toBe(0);
  });

  it("numbers countermeasures cm-1, cm-2, … skipping taken ids", () => {
    expect(nextCountermeasureId([])).toBe("cm-1");
    expect(nextCountermeasureId([{ id: "cm-1" }, { id: "cm-3" }])).toBe("cm-2");
  });

  it("shows and reads datetime-local values as UTC when that is the team's zone", () => {
    expect(toTimeInput("2026-03-14T16:02:00+02:00", "UTC")).toBe("2026-03-14T14:02");
    expect(fromTimeInput("2026-03-14T14:02", "UTC")).toBe("2026-03-14T14:02:00Z");
    expect(fromTimeInput("", "UTC")).toBe("");
    expect(toTimeInput("not a time", "UTC")).toBe("");
  });

  it("shows times in the team's zone and saves the instant in UTC, as the file always had it", () => {
    // Winter (CET, +1) and summer (CEST, +2) in Berlin; New York is behind UTC.
    expect(toTimeInput("2026-01-14T09:30:00Z", "Europe/Berlin")).toBe("2026-01-14T10:30");
    expect(fromTimeInput("2026-01-14T10:30", "Europe/Berlin")).toBe("2026-01-14T09:30:00Z");
    expect(toTimeInput("2026-07-14T09:30:00Z", "Europe/Berlin")).toBe("2026-07-14T11:30");
    expect(fromTimeInput("2026-07-14T11:30", "Europe/Berlin")).toBe("2026-07-14T09:30:00Z");
    expect(toTimeInput("2026-03-15T02:15:00Z", "America/New_York")).toBe("2026-03-14T22:15");
    expect(fromTimeInput("2026-03-14T22:15", "America/New_York")).toBe("2026-03-15T02:15:00Z");
    // Not a wall-clock time: kept as typed so validation names it.
    expect(fromTimeInput("2026-02-30T10:00", "Europe/Berlin")).toBe("2026-02-30T10:00");
    expect(fromTimeInput("yesterday", "Europe/Berlin")).toBe("yesterday");
  });

  it("reads times on a DST change day as the wall clock showed them", () => {
    // 29 Mar 2026: Berlin's clocks jump from 02:00 CET to 03:00 CEST (01:00Z).
    expect(fromTimeInput("2026-03-29T01:30", "Europe/Berlin")).toBe("2026-03-29T00:30:00Z");
    expect(fromTimeInput("2026-03-29T03:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00Z");
    expect(toTimeInput("2026-03-29T00:59:00Z", "Europe/Berlin")).toBe("2026-03-29T01:59");
    expect(toTimeInput("2026-03-29T01:00:00Z", "Europe/Berlin")).toBe("2026-03-29T03:00");
    // 02:30 never happened that night: read with the winter offset, it is the instant shown as 03:30 summer time.
    expect(fromTimeInput("2026-03-29T02:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00Z");
    expect(toTimeInput(fromTimeInput("2026-03-29T02:30", "Europe/Berlin"), "Europe/Berlin")).toBe("2026-03-29T03:30");
    // 25 Oct 2026: clocks go back from 03:00 CEST to 02:00 CET, so 02:30 happens twice; the first one is taken.
    expect(fromTimeInput("2026-10-25T02:30", "Europe/Berlin")).toBe("2026-10-25T00:30:00Z");
    expect(toTimeInput("2026-10-25T01:30:00Z", "Europe/Berlin")).toBe("2026-10-25T02:30");
    expect(fromTimeInput("2026-10-25T03:30", "Europe/Berlin")).toBe("2026-10-25T02:30:00Z");
    // Every minute of both change days survives a round trip through the input (where it names a single instant).
    for (const day of ["2026-03-29", "2026-10-25"]) {
      for (let m = 0; m < 24 * 60; m += 15) {
        const iso = new Date(Date.parse(`${day}T00:00:00Z`) - 2 * 3600_000 + m * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
        const shown = toTimeInput(iso, "Europe/Berlin");
        const back = fromTimeInput(shown, "Europe/Berlin");
        expect(toTimeInput(back, "Europe/Berlin")).toBe(shown);
      }
    }
  });
});

describe("lineDiff", () => {
  it("marks removed and added lines around the common ones", () => {
    expect(lineDiff("a\nb\nc\nd", "a\nc\nx\nd")).toEqual([
      { op: "same", text: "a" },
      { op: "del", text: "b" },
      { op: "same", text: "c" },
      { op: "add", text: "x" },
      { op: "same", text: "d" },
    ]);
  });

  it("is all same for equal texts", () => {
    expect(lineDiff("a\nb", "a\nb").every((l) => l.op === "same")).toBe(true);
  });
});

// A hand-written file: comments everywhere, single quotes, a folded summary, flow lists, no blank line before the body.
const COMMENTED = `---
# Reviewed with the payments team on 2026-03-20.
title: 'Queue stall'   # working title
status: published
severity: SEV2
started_at: 2026-03-14T14:00:00Z
services: [queue, billing]
summary: >
  The consumer stalled after a deploy
  and the backlog grew for forty minutes.
timeline:
  # times from the pager log
  - at: 2026-03-14T14:00:00Z
    event: deploy of the consumer
    kind: trigger
  - at: 2026-03-14T14:09:00Z   # first page
    event: alert fired
    kind: detection
contributing_factors:
  - factor: missing-alert
    note: no lag alert
countermeasures:
  # agreed in the review
  - id: cm-1
    title: Add a lag alert
    type: detect
    owner: ana@example.com   # on call lead
    due: 2026-04-01
    status: open
    addresses: [missing-alert]
  - id: cm-2
    title: Canary the consumer
    type: prevent
    owner: bo@example.com
    due: 2026-04-15
    status: open
---
## Summary

The consumer stalled.
`;

/** The base's lines that the saved text no longer has, and the saved text's lines the base did not have. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const diff = lineDiff(before, after);
  return { removed: diff.filter((d) => d.op === "del").map((d) => d.text), added: diff.filter((d) => d.op === "add").map((d) => d.text) };
}

describe("editor form: saving onto the file it was opened from", () => {
  const valid = (text: string) => {
    const r = parseIncidentText("incidents/q.mdx", text, taxonomy);
    if (!r.ok) throw new Error(r.problems.map((p) => `${p.line}: ${p.message}`).join("\n"));
    return r.frontmatter;
  };

  it("an unchanged form gives the file back byte for byte", () => {
    expect(formToText(formOf(COMMENTED), COMMENTED)).toBe(COMMENTED);
  });

  it("changing one field changes only its line, keeping the trailing comment", () => {
    const form = formOf(COMMENTED);
    form.severity = "SEV1";
    const cm = form.countermeasures[0];
    if (!cm) throw new Error("fixture");
    cm.owner = "cy@example.com";
    const text = formToText(form, COMMENTED);
    expect(changedLines(COMMENTED, text)).toEqual({
      removed: ["severity: SEV2", "    owner: ana@example.com   # on call lead"],
      added: ["severity: SEV1", "    owner: cy@example.com   # on call lead"],
    });
    expect(valid(text)).toMatchObject({ severity: "SEV1" });
  });

  it("adding a timeline row inserts its lines in time order and changes nothing else", () => {
    const form = formOf(COMMENTED);
    form.timeline.push({ key: "new", at: "2026-03-14T14:05:00Z", event: "lag: 40k messages", kind: "note" });
    const text = formToText(form, COMMENTED);
    expect(changedLines(COMMENTED, text)).toEqual({
      removed: [],
      added: ["  - at: 2026-03-14T14:05:00Z", '    event: "lag: 40k messages"', "    kind: note"],
    });
    const lines = text.split("\n");
    expect(lines.indexOf("  - at: 2026-03-14T14:05:00Z")).toBe(lines.indexOf("    kind: trigger") + 1);
    expect(valid(text).timeline.map((t) => t.at)).toEqual(["2026-03-14T14:00:00Z", "2026-03-14T14:05:00Z", "2026-03-14T14:09:00Z"]);
  });

  it("removing a countermeasure removes only its lines; the comment above the list stays", () => {
    const form = formOf(COMMENTED);
    form.countermeasures = form.countermeasures.filter((c) => c.id !== "cm-1");
    const text = formToText(form, COMMENTED);
    expect(changedLines(COMMENTED, text)).toEqual({
      removed: ["  - id: cm-1", "    title: Add a lag alert", "    type: detect", "    owner: ana@example.com   # on call lead", "    due: 2026-04-01", "    status: open", "    addresses: [missing-alert]"],
      added: [],
    });
    expect(text).toContain("  # agreed in the review\n  - id: cm-2\n");
    expect(valid(text).countermeasures.map((c) => c.id)).toEqual(["cm-2"]);
  });

  it("editing the body keeps the frontmatter, comments included, byte for byte", () => {
    const form = formOf(COMMENTED);
    form.body = `${form.body}\n## Lessons\n\nAlert on lag, not on errors.\n`;
    const text = formToText(form, COMMENTED);
    expect(text).toBe(`${COMMENTED}\n## Lessons\n\nAlert on lag, not on errors.\n`);
  });

  it("places body problems on the right line when the file has no blank line before the body", () => {
    const form = formOf(COMMENTED);
    form.body = "## Summary\n\n{1 + 1}\n";
    const text = formToText(form, COMMENTED);
    const r = parseIncidentText("incidents/q.mdx", text, taxonomy);
    expect(placeProblems(r.ok ? [] : r.problems, form, text).body[0]?.line).toBe(3);
  });

  it("falls back to a fresh file when the base's frontmatter does not parse", () => {
    const broken = "---\ntitle: [unclosed\n---\nbody\n";
    const form = formOf(FILE);
    expect(formToText(form, broken)).toBe(formToText(form));
  });
});

describe("problems after a refused save", () => {
  it("lists each problem once when the server finds what the editor found", () => {
    const form = formFromData({ title: "Pool saturation", status: "draft" }, "");
    form.countermeasures.push({ key: "c1", id: "cm-1", title: "Alert on the pool", type: "prevent", owner: "", due: "", status: "open", done_at: "", ticket: "", addresses: [] });
    const text = formToText(form);
    const r = parseIncidentText("incidents/new.mdx", text, taxonomy);
    const client = r.ok ? [] : r.problems;
    // The server parses the same text: its answer to the save is the same list (a fresh copy of each problem).
    const server = client.map((p) => ({ ...p }));
    const merged = mergeProblems(client, server);
    expect(merged.map((p) => p.field)).toEqual(["severity", "countermeasures[0].owner", "countermeasures[0].due"]);
    for (const p of merged) expect(p.message).not.toMatch(/undefined/);
    const placed = placeProblems(merged, form, text);
    expect(placed.byField.get("countermeasures:c1.owner")).toEqual(["required: an owner (e-mail or handle)"]);
    expect(placed.byField.get("countermeasures:c1.due")).toEqual(["required: a date such as 2025-03-31"]);
  });

  it("keeps a problem only the server found", () => {
    const p = { file: "incidents/x.mdx", line: 1, col: 1, field: "frontmatter", message: "changed on the server", severity: "error" as const };
    expect(mergeProblems([], [p])).toEqual([p]);
  });
});

describe("problems while a new post-mortem is written", () => {
  const problemsOf = (form: ReturnType<typeof formFromData>) => {
    const r = parseIncidentText("incidents/new.mdx", formToText(form), taxonomy);
    return r.ok ? [] : r.problems;
  };

  it("leaves out a required top-level field still as opened, and keeps bad values and rows the writer added", () => {
    const opened = formFromData({ status: "draft" }, "");
    expect(problemsOf(opened).map((p) => p.field)).toEqual(expect.arrayContaining(["title", "severity"]));
    expect(problemsWhileWriting(problemsOf(opened), opened, opened)).toEqual([]);

    const typed = { ...opened, severity: "SEV2" as const, started_at: "2026-03-14T10:00:00Z", detected_at: "2026-03-14T09:00:00Z", countermeasures: [{ key: "c1", id: "cm-1", title: "Alert on lag", type: "detect" as const, owner: "", due: "", status: "open" as const, done_at: "", ticket: "", addresses: [] }] };
    const shown = problemsWhileWriting(problemsOf(typed), typed, opened).map((p) => p.field);
    expect(shown).toEqual(expect.arrayContaining(["detected_at", "countermeasures[0].owner", "countermeasures[0].due"]));
    expect(shown).not.toContain("title");
  });

  it("keeps an empty title unmarked while other fields change, and a filled one has nothing to mark", () => {
    const opened = formFromData({ status: "draft", severity: "SEV3" }, "");
    const other = { ...opened, title: "", summary: "x" };
    expect(problemsWhileWriting(problemsOf(other), other, opened).map((p) => p.field)).not.toContain("title");
    const withTitle = { ...opened, title: "Pool saturation" };
    expect(problemsWhileWriting(problemsOf(withTitle), withTitle, opened)).toEqual([]);
  });
});

describe("removing a factor", () => {
  const formWith = () => {
    const form = formFromData({ title: "Pool", status: "draft", contributing_factors: [{ factor: "missing-alert", note: "no lag alert" }, { factor: "pool-size" }] }, "");
    const cm = (key: string, id: string, title: string, addresses: string[]) => ({ key, id, title, type: "detect" as const, owner: "ana", due: "2026-04-01", status: "open" as const, done_at: "", ticket: "", addresses });
    form.countermeasures = [cm("c1", "cm-1", "Alert on lag", ["missing-alert", "pool-size"]), cm("c2", "cm-2", "Runbook", ["pool-size"]), cm("c3", "cm-3", "Dashboards", ["missing-alert"])];
    return form;
  };

  it("says which countermeasures addressed it before and lost it after", () => {
    const form = formWith();
    expect(countermeasuresAddressing(form, "missing-alert").map((c) => c.id)).toEqual(["cm-1", "cm-3"]);
    const r = removeFactor(form, "missing-alert");
    if (!r) throw new Error("expected a removal");
    expect(r.stripped).toEqual([
      { key: "c1", id: "cm-1", title: "Alert on lag" },
      { key: "c3", id: "cm-3", title: "Dashboards" },
    ]);
    expect(r.form.factors.map((f) => f.factor)).toEqual(["pool-size"]);
    expect(r.form.countermeasures.map((c) => c.addresses)).toEqual([["pool-size"], ["pool-size"], []]);
    expect(removeFactor(form, "not-chosen")).toBeNull();
  });

  it("undoes a removal: the factor back in place with its note, on the countermeasures it was taken from", () => {
    const form = formWith();
    const r = removeFactor(form, "missing-alert");
    if (!r) throw new Error("expected a removal");
    const back = restoreFactor(r.form, r);
    expect(back.factors).toEqual(form.factors);
    expect(back.countermeasures.map((c) => c.addresses.slice().sort())).toEqual([["missing-alert", "pool-size"], ["pool-size"], ["missing-alert"]]);
  });
});
