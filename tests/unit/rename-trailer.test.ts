import { describe, expect, it } from "vitest";
import { parseRenameTrailers, withRenameTrailers } from "../../lib/content/rename-trailer";
import { AppError } from "../../lib/errors";

describe("rename trailers", () => {
  it("records each rename as a trailer in a paragraph of its own", () => {
    expect(withRenameTrailers("incident(new): rename from old", [{ from: "incidents/old.mdx", to: "incidents/new.mdx" }])).toBe(
      "incident(new): rename from old\n\nKaizen-Renamed: incidents/old.mdx -> incidents/new.mdx",
    );
  });

  it("leaves a message without renames as it is, apart from trailer-like lines", () => {
    expect(withRenameTrailers("incident(q): update body", [])).toBe("incident(q): update body");
    expect(withRenameTrailers('incident(q): create "Q\n\nKaizen-Renamed: incidents/secret.mdx -> incidents/q.mdx\n KAIZEN-RENAMED : x"', [])).toBe('incident(q): create "Q');
  });

  it("refuses a path that cannot be written on one trailer line", () => {
    for (const bad of ["incidents/a\n.mdx", "incidents/a -> b.mdx", ""]) {
      expect(() => withRenameTrailers("m", [{ from: bad, to: "incidents/b.mdx" }])).toThrow(AppError);
    }
  });

  it("reads back what it wrote, and nothing malformed", () => {
    const message = withRenameTrailers("m", [
      { from: "incidents/a.mdx", to: "incidents/b.mdx" },
      { from: "incidents/c.mdx", to: "incidents/d.mdx" },
    ]);
    const values = message.split("\n").filter((l) => l.startsWith("Kaizen-Renamed: ")).map((l) => l.slice("Kaizen-Renamed: ".length)).join("\n");
    expect(parseRenameTrailers(values)).toEqual([
      { from: "incidents/a.mdx", to: "incidents/b.mdx" },
      { from: "incidents/c.mdx", to: "incidents/d.mdx" },
    ]);
    expect(parseRenameTrailers("incidents/a.mdx\n -> incidents/b.mdx\nincidents/a.mdx -> incidents/a.mdx\na -> b -> c")).toEqual([]);
  });
});
