import { describe, expect, it } from "vitest";
import { incidentSchema } from "../../lib/schema/incident";
import { buildFollowupRows, type FollowupSource } from "../../lib/followups/rows";
import { csvCell, csvStream, rowsToCsv } from "../../lib/followups/csv";
import { escapeText, foldLine, rowsToICalendar } from "../../lib/followups/ical";

function incident(id: string, fm: Record<string, unknown>): FollowupSource {
  return { id, frontmatter: incidentSchema.parse({ title: `Incident ${id}`, status: "published", severity: "SEV2", ...fm }) };
}
const cm = (id: string, rest: Record<string, unknown>) => ({ id, title: `Countermeasure ${id}`, type: "detect", owner: "ana@x.example", due: "2026-03-10", status: "open", ...rest });
const options = { now: new Date("2026-03-15T12:00:00Z"), timeZone: "UTC" };

/** RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quote");
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    }
    const c = text[i];
    if (c === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else if (c === '"' || c === "\n" || c === "\r") throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else if (c !== undefined) {
      field += c;
      i++;
    }
  }
  if (field !== "" || record.length) throw new Error("last record not terminated by CRLF");
  return records;
}

describe("CSV export", () => {
  it("defuses cells that a spreadsheet would run as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\")")).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1+2")).toBe("'-1+2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("\"'\tcmd\"");
    expect(csvCell("\rcmd")).toBe('"\'\rcmd"');
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(3)).toBe("3");
  });

  it("quotes every character some reader splits cells on: semicolon, tab, CR, LF, comma, quote", () => {
    // A bare ";" splits the cell in semicolon-locale spreadsheets, and the new cell may start with a formula.
    expect(csvCell("a;=1+1")).toBe('"a;=1+1"');
    expect(csvCell("a\t=1+1")).toBe('"a\t=1+1"');
    expect(csvCell("a\r=1+1")).toBe('"a\r=1+1"');
    expect(csvCell("a\n=1+1")).toBe('"a\n=1+1"');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("plain text")).toBe("plain text");
  });

  it("defuses formula starts hidden behind blanks, line breaks or full-width signs", () => {
    expect(csvCell(" =1+1")).toBe("' =1+1");
    expect(csvCell("\u00a0@SUM(A1)")).toBe("'\u00a0@SUM(A1)");
    expect(csvCell("\n=cmd")).toBe("\"'\n=cmd\"");
    expect(csvCell("\t=cmd;x")).toBe("\"'\t=cmd;x\"");
    expect(csvCell("\uff1d1+1")).toBe("'\uff1d1+1");
    expect(csvCell("1-2")).toBe("1-2");
    expect(csvCell(-3)).toBe("-3");
  });

  it("quotes commas, quotes and line breaks (RFC 4180) and round-trips through a strict reader", () => {
    const title = 'Say "no", then\nwait, =really';
    const rows = buildFollowupRows(
      [
        incident("db-outage", {
          countermeasures: [
            cm("cm-1", { title, owner: "@ana", ticket: "=cmd|' /C calc'!A0", addresses: ["retry-storm", "missing-alerts"], due: "2026-03-01" }),
            cm("cm-2", { title: "Plain", status: "done", done_at: "2026-03-01" }),
          ],
        }),
      ],
      undefined,
      options,
    );
    const csv = rowsToCsv(rows, "https://kaizen.example/");
    const records = parseCsv(csv);
    expect(records[0]).toEqual(["incident", "title", "owner", "due", "status", "type", "days overdue", "ticket", "addresses", "url"]);
    expect(records[1]).toEqual([
      "db-outage",
      title,
      "'@ana",
      "2026-03-01",
      "open",
      "detect",
      "14",
      "'=cmd|' /C calc'!A0",
      "retry-storm missing-alerts",
      "https://kaizen.example/incidents/db-outage",
    ]);
    expect(records[2]?.slice(0, 7)).toEqual(["db-outage", "Plain", "ana@x.example", "2026-03-10", "done", "detect", "0"]);
    expect(records).toHaveLength(3);
  });

  it("streams the same CSV a chunk of rows at a time, the header first, and stops when the reader cancels", async () => {
    const many = Array.from({ length: 25 }, (_, n) => incident(`inc-${String(n).padStart(2, "0")}`, { countermeasures: [cm("cm-1", { title: `Fix, part ${n}` }), cm("cm-2", { title: 'A "quoted" one' })] }));
    const rows = buildFollowupRows(many, undefined, options);
    expect(rows).toHaveLength(50);
    const reader = csvStream(rows, "https://kaizen.example", 8).getReader();
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(decoder.decode(r.value));
    // 51 lines (header + 50 rows) in chunks of 8 lines: 7 chunks, each ending at a record boundary.
    expect(chunks).toHaveLength(7);
    expect(chunks[0]?.startsWith("incident,title,owner,")).toBe(true);
    for (const c of chunks) expect(c.endsWith("\r\n")).toBe(true);
    expect(chunks.join("")).toBe(rowsToCsv(rows, "https://kaizen.example"));
    expect(parseCsv(chunks.join(""))).toHaveLength(51);

    const early = csvStream(rows, "https://kaizen.example", 8).getReader();
    const first = await early.read();
    expect(decoder.decode(first.value).split("\r\n")[0]).toBe("incident,title,owner,due,status,type,days overdue,ticket,addresses,url");
    await early.cancel();
    expect((await early.read()).done).toBe(true);
  });
});

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** A strict RFC 5545 reader: CRLF only, ≤ 75-octet lines, balanced components, valid TEXT escapes. */
function parseICalendar(text: string): { components: { name: string; props: Property[] }[]; physical: string[] } {
  if (!text.endsWith("\r\n")) throw new Error("must end with CRLF");
  if (/(^|[^\r])\n/.test(text) || /\r(?!\n)/.test(text)) throw new Error("bare LF or CR");
  const physical = text.slice(0, -2).split("\r\n");
  for (const line of physical) {
    if (Buffer.byteLength(line, "utf8") > 75) throw new Error(`line longer than 75 octets: ${line}`);
  }
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!logical.length) throw new Error("continuation without a line");
      logical[logical.length - 1] += line.slice(1);
    } else logical.push(line);
  }
  const stack: { name: string; props: Property[] }[] = [];
  const components: { name: string; props: Property[] }[] = [];
  for (const line of logical) {
    const m = /^([A-Z0-9-]+)((?:;[A-Z0-9-]+=[^;:,]*)*):(.*)$/.exec(line);
    if (!m) throw new Error(`not a content line: ${line}`);
    const [, name = "", rawParams = "", value = ""] = m;
    const params = Object.fromEntries(rawParams.split(";").filter(Boolean).map((p) => p.split("=") as [string, string]));
    if (name === "BEGIN") stack.push({ name: value, props: [] });
    else if (name === "END") {
      const top = stack.pop();
      if (top?.name !== value) throw new Error(`END:${value} does not close ${top?.name}`);
      components.push(top);
    } else {
      const top = stack.at(-1);
      if (!top) throw new Error(`${name} outside a component`);
      top.props.push({ name, params, value });
    }
  }
  if (stack.length) throw new Error("unclosed component");
  return { components, physical };
}

