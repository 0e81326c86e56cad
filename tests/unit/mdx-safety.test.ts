import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Root } from "hast";
import { sanitize } from "hast-util-sanitize";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";
import { compileMdx, sanitizeSchema } from "@/lib/mdx/compile";
import { MdxContent } from "@/lib/mdx/render";
import { isSafeUrl } from "@/lib/mdx/url";
import { checkMdx } from "@/lib/mdx/validate";

const markerDir = mkdtempSync(path.join(tmpdir(), "kaizen-mdx-marker-"));
afterAll(() => rmSync(markerDir, { recursive: true, force: true }));

let markers = 0;
/** A JS expression that creates a fresh marker file if anything ever evaluates it. */
function writeMarker(): { js: string; file: string } {
  const file = path.join(markerDir, `marker-${++markers}`);
  return { js: `globalThis.process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(file)}, 'x')`, file };
}

function renderBody(body: string): string {
  return renderToStaticMarkup(createElement(MdxContent, { hast: compileMdx(body).hast }));
}

describe("the marker payload", () => {
  it("does create its file when evaluated, so its absence below means nothing ran", () => {
    const { js, file } = writeMarker();
    new Function(js)();
    expect(existsSync(file)).toBe(true);
  });
});

// Each payload sits on line 3, after a heading and a blank line, so the reported line number is checked too.
const codePayloads: Array<[string, (js: string) => string]> = [
  ["a flow expression", (js) => `{${js}}`],
  ["a text expression", (js) => `Value: {process.env.X} and {${js}}`],
  ["export const", (js) => `export const a = (${js}, 1)`],
  ["import then code", (js) => `import fs from 'fs'\nexport const b = (${js}, 1)`],
  ["an attribute expression on an unknown component", (js) => `<X y={${js}} />`],
  ["an attribute expression on Callout", (js) => `<Callout title={${js}}>\n\nhi\n\n</Callout>`],
  ["a spread attribute", (js) => `<Callout {...(${js}, {})}>\n\nhi\n\n</Callout>`],
  ["an expression inside a component", (js) => `<Callout type="info">{${js}}</Callout>`],
  ["a script element", (js) => `<script>{${js}}</script>`],
  ["an event handler as expression", (js) => `<kbd onClick={() => ${js}}>x</kbd>`],
];

describe("MDX that would run code", () => {
  it.each(codePayloads)("%s is rejected with a line number and runs nothing", (_name, make) => {
    const { js, file } = writeMarker();
    const body = `# Title\n\n${make(js)}\n`;

    const problems = checkMdx(body);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.line)).toContain(3);
    for (const p of problems) expect(p.col).toBeGreaterThanOrEqual(1);

    const compiled = compileMdx(body);
    expect(compiled.problems).toEqual(problems);
    expect(compiled.hast.children).toEqual([]);
    const html = renderBody(body);

    expect(html).not.toContain("writeFileSync");
    expect(existsSync(file)).toBe(false);
  });

  it("names the construct in the message", () => {
    expect(checkMdx("import fs from 'fs'")[0]?.message).toMatch(/^import\/export is not allowed: /);
    expect(checkMdx("export const a = 1")[0]?.message).toMatch(/^import\/export is not allowed: /);
    expect(checkMdx("{process.env.X}")[0]?.message).toMatch(/^\{expressions\} are not allowed/);
    expect(checkMdx("a {process.env.X} b")[0]?.message).toMatch(/^\{expressions\} are not allowed/);
    expect(checkMdx('<Callout title={x}>\n\nhi\n\n</Callout>')[0]?.message).toMatch(/attribute expressions are not allowed: write title="text"/);
    expect(checkMdx("<Callout {...props}>\n\nhi\n\n</Callout>")[0]?.message).toMatch(/spread attributes/);
    expect(checkMdx("<X y={globalThis}/>").map((p) => p.message)).toEqual([
      expect.stringMatching(/^unknown component <X>/),
      expect.stringMatching(/attribute expressions are not allowed/),
    ]);
  });

  it("allows MDX comments, which render nothing", () => {
    expect(checkMdx("# Title\n\n{/* reviewer: check the timeline */}\n\nText {/* inline */} here.")).toEqual([]);
    expect(renderBody("Text {/* hidden note */} here.")).not.toContain("hidden note");
  });
});

