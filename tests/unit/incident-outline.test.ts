import { describe, expect, it } from "vitest";
import { BODY_TEMPLATE } from "@/lib/editor/template";
import { compileMdx } from "@/lib/mdx/compile";
import { incidentOutline } from "@/lib/pages/incident-outline";

describe("the body template", () => {
  it("does not repeat the fields shown above the body", () => {
    const headings = BODY_TEMPLATE.split("\n").filter((l) => l.startsWith("## ")).map((l) => l.slice(3));
    expect(headings).toEqual(["What happened", "What went well", "Where we got lucky", "Lessons"]);
  });
});

describe("On this page", () => {
  it("lists the page's sections, then the write-up, each title once", () => {
    const body = "## Summary\n\nx\n\n## Contributing factors\n\nDiscussed.\n\n## Lessons\n\n### Lessons\n\n## contributing  Factors\n";
    const { toc } = compileMdx(body);
    const outline = incidentOutline(toc);
    expect(outline.map((e) => e.text)).toEqual(["Timeline", "Contributing factors", "Countermeasures", "Summary", "Lessons"]);
    expect(new Set(outline.map((e) => e.id)).size).toBe(outline.length);
  });

  it("has no duplicate for a post-mortem started from the template", () => {
    const { toc } = compileMdx(BODY_TEMPLATE);
    const texts = incidentOutline(toc).map((e) => e.text.toLowerCase());
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts).not.toContain("summary");
  });
});
