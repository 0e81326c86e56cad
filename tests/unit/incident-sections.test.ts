import { describe, expect, it } from "vitest";
import type { Root, RootContent } from "hast";
import { compileMdx } from "@/lib/mdx/compile";
import { incidentOutline } from "@/lib/pages/incident-outline";
import { splitFieldSections, type FieldSection } from "@/lib/pages/incident-sections";

const ALL = new Set<FieldSection>(["summary", "impact", "factors"]);
const text = (n: Root | RootContent): string => (n.type === "text" ? n.value : n.type === "element" || n.type === "root" ? n.children.map(text).join("") : "");
const headings = (root: Root) => root.children.filter((n) => n.type === "element" && /^h\d$/.test(n.tagName)).map(text);

describe("the incident page does not repeat a field's heading from the body", () => {
  const body = [
    "## Summary",
    "",
    "The pool saturated.",
    "",
    "## Impact",
    "",
    "- 7% of checkouts timed out.",
    "",
    "### Partners",
    "",
    "One partner was slowed.",
    "",
    "## What happened",
    "",
    "The story.",
    "",
    "## Contributing factors",
    "",
    "1. `connection-pool-exhaustion`: shared pool.",
    "",
    "## Lessons",
    "",
    "Split pools.",
  ].join("\n");

  it("drops a section that only repeats its field, and moves the one that adds to it under the field", () => {
    const { compiled, extra } = splitFieldSections(compileMdx(body), { summary: "The pool  saturated.", impact: "Checkouts were slow." }, ALL);
    expect(headings(compiled.hast)).toEqual(["What happened", "Lessons"]);
    expect(extra.summary).toBeUndefined();
    expect(text(extra.impact!)).toContain("7% of checkouts timed out.");
    expect(text(extra.impact!)).toContain("One partner was slowed.");
    expect(text(extra.factors!)).toContain("shared pool.");
    // "On this page" lists only what the page shows, each title once.
    expect(incidentOutline(compiled.toc).map((e) => e.text)).toEqual(["Timeline", "Contributing factors", "Countermeasures", "What happened", "Lessons"]);
  });

  it("keeps a section in the body when its field is empty (the page shows no heading for it)", () => {
    const { compiled, extra } = splitFieldSections(compileMdx(body), { summary: "The pool saturated." }, new Set<FieldSection>(["summary", "factors"]));
    expect(headings(compiled.hast)).toEqual(["Impact", "Partners", "What happened", "Lessons"]);
    expect(extra.impact).toBeUndefined();
  });

  it("leaves a body without such sections untouched (the cached compile is shared, never changed)", () => {
    const plain = compileMdx("## What happened\n\nx\n\n### Summary\n\nA sub-heading is not the field.\n");
    const before = JSON.stringify(plain);
    const split = splitFieldSections(plain, { summary: "s" }, ALL);
    expect(split.compiled).toBe(plain);
    expect(split.extra).toEqual({});
    const other = splitFieldSections(compileMdx(body), { summary: "s" }, ALL);
    expect(other.compiled).not.toBe(plain);
    expect(JSON.stringify(plain)).toBe(before);
  });

  it("matches the heading whatever its case and spacing", () => {
    const { compiled } = splitFieldSections(compileMdx("## contributing   Factors\n\nx\n\n## Lessons\n\ny\n"), {}, ALL);
    expect(headings(compiled.hast)).toEqual(["Lessons"]);
  });
});