const markupPayloads: Array<[string, string, RegExp]> = [
  ["an unknown component", "<Danger/>", /unknown component <Danger>/],
  ["a member-expression component", "<a.b />", /<a\.b> is not allowed/],
  ["a namespaced member component", "<Foo.Bar />", /<Foo\.Bar> is not allowed/],
  ["a javascript: link", "[x](javascript:alert(1))", /unsafe URL "javascript:alert\(1\)" in link/],
  ["a mixed-case javascript: link", "[x](JaVaScRiPt:alert(1))", /unsafe URL/],
  ["a javascript: link with a tab (angle brackets)", "[x](<java\tscript:alert(1)>)", /unsafe URL/],
  ["a javascript: link with an encoded tab", "[x](java&#9;script:alert(1))", /unsafe URL/],
  ["a javascript: link with an encoded newline", "[x](java&#10;script:alert(1))", /unsafe URL/],
  ["a javascript: link with an encoded leading space", "[x](&#32;javascript:alert(1))", /unsafe URL/],
  ["a data: link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", /unsafe URL/],
  ["a vbscript: link", "[x](vbscript:msgbox(1))", /unsafe URL/],
  ["a javascript: image", "![x](javascript:alert(1))", /unsafe URL "javascript:alert\(1\)" in image/],
  ["a javascript: definition", "[x]: javascript:alert(1)\n\nSee [x].", /unsafe URL .* in link definition/],
  ["an unquoted onerror img (a syntax error in MDX)", "<img src=x onerror=alert(1)>", /MDX syntax error/],
  ["a quoted onerror img", '<img src="x" onerror="alert(1)" />', /<img> is not allowed: use markdown images/],
  ["an onerror img's handler", '<img src="x" onerror="alert(1)" />', /event handler attribute "onerror"/],
  ["an <a> with a javascript: href", '<a href="javascript:alert(1)">x</a>', /unsafe URL "javascript:alert\(1\)" in href/],
  ["an <a> with a tab in the scheme", '<a href="java\tscript:alert(1)">x</a>', /unsafe URL/],
  ["an <a> with a newline in the scheme", '<a href="java\nscript:alert(1)">x</a>', /unsafe URL/],
  ["an <a> at all", '<a href="https://example.com">x</a>', /<a> is not allowed: use markdown links/],
  ["a script element", "<script>alert(1)</script>", /<script> is not allowed/],
  ["an iframe", '<iframe src="https://example.com"></iframe>', /<iframe> is not allowed/],
  ["a style element", "<style>{'body{}'}</style>", /<style> is not allowed/],
  ["a style attribute", '<kbd style="color:red">x</kbd>', /style attributes are not allowed/],
  ["an event handler on a component", '<Callout onClick="alert(1)">\n\nhi\n\n</Callout>', /event handler attribute "onClick"/],
  ["an unsafe Figure src", '<Figure src="javascript:alert(1)" caption="c" />', /unsafe URL "javascript:alert\(1\)" in src/],
  ["a data: Figure src", '<Figure src="data:image/svg+xml,<svg onload=alert(1)>" />', /unsafe URL/],
  ["an unknown attribute", '<Callout kind="info">\n\nhi\n\n</Callout>', /attribute "kind" is not supported on <Callout> \(supported: type, title\)/],
  ["an unknown Callout type", '<Callout type="fatal">\n\nhi\n\n</Callout>', /<Callout> type "fatal" is not one of info, warning, danger, success/],
  ["a Metric without a value", '<Metric label="TTD" />', /<Metric> needs a value="…" attribute/],
  ["an inline Callout", 'Text <Callout>hi</Callout> more', /<Callout> must start on its own line/],
  ["an HTML comment", "<!-- note -->", /MDX syntax error/],
];