function unescapeText(value: string): string {
  if (/(^|[^\\])(\\\\)*[;,]/.test(value)) throw new Error(`unescaped ; or , in TEXT: ${value}`);
  return value.replace(/\\(.)/g, (_, c: string) => {
    if (c === "n" || c === "N") return "\n";
    if (c === "\\" || c === ";" || c === ",") return c;
    throw new Error(`invalid escape \\${c}`);
  });
}

describe("iCalendar export", () => {
  const title = "Back-slash \\ semi; comma, and a line\nbreak — plus a long tail so the line must fold: ÄÖÜ 日本語 🚀🚀🚀 ".repeat(2);
  const rows = buildFollowupRows(
    [
      incident("db-outage", {
        title: "DB outage; the big one",
        countermeasures: [
          cm("cm-1", { title, due: "2026-03-31", ticket: "https://t.example/PAY-1" }),
          cm("cm-2", { status: "in-progress", due: "2026-02-28" }),
          cm("cm-3", { status: "done", done_at: "2026-03-01" }),
          cm("cm-4", { status: "wont-do" }),
        ],
      }),
    ],
    undefined,
    options,
  );
  const ics = rowsToICalendar(rows, { baseUrl: "https://kaizen.example", now: new Date("2026-03-15T12:34:56.789Z") });
  const { components, physical } = parseICalendar(ics);
  const events = components.filter((c) => c.name === "VEVENT");
  const prop = (ev: { props: Property[] }, name: string) => ev.props.find((p) => p.name === name);

  it("is one VCALENDAR with VERSION and PRODID, and one VEVENT per open countermeasure", () => {
    const cal = components.find((c) => c.name === "VCALENDAR");
    expect(prop(cal ?? { props: [] }, "VERSION")?.value).toBe("2.0");
    expect(prop(cal ?? { props: [] }, "PRODID")).toBeDefined();
    expect(events.map((e) => prop(e, "UID")?.value)).toEqual(["db-outage-cm-1@kaizen", "db-outage-cm-2@kaizen"]);
  });

  it("gives every event the required properties as all-day dates", () => {
    for (const ev of events) {
      expect(prop(ev, "DTSTAMP")?.value).toBe("20260315T123456Z");
      expect(prop(ev, "DTSTART")?.params).toEqual({ VALUE: "DATE" });
      expect(prop(ev, "DTSTART")?.value).toMatch(/^\d{8}$/);
      expect(prop(ev, "URL")?.value).toBe("https://kaizen.example/incidents/db-outage");
      expect(ev.props.filter((p) => p.name === "UID")).toHaveLength(1);
    }
    expect(prop(events[0] ?? { props: [] }, "DTSTART")?.value).toBe("20260331");
    expect(prop(events[0] ?? { props: [] }, "DTEND")?.value).toBe("20260401");
  });

  it("folds long lines at 75 octets without splitting characters, and escapes TEXT", () => {
    expect(physical.some((l) => l.startsWith(" "))).toBe(true);
    const first = events[0] ?? { props: [] };
    expect(unescapeText(prop(first, "SUMMARY")?.value ?? "")).toBe(`Countermeasure due: ${title}`);
    const description = unescapeText(prop(first, "DESCRIPTION")?.value ?? "");
    expect(description).toContain("Incident: DB outage; the big one\nhttps://kaizen.example/incidents/db-outage");
    expect(description).toContain("Ticket: https://t.example/PAY-1");
  });

  it("escapes and folds per RFC 5545 at the unit level", () => {
    expect(escapeText("a\\b;c,d\r\ne")).toBe("a\\\\b\\;c\\,d\\ne");
    const folded = foldLine(`SUMMARY:${"é".repeat(60)}`);
    // "SUMMARY:" is 8 octets and each é is 2, so the 34th é would make 76: the line breaks before it.
    expect(folded.split("\r\n").map((l) => Buffer.byteLength(l, "utf8"))).toEqual([74, 55]);
    expect(folded.replace(/\r\n /g, "")).toBe(`SUMMARY:${"é".repeat(60)}`);
    expect(foldLine("X".repeat(150)).split("\r\n").map((l) => l.length)).toEqual([75, 75, 2]);
    expect(foldLine("SHORT:x")).toBe("SHORT:x");
  });
});
