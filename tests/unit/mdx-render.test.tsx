import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearMemoryCache, compileMdxCached, compileStats } from "@/lib/mdx/cache";
import { compileMdx } from "@/lib/mdx/compile";
import { ALLOWED_COMPONENTS, Callout, Figure, Metric, mdxComponents } from "@/lib/mdx/components";
import { MdxContent } from "@/lib/mdx/render";

const document = `# Database failover

## Summary

Writes failed for **12 minutes**. <Metric label="Time to detect" value="4 min" note="p50" />

<Callout type="warning" title="Still open">
The replica lag alarm is *not* paged yet.
</Callout>

## Timeline

| Time (UTC) | Event |
|:--|--:|
| 09:02 | Primary lost |

### Detection

\`\`\`sql
SELECT 1;
\`\`\`

See the [runbook](https://runbooks.example.com/db), [the dashboard](/dashboards/db),
[the timeline](#timeline) and mail [on-call](mailto:oncall@example.com). Press <kbd>Ctrl</kbd>+<kbd>K</kbd>.

## Timeline
`;

function render(body: string): string {
  const compiled = compileMdx(body);
  expect(compiled.problems).toEqual([]);
  return renderToStaticMarkup(<MdxContent hast={compiled.hast} />);
}

describe("compileMdx and MdxContent on allowed content", () => {
  const compiled = compileMdx(document);
  const html = renderToStaticMarkup(<MdxContent hast={compiled.hast} />);

  it("has no problems", () => {
    expect(compiled.problems).toEqual([]);
  });

  it("gives headings unique slug ids and lists h2/h3 in the toc", () => {
    expect(html).toContain('<h1 id="database-failover">Database failover</h1>');
    expect(html).toContain('<h2 id="summary">Summary</h2>');
    expect(html).toContain('<h3 id="detection">Detection</h3>');
    expect(html).toContain('<h2 id="timeline-1">Timeline</h2>');
    expect(compiled.toc).toEqual([
      { depth: 2, text: "Summary", id: "summary" },
      { depth: 2, text: "Timeline", id: "timeline" },
      { depth: 3, text: "Detection", id: "detection" },
      { depth: 2, text: "Timeline", id: "timeline-1" },
    ]);
  });

  it("renders GFM tables with alignment", () => {
    expect(html).toMatch(/<table><thead><tr><th style="text-align:left">Time \(UTC\)<\/th><th style="text-align:right">Event<\/th>/);
    expect(html).toContain("<td style=\"text-align:left\">09:02</td>");
  });

  it("keeps the code language class", () => {
    expect(html).toContain('<pre><code class="language-sql">SELECT 1;\n</code></pre>');
  });

  it("renders the allowlisted components", () => {
    expect(html).toContain('<aside class="mdx-callout mdx-callout--warning" role="note"><p class="mdx-callout__title">Still open</p>');
    expect(html).toContain("<em>not</em>");
    expect(html).toMatch(/<span class="mdx-metric"><span class="mdx-metric__label">Time to detect<\/span> <strong class="mdx-metric__value">4 min<\/strong><span class="mdx-metric__note"> \(p50\)<\/span><\/span>/);
  });

  it("renders http, relative, fragment and mailto links; only absolute ones get rel", () => {
    expect(html).toContain('<a href="https://runbooks.example.com/db" rel="noopener noreferrer">runbook</a>');
    expect(html).toContain('<a href="/dashboards/db">the dashboard</a>');
    expect(html).toContain('<a href="#timeline">the timeline</a>');
    expect(html).toContain('<a href="mailto:oncall@example.com">on-call</a>');
    expect(html).toContain("<kbd>Ctrl</kbd>+<kbd>K</kbd>");
  });

  it("produces plain JSON without positions", () => {
    const json = JSON.stringify(compiled.hast);
    expect(json).not.toContain("position");
    expect(JSON.parse(json)).toEqual(compiled.hast);
  });

  it("renders Figure, images, details and footnotes", () => {
    const out = render(
      '<Figure src="/img/lag.png" alt="Lag" caption="Replica lag" />\n\n![graph](https://img.example.com/a.png)\n\n<details>\n<summary>Raw log</summary>\n\nlines\n\n</details>\n\nA claim.[^1]\n\n[^1]: The source.\n',
    );
    expect(out).toContain('<figure class="mdx-figure"><img class="mdx-figure__image" src="/img/lag.png" alt="Lag" loading="lazy"/><figcaption class="mdx-figure__caption">Replica lag</figcaption></figure>');
    expect(out).toContain('<img src="https://img.example.com/a.png" alt="graph" loading="lazy"/>');
    expect(out).toContain("<details><summary>Raw log</summary>");
    expect(out).toContain('href="#user-content-fn-1"');
    expect(out).toContain('<li id="user-content-fn-1">');
  });
});

