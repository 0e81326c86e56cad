import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitDocument } from "@/lib/content/frontmatter";
import { parseIncidentText } from "@/lib/content/incident-file";
import { ContentStore, parseTaxonomy } from "@/lib/content/store";
import { saveInputSchema } from "@/lib/editor/save";
import { lintBlameless } from "@/lib/lint/blameless";
import { clearMemoryCache, compileMdxCached, compileStats } from "@/lib/mdx/cache";
import { compileMdx } from "@/lib/mdx/compile";
import { MDX_LIMITS, checkMdxLimits, measureMdx } from "@/lib/mdx/limits";
import { checkMdx } from "@/lib/mdx/validate";
import { gitRepo } from "../fixtures/git-repo";

// Each payload used to take seconds to minutes, or overflow the stack; the limits must refuse it at once. No timings
// are asserted: the per-test timeout only keeps a regression from hanging the run.
const GUARD = 5_000;
const LEAD = "# Timeline\n\nThe alert fired at 09:02.\n\n"; // the payload starts on line 5
// One paragraph, 20 KB, emphasis opened 3,400 times before any closes (over lines, which stay under the line limit).
const NESTED_EMPHASIS = "*a\n".repeat(3_400) + "b" + "\nc*".repeat(3_400);

// name, payload, the line where it goes over (the payload starts on line 5), the message
const PATHOLOGICAL: [string, string, number, RegExp][] = [
  ["nested emphasis (20 KB)", NESTED_EMPHASIS, 17, /emphasis is nested more than 12 deep/],
  ["nested strong runs", "*".repeat(5_000) + "a" + "*".repeat(5_000), 5, /emphasis is nested more than 12 deep/],
  ["emphasis delimiters in one paragraph", "a* b\n".repeat(2_000), 1_005, /more than 1000 emphasis delimiters/],
  ["nested link text", "[".repeat(3_000) + "a" + "](b)".repeat(3_000), 5, /\[brackets\] are nested more than 12 deep/],
  ["nested parentheses", "(".repeat(5_000) + "a" + ")".repeat(5_000), 5, /\(parentheses\) are nested more than 16 deep/],
  ["nested lists", Array.from({ length: 100 }, (_, i) => `${"  ".repeat(i)}- item`).join("\n"), 17, /lists are nested more than 12 deep/],
  ["nested lists on one line", "- ".repeat(5_000) + "a", 5, /lists are nested more than 12 deep/],
  ["nested block quotes", ">".repeat(10_000) + " a", 5, /block quotes \(>\) are nested more than 12 deep/],
  ["nested JSX", "<Callout>\n\n".repeat(2_000) + "x", 37, /components\/HTML elements are nested more than 16 deep/],
  ["nested inline JSX", "<b>".repeat(5_000) + "x", 5, /components\/HTML elements are nested more than 16 deep/],
  ["a wide table", `|${"a|".repeat(3_000)}\n|${"-|".repeat(3_000)}\n|${"b|".repeat(3_000)}\n`, 5, /this table row has more than 64 columns/],
  ["a long table", `| a | b |\n|---|---|\n${"| x | y |\n".repeat(4_000)}`, 2_505, /the tables have more than 5000 cells in all/],
  ["a very long line", "word ".repeat(10_000), 5, /this line is \d+ characters long; the limit is 20000/],
];

describe("MDX limits: pathological bodies are refused before the parser", () => {
  for (const [name, payload, line, message] of PATHOLOGICAL) {
    it(
      `${name}: a located problem`,
      () => {
        const body = LEAD + payload;
        const problems = checkMdx(body);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ line, message: expect.stringMatching(message) });
        expect(problems[0]?.message).toMatch(/^too large to render safely: /);
        expect(compileMdx(body).problems).toEqual(problems);
      },
      GUARD,
    );
  }

  it(
    "a 400 KB body: refused on size, with the limit in the message",
    () => {
      const body = "Some ordinary prose about the incident.\n\n".repeat(10_000);
      expect(body.length).toBeGreaterThan(400_000);
      expect(checkMdx(body)).toEqual([{ line: 1, col: 1, message: expect.stringMatching(/the body is 4\d\d KB; the limit is 64 KB/) }]);
    },
    GUARD,
  );

  it("counts bytes, not characters, for the size limit", () => {
    const accents = "é\n".repeat(40 * 1024); // 80 K characters, 120 KB of UTF-8
    expect(checkMdxLimits(accents)?.message).toMatch(/the body is 120 KB/);
    expect(checkMdxLimits("a\n".repeat(20 * 1024))).toBeNull();
  });

  it("does not count what is inside code: fences, code spans and escapes", () => {
    const body = ["```", "*".repeat(100) + "[".repeat(100) + "<b>".repeat(100), "```", "", "`" + "*a ".repeat(100) + "`", "", "\\*".repeat(100)].join("\n");
    expect(checkMdxLimits(body)).toBeNull();
    expect(measureMdx(body)).toMatchObject({ emphasisDepth: 0, bracketDepth: 0, jsxDepth: 0 });
  });

  it("measures ordinary nesting as it is", () => {
    const shape = measureMdx("> quote\n> > nested *a **b** c*\n\n- a\n  - b\n    - c\n\n<Callout type=\"note\">\n<kbd>K</kbd>\n</Callout>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    expect(shape).toMatchObject({ quoteDepth: 2, emphasisDepth: 3, listDepth: 3, jsxDepth: 2, tableColumns: 2, tableCells: 6 });
  });
});