describe("MDX markup that is not allowed", () => {
  it.each(markupPayloads)("%s is rejected on its line", (_name, payload, message) => {
    const body = `# Title\n\n${payload}\n`;
    const problems = checkMdx(body);
    const match = problems.find((p) => message.test(p.message));
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match?.line).toBe(3);

    const compiled = compileMdx(body);
    expect(compiled.problems.length).toBeGreaterThan(0);
    const html = renderBody(body);
    expect(html).not.toMatch(/javascript|vbscript|data:|onerror|onclick|<script|<iframe|<img|<a /i);
  });

  it("reports the line and column of a problem on line 5", () => {
    const body = "# Timeline\n\nAll times UTC.\n\nWe paged the owner ([runbook](javascript:void(0))).\n";
    expect(checkMdx(body)).toEqual([{ line: 5, col: 21, message: expect.stringMatching(/unsafe URL/) }]);
  });

  it("reports a syntax error where the parser stopped", () => {
    const [problem] = checkMdx("# Title\n\nOk.\n\n<Callout>\n\nunclosed\n");
    expect(problem?.message).toMatch(/^MDX syntax error: /);
    expect(problem).toMatchObject({ line: 5, col: 1 });
  });

  it("reports every problem, in document order", () => {
    const body = "[a](javascript:1)\n\n<Danger/>\n\n{x}\n";
    expect(checkMdx(body).map((p) => p.line)).toEqual([1, 3, 5]);
  });

  it("keeps a tab-broken javascript: link as plain text (CommonMark does not make it a link)", () => {
    const body = "[x](java\tscript:alert(1))";
    expect(checkMdx(body)).toEqual([]);
    const html = renderBody(body);
    expect(html).not.toContain("<a");
    expect(html).not.toContain("href");
  });
});

describe("isSafeUrl", () => {
  it.each(["https://example.com/x", "http://example.com", "mailto:oncall@example.com", "/incidents/db", "#timeline", "./a.png", "../b", "a.png", "?q=1", "//cdn.example.com/x.png"])(
    "allows %j",
    (url) => expect(isSafeUrl(url)).toBe(true),
  );
  it.each(["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:x", "\u0000javascript:x", "data:text/html,x", "vbscript:x", "file:///etc/passwd", "blob:https://x/y"])(
    "refuses %j",
    (url) => expect(isSafeUrl(url)).toBe(false),
  );
});

describe("defense in depth after validation", () => {
  const hostile: Root = {
    type: "root",
    children: [
      { type: "element", tagName: "img", properties: { src: "x", onError: "alert(1)" }, children: [] },
      { type: "element", tagName: "a", properties: { href: "javascript:alert(1)", onClick: "alert(1)" }, children: [{ type: "text", value: "link" }] },
      { type: "element", tagName: "script", properties: {}, children: [{ type: "text", value: "alert(1)" }] },
      { type: "element", tagName: "Callout", properties: { type: "warning", onClick: "alert(1)", style: "x" }, children: [] },
      { type: "element", tagName: "iframe", properties: { src: "https://evil.example" }, children: [] },
      { type: "element", tagName: "h2", properties: { id: "ok", style: "color:red" }, children: [{ type: "text", value: "Heading" }] },
    ],
  };

  it("the sanitizer drops handlers, scripts, unknown tags and javascript: URLs", () => {
    const html = renderToStaticMarkup(createElement(MdxContent, { hast: sanitize(hostile, sanitizeSchema) as Root }));
    expect(html).not.toMatch(/onerror|onclick|javascript|<script|alert|<iframe|style=/i);
    expect(html).toContain('class="mdx-callout mdx-callout--warning"');
    expect(html).toContain('<h2 id="ok">Heading</h2>');
  });

  it("MdxContent refuses unsafe link and image URLs even in unsanitized hast", () => {
    const raw: Root = {
      type: "root",
      children: [
        { type: "element", tagName: "a", properties: { href: "java\tscript:alert(1)" }, children: [{ type: "text", value: "x" }] },
        { type: "element", tagName: "img", properties: { src: "JAVASCRIPT:alert(1)", alt: "pic" }, children: [] },
        { type: "element", tagName: "Figure", properties: { src: "data:image/png;base64,AAAA", caption: "cap" }, children: [] },
      ],
    };
    const html = renderToStaticMarkup(createElement(MdxContent, { hast: raw }));
    expect(html).not.toMatch(/script:|data:|<img|<a /i);
    expect(html).toContain("pic");
    expect(html).toContain("cap");
  });
});
