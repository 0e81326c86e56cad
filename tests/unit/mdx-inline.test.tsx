import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { InlineText } from "@/app/_components/inline-text";
import type { IncidentDoc } from "@/lib/content/store";
import { rowsToCsv } from "@/lib/followups/csv";
import { rowsToICalendar } from "@/lib/followups/ical";
import { buildFollowupRows } from "@/lib/followups/rows";
import { MAX_INLINE_LENGTH, parseInline, stripInline } from "@/lib/mdx/inline";
import { incidentSchema } from "@/lib/schema/incident";
import { Taxonomy } from "@/lib/schema/taxonomy";
import { toSearchDoc } from "@/lib/search/document";

const html = (text: string) => renderToStaticMarkup(<InlineText text={text} />);

describe("inline Markdown in frontmatter text", () => {
  it("renders code, emphasis, strong and links", () => {
    expect(html("Pool `max_connections` hit *twice*, **all** writes failed; see [the runbook](https://wiki.example/rb).")).toBe(
      'Pool <code class="inline-code">max_connections</code> hit <em>twice</em>, <strong>all</strong> writes failed; see <a href="https://wiki.example/rb" rel="noopener noreferrer">the runbook</a>.',
    );
  });

  it("nests markers and keeps relative links", () => {
    expect(html("***both*** and **bold with *em* inside** and [*em link*](/incidents/x)")).toBe(
      '<em><strong>both</strong></em> and <strong>bold with <em>em</em> inside</strong> and <a href="/incidents/x"><em>em link</em></a>',
    );
  });

  it("leaves identifiers with underscores and lone stars as they are", () => {
    expect(html("set pool_size_max to 5 * 4 = 20")).toBe("set pool_size_max to 5 * 4 = 20");
    expect(html("_emphasis_ works at word edges")).toBe("<em>emphasis</em> works at word edges");
  });

  it("keeps markers inside code literal and honours backslash escapes", () => {
    expect(html("`**not bold** [x](y)` and \\*not em\\*")).toBe('<code class="inline-code">**not bold** [x](y)</code> and *not em*');
    expect(html("``a ` b``")).toBe('<code class="inline-code">a ` b</code>');
  });

  it("refuses javascript:, data: and obfuscated schemes, keeping the text", () => {
    for (const url of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x"]) {
      const out = html(`[click](${url})`);
      expect(out).not.toContain("<a");
      expect(out).toContain("click");
    }
    expect(html("[mail](mailto:sre@example.com)")).toBe('<a href="mailto:sre@example.com">mail</a>');
  });

  it("shows raw HTML as text and images as their alt text", () => {
    expect(html('<img src=x onerror="alert(1)"> <script>alert(1)</script>')).toBe(
      "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &lt;script&gt;alert(1)&lt;/script&gt;",
    );
    expect(html("![a chart](https://evil.example/pixel.png)")).toBe("a chart");
  });

  it("never nests a link in a link", () => {
    const out = html("[outer [inner](/a) text](/b)");
    expect(out.match(/<a /g)?.length ?? 0).toBe(1);
    expect(renderToStaticMarkup(<InlineText text="[a](/x) and `c`" links={false} />)).toBe('a and <code class="inline-code">c</code>');
  });

  it("leaves unclosed markers as text", () => {
    expect(html("**open and `tick and [bracket")).toBe("**open and `tick and [bracket");
    expect(html("*a _b* c_")).toBe("<em>a _b</em> c_");
  });

  it("strips the markers for plain-text uses", () => {
    expect(stripInline("Pool `max_connections` hit **twice**, see [runbook](https://x.example) <b>")).toBe("Pool max_connections hit twice, see runbook <b>");
    expect(stripInline("[bad](javascript:alert(1))")).toBe("bad");
  });

  it("handles hostile input in linear time", () => {
    // Each of these is quadratic for a naive "search for the closer" parser; all together they must stay quick.
    const inputs = ["`".repeat(100_000), "` ``".repeat(4_000), "*a ".repeat(5_000), "[".repeat(10_000) + "](x)".repeat(2_000), "**_".repeat(6_000), "[a](" + "(".repeat(15_000)];
    for (const input of inputs.map((s) => s.slice(0, MAX_INLINE_LENGTH))) {
      const nodes = parseInline(input);
      expect(stripInline(input).length).toBeLessThanOrEqual(input.length);
      expect(nodes.length).toBeGreaterThan(0);
    }
    const huge = "**x** ".repeat(10_000);
    expect(parseInline(huge)).toEqual([{ kind: "text", text: huge }]);
  });
});

describe("inline Markdown bounds", () => {
  it("renders deeply nested markers flat below a few levels", () => {
    const deep = "*a ".repeat(3_000) + "x" + " a*".repeat(3_000);
    const depth = (nodes: ReturnType<typeof parseInline>): number => Math.max(0, ...nodes.map((n) => (n.kind === "em" || n.kind === "strong" || n.kind === "link" ? 1 + depth(n.children) : 0)));
    expect(depth(parseInline(deep))).toBeLessThanOrEqual(6);
    expect(stripInline(deep)).toBe("a ".repeat(3_000) + "x" + " a".repeat(3_000));
    expect(() => html(deep)).not.toThrow();
  });
});

describe("plain-text exports show the text without markers", () => {
  const fm = incidentSchema.parse({
    title: "Pool saturation",
    status: "published",
    severity: "SEV2",
    countermeasures: [{ id: "cm-1", title: "Alert on `max_connections` **before** it [saturates](https://wiki.example/p)", type: "detect", owner: "ana", due: "2026-03-20", status: "open" }],
  });
  const rows = buildFollowupRows([{ id: "pool", frontmatter: fm }], undefined, { now: new Date("2026-03-15T12:00:00Z"), timeZone: "UTC" });
  const plain = "Alert on max_connections before it saturates";

  it("in CSV", () => {
    expect(rowsToCsv(rows, "https://kaizen.example")).toContain(plain);
  });

  it("in iCalendar", () => {
    const ics = rowsToICalendar(rows, { baseUrl: "https://kaizen.example", now: new Date("2026-03-15T12:00:00Z") }).replace(/\r\n /g, "");
    expect(ics).toContain(`SUMMARY:Countermeasure due: ${plain}`);
    expect(ics).not.toContain("`");
  });

  it("in the search record behind snippets", () => {
    const doc: IncidentDoc = { ok: true, id: "pool", path: "incidents/pool.mdx", blob: "b", frontmatter: { ...fm, summary: "The `pool` hit **max**", impact: "*All* writes" }, body: "", bodyLine: 1, warnings: [] };
    const search = toSearchDoc(doc, Taxonomy.empty());
    expect(search.summary).toBe("The pool hit max All writes");
    expect(search.countermeasures).toBe(plain);
  });
});