describe("components on their own", () => {
  it("are the allowlist", () => {
    expect(Object.keys(mdxComponents).sort()).toEqual([...ALLOWED_COMPONENTS].sort());
  });

  it("Callout falls back to info for an unknown type", () => {
    const html = renderToStaticMarkup(<Callout type="fatal">x</Callout>);
    expect(html).toContain('class="mdx-callout mdx-callout--info"');
    expect(html).toContain("Note");
  });

  it("Figure drops an unsafe src but keeps the caption", () => {
    const html = renderToStaticMarkup(<Figure src="javascript:alert(1)" caption="Lag" />);
    expect(html).not.toContain("<img");
    expect(html).toContain("Lag");
  });

  it("Metric shows placeholders for missing props", () => {
    expect(renderToStaticMarkup(<Metric />)).toContain("Metric");
  });
});

describe("compileMdxCached", () => {
  let dir = "";
  const previous = process.env.KAIZEN_DATA_DIR;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "kaizen-mdx-cache-"));
    process.env.KAIZEN_DATA_DIR = dir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.KAIZEN_DATA_DIR;
    else process.env.KAIZEN_DATA_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => clearMemoryCache());

  function cacheFiles(): string[] {
    const root = path.join(dir, "cache", "mdx");
    if (!existsSync(root)) return [];
    return readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".json"))
      .map((f) => path.join(root, f));
  }

  it("compiles once, then hits memory, then (after a restart) hits disk", async () => {
    const body = `# Cached ${Date.now()}\n\nSome *text*.\n`;
    const before = compileStats();

    const first = await compileMdxCached(body);
    expect(compileStats().compiles).toBe(before.compiles + 1);
    expect(first).toEqual(compileMdx(body));
    expect(cacheFiles()).toHaveLength(1);

    const second = await compileMdxCached(body);
    expect(compileStats()).toMatchObject({ compiles: before.compiles + 1, memoryHits: before.memoryHits + 1 });
    expect(second).toEqual(first);

    clearMemoryCache();
    const third = await compileMdxCached(body);
    expect(compileStats()).toMatchObject({ compiles: before.compiles + 1, diskHits: before.diskHits + 1 });
    expect(third).toEqual(first);
  });

  it("caches bodies with problems too, keyed by content", async () => {
    const before = compileStats();
    const bad = await compileMdxCached("{process.env.SECRET}");
    expect(bad.problems[0]?.message).toMatch(/expressions/);
    await compileMdxCached("{process.env.SECRET}");
    expect(compileStats().compiles).toBe(before.compiles + 1);
    await compileMdxCached("{process.env.SECRET} ");
    expect(compileStats().compiles).toBe(before.compiles + 2);
  });

  it("ignores and rewrites a corrupt cache file", async () => {
    const body = `# Corrupt ${Date.now()}\n`;
    await compileMdxCached(body);
    const file = cacheFiles().find((f) => readFileSync(f, "utf8").includes("Corrupt"));
    expect(file).toBeDefined();
    writeFileSync(file!, '{"version": "kaizen-mdx-1", "compiled": {"hast": ');
    clearMemoryCache();

    const before = compileStats();
    const again = await compileMdxCached(body);
    expect(compileStats().compiles).toBe(before.compiles + 1);
    expect(again).toEqual(compileMdx(body));
    expect(() => JSON.parse(readFileSync(file!, "utf8"))).not.toThrow();
    expect(cacheFiles().filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