describe("MDX limits: real post-mortems are far inside them", () => {
  const dir = path.resolve(__dirname, "../../content/incidents");
  const files = readdirSync(dir).filter((f) => f.endsWith(".mdx"));

  it("every sample incident passes, with a wide margin on every construct", () => {
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const split = splitDocument(readFileSync(path.join(dir, f), "utf8"));
      if (!split.ok) throw new Error(`${f}: ${split.problem.message}`);
      const body = split.doc.body;
      expect(checkMdxLimits(body), f).toBeNull();
      const shape = measureMdx(body);
      for (const key of Object.keys(MDX_LIMITS) as (keyof typeof MDX_LIMITS)[]) {
        expect(shape[key] * 4, `${f} ${key}`).toBeLessThanOrEqual(MDX_LIMITS[key]);
      }
      expect(compileMdx(body).problems, f).toEqual([]);
    }
  });
});

describe("MDX limits on every path that reads a body", () => {
  const { taxonomy } = parseTaxonomy("- id: bad-config-push\n  name: Bad configuration push\n  category: change\n  description: A push.\n");
  const file = (body: string) => `---\ntitle: Checkout outage\nstatus: published\nseverity: SEV2\n---\n${body}`;
  const nested = LEAD + NESTED_EMPHASIS;

  it(
    "parseIncidentText (load, save, editor): a body problem on the file's line",
    () => {
      const r = parseIncidentText("incidents/x.mdx", file(nested), taxonomy);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      // The body starts on file line 6, so its line 17 is file line 22.
      expect(r.problems).toEqual([expect.objectContaining({ field: "body", line: 22, message: expect.stringMatching(/emphasis is nested more than 12 deep/) })]);
    },
    GUARD,
  );

  it(
    "the content store: a pathological file is one broken entry, the others load",
    async () => {
      // The store serves what is committed.
      const root = await gitRepo(
        {
          "factors.yml": "- id: bad-config-push\n  name: Push\n  category: change\n  description: A push.\n",
          "incidents/ok.mdx": file("# Summary\n\nFine.\n"),
          "incidents/deep.mdx": file(nested),
        },
        { prefix: "kaizen-limits-", message: "fixture" },
      );
      try {
        const snapshot = await new ContentStore(root).snapshot();
        expect(snapshot.incidents.map((i) => i.id)).toEqual(["ok"]);
        expect(snapshot.broken).toEqual([expect.objectContaining({ id: "deep", problems: [expect.objectContaining({ line: 22, message: expect.stringMatching(/nested/) })] })]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    GUARD * 2,
  );

  it("a file over 256 KB is refused by the save input schema with a clear message", () => {
    const r = saveInputSchema.safeParse({ baseBlob: null, text: file("x".repeat(300 * 1024)) });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/larger than 256 KB/);
    expect(saveInputSchema.safeParse({ baseBlob: null, text: file("x\n".repeat(50 * 1024)) }).success).toBe(true);
  });
});

describe("MDX limits: failures are cached like successes", () => {
  let dir = "";
  const previous = process.env.KAIZEN_DATA_DIR;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "kaizen-mdx-limits-cache-"));
    process.env.KAIZEN_DATA_DIR = dir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.KAIZEN_DATA_DIR;
    else process.env.KAIZEN_DATA_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "a pathological body compiles once; later views come from memory, then from disk",
    async () => {
      const body = `${LEAD}${NESTED_EMPHASIS}\n\nRun ${Date.now()}.`;
      const before = compileStats();
      const first = await compileMdxCached(body);
      expect(first.problems).toEqual([expect.objectContaining({ line: 17, message: expect.stringMatching(/nested/) })]);
      expect(compileStats().compiles).toBe(before.compiles + 1);

      expect(await compileMdxCached(body)).toEqual(first);
      expect(compileStats()).toMatchObject({ compiles: before.compiles + 1, memoryHits: before.memoryHits + 1 });

      clearMemoryCache();
      expect(await compileMdxCached(body)).toEqual(first);
      expect(compileStats()).toMatchObject({ compiles: before.compiles + 1, diskHits: before.diskHits + 1 });
    },
    GUARD,
  );
});

describe("blameless lint: linear on any body", () => {
  it(
    "blank lines, whitespace lines and unclosed fences do not backtrack",
    () => {
      expect(lintBlameless("\n".repeat(200_000))).toEqual([]);
      expect(lintBlameless(" \n".repeat(100_000))).toEqual([]);
      expect(lintBlameless("```\n".repeat(50_001))).toEqual([]);
      expect(lintBlameless(" ~~~x\n".repeat(50_001), 1, { maskQuotes: false })).toEqual([]);
    },
    GUARD,
  );

  it("a quote after blank lines keeps the lines below it in place", () => {
    const hints = lintBlameless("Intro.\n\n> a quote\nThe engineer forgot to page.\n");
    expect(hints).toEqual([expect.objectContaining({ kind: "forgetting", line: 4 })]);
  });

  it("still masks closed fences, code spans and quotes", () => {
    const text = "```\nhuman error\n```\n`human error` \"human error\" > x\n> human error\n~~~\nforgot to\n~~~\nhuman error here";
    expect(lintBlameless(text)).toEqual([expect.objectContaining({ kind: "human-error", line: 9, col: 1 })]);
  });
});
