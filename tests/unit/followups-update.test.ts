import { describe, expect, it } from "vitest";
import { parseIncidentText } from "../../lib/content/incident-file";
import { AppError } from "../../lib/errors";
import { Taxonomy } from "../../lib/schema/taxonomy";
import { applyCountermeasureUpdate } from "../../lib/followups/update";

const taxonomy = new Taxonomy({
  categories: [],
  factors: [{ id: "retry-storm", name: "Retry storm", category: "capacity", description: "d", aliases: [] }],
});

const FILE = `---
title: "Checkout 5xx: retries, pools & more"
status: published
severity: SEV2
started_at: 2026-01-10T10:00:00Z
teams: [payments]   # owning team
contributing_factors:
  - factor: retry-storm
    note: >-
      Three immediate retries
      per request.
countermeasures:
  - id: cm-1
    title: "Backoff: jittered"
    type: prevent
    owner: ana@x.example
    due: 2026-02-01
    status: open
    ticket: https://t.example/PAY-1
    addresses: [retry-storm]
  # reviewed in the weekly ops meeting
  - id: cm-2
    title: Alert on pool saturation
    type: detect
    owner: bo@x.example
    due: 2026-02-15
    status: done
    done_at: 2026-02-10
---

## Summary

Body with   odd   spacing, a trailing space 
and a code block:

\`\`\`yaml
status: open
done_at: 2020-01-01
\`\`\`
`;

function linesOf(text: string): string[] {
  return text.split("\n");
}

const valid = (text: string) => {
  const parsed = parseIncidentText("incident.mdx", text, taxonomy);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}: ${p.message}`).join("\n"));
  return parsed.frontmatter;
};

describe("applyCountermeasureUpdate", () => {
  it("marking done sets status and adds done_at, changing nothing else byte for byte", () => {
    const out = applyCountermeasureUpdate(FILE, "cm-1", { status: "done" }, "2026-03-02", { taxonomy });
    const expected = FILE.replace("    status: open\n", "    status: done\n    done_at: 2026-03-02\n");
    expect(out).toBe(expected);
    const fm = valid(out);
    expect(fm.countermeasures[0]).toMatchObject({ status: "done", done_at: "2026-03-02" });
    expect(fm.countermeasures[1]).toMatchObject({ status: "done", done_at: "2026-02-10" });
    expect(out.slice(out.indexOf("\n---\n"))).toBe(FILE.slice(FILE.indexOf("\n---\n")));
  });

  it("leaving done removes done_at", () => {
    const out = applyCountermeasureUpdate(FILE, "cm-2", { status: "in-progress" }, "2026-03-02", { taxonomy });
    expect(out).toBe(FILE.replace("    status: done\n    done_at: 2026-02-10\n", "    status: in-progress\n"));
    expect(valid(out).countermeasures[1]?.done_at).toBeUndefined();
  });

  it("changes owner and due in place, quoting only when YAML needs it", () => {
    const out = applyCountermeasureUpdate(FILE, "cm-1", { owner: "@ana", due: "2026-04-30" }, "2026-03-02");
    const changed = linesOf(out).filter((l, i) => l !== linesOf(FILE)[i]);
    expect(changed).toEqual(['    owner: "@ana"', "    due: 2026-04-30"]);
    expect(valid(out).countermeasures[0]).toMatchObject({ owner: "@ana", due: "2026-04-30", status: "open" });
  });

  it("returns the text unchanged when nothing changes", () => {
    expect(applyCountermeasureUpdate(FILE, "cm-2", { status: "done", owner: "bo@x.example" }, "2026-03-02")).toBe(FILE);
  });

  it("a status update keeps the comment and quoting on the line it changes, and every other line", () => {
    const commented = FILE.replace("    status: open\n", '    status: "open"   # chased weekly\n').replace("    due: 2026-02-01\n", "    due: 2026-02-01   # agreed with finance\n");
    const out = applyCountermeasureUpdate(commented, "cm-1", { status: "done" }, "2026-03-02", { taxonomy });
    const before = linesOf(commented);
    const after = linesOf(out);
    const at = before.indexOf('    status: "open"   # chased weekly');
    expect(after).toEqual([...before.slice(0, at), '    status: "done"   # chased weekly', "    done_at: 2026-03-02", ...before.slice(at + 1)]);
    expect(valid(out).countermeasures[0]).toMatchObject({ status: "done", done_at: "2026-03-02", due: "2026-02-01" });
  });

  it("refuses a file whose frontmatter uses aliases, before expanding them", () => {
    const aliased = FILE.replace("    owner: ana@x.example\n", "    owner: &ana ana@x.example\n").replace("    owner: bo@x.example\n", "    owner: *ana\n");
    let details: unknown;
    try {
      applyCountermeasureUpdate(aliased, "cm-1", { status: "done" }, "2026-03-02");
    } catch (err) {
      details = err instanceof AppError ? err.details : err;
    }
    expect(details).toEqual([expect.objectContaining({ line: 25, col: 12, field: "frontmatter", message: "YAML aliases (*ana) are not allowed: write the value out in full" })]);
  });

  it("refuses an impossible due date or today", () => {
    expect(() => applyCountermeasureUpdate(FILE, "cm-1", { due: "2026-02-30" }, "2026-03-02")).toThrow(/expected a date that exists/);
    expect(() => applyCountermeasureUpdate(FILE, "cm-1", { status: "done" }, "2026-02-29")).toThrow(/today must be a date/);
  });

  it("keeps CRLF line endings", () => {
    const crlf = FILE.replace(/\n/g, "\r\n");
    const out = applyCountermeasureUpdate(crlf, "cm-1", { status: "done" }, "2026-03-02");
    expect(out).toBe(crlf.replace("    status: open\r\n", "    status: done\r\n    done_at: 2026-03-02\r\n"));
  });

  it("rewrites a flow-style item as a block, leaving the rest of the file alone", () => {
    const flow = FILE.replace(
      /  - id: cm-2\n[\s\S]*?done_at: 2026-02-10\n/,
      '  - { id: cm-2, title: "Alert, on pool", type: detect, owner: bo@x.example, due: 2026-02-15, status: open }\n',
    );
    const out = applyCountermeasureUpdate(flow, "cm-2", { status: "done" }, "2026-03-02", { taxonomy });
    expect(valid(out).countermeasures[1]).toEqual({ id: "cm-2", title: "Alert, on pool", type: "detect", owner: "bo@x.example", due: "2026-02-15", status: "done", done_at: "2026-03-02" });
    const head = flow.slice(0, flow.indexOf("  - { id: cm-2"));
    expect(out.startsWith(head)).toBe(true);
    expect(out.endsWith(flow.slice(flow.indexOf("\n---\n")))).toBe(true);
  });

  it("rejects an unknown countermeasure, a bad patch and a bad date", () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof AppError ? err.code : "other";
      }
      return "none";
    };
    expect(code(() => applyCountermeasureUpdate(FILE, "cm-9", { status: "done" }, "2026-03-02"))).toBe("not_found");
    expect(code(() => applyCountermeasureUpdate(FILE, "cm-1", { owner: "a\nstatus: done" }, "2026-03-02"))).toBe("bad_request");
    expect(code(() => applyCountermeasureUpdate(FILE, "cm-1", { due: "next week" }, "2026-03-02"))).toBe("bad_request");
    expect(code(() => applyCountermeasureUpdate(FILE, "cm-1", { status: "done" }, "03/02/2026"))).toBe("bad_request");
  });
});

