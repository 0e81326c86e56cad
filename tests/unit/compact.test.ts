import { describe, expect, it } from "vitest";
import { compactCopy, internStrings } from "../../lib/content/compact";

describe("compactCopy", () => {
  it("returns parsed data equal to the input that shares no object with it", () => {
    const text = "---\ntitle: Checkout down\nteams: [payments, payments]\n---\nbody";
    const data = { title: text.slice(11, 24), teams: ["payments", "payments"], countermeasures: [{ id: "cm-1", due: "2026-01-02", done: null, n: 3, ok: true }] };
    const copy = compactCopy(data);
    expect(copy).toEqual(data);
    expect(copy).not.toBe(data);
    expect(copy.countermeasures[0]).not.toBe(data.countermeasures[0]);
    copy.teams.push("sre");
    copy.countermeasures[0]!.id = "cm-2";
    expect(data.teams).toEqual(["payments", "payments"]);
    expect(data.countermeasures[0]!.id).toBe("cm-1");
  });

  it("keeps long strings whole", () => {
    const long = "x".repeat(5000);
    expect(compactCopy({ body: long }).body).toBe(long);
  });
});

describe("internStrings", () => {
  it("leaves deserialized data equal to what it was", () => {
    const line = '{"ok":true,"id":"a","frontmatter":{"status":"published","tags":["db","db"]}}';
    expect(internStrings(JSON.parse(line))).toEqual(JSON.parse(line));
  });
});
