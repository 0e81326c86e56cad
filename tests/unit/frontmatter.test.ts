import { existsSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FrontmatterError, parseYaml, splitDocument, type SplitResult } from "../../lib/content/frontmatter";
import { parseYamlSafe } from "../../lib/content/yaml";

const locateYamlPath = (yaml: string, path: readonly PropertyKey[]) => parseYamlSafe(yaml).locate(path);

const markers: string[] = [];

function markerPath(): string {
  const p = path.join(os.tmpdir(), `kaizen-fm-marker-${randomBytes(8).toString("hex")}`);
  markers.push(p);
  return p;
}

afterEach(() => {
  for (const m of markers.splice(0)) rmSync(m, { force: true });
});

function problemOf(result: SplitResult) {
  if (result.ok) throw new Error("expected the document to be rejected");
  return result.problem;
}

function yamlError(text: string): FrontmatterError {
  try {
    parseYaml(text);
  } catch (err) {
    if (err instanceof FrontmatterError) return err;
    throw err;
  }
  throw new Error("expected parseYaml to throw");
}

describe("splitDocument: executable frontmatter is never run", () => {
  for (const lang of ["js", "javascript"]) {
    it(`rejects ---${lang} frontmatter and does not run its payload`, () => {
      const marker = markerPath();
      const raw = `---${lang}\n{ title: require('fs').writeFileSync(${JSON.stringify(marker)}, 'x') }\n---\n\n# Body\n`;
      const problem = problemOf(splitDocument(raw));
      expect(problem.line).toBe(1);
      expect(problem.message).toBe(`frontmatter language "${lang}" is not allowed: Kaizen reads YAML frontmatter only`);
      expect(existsSync(marker)).toBe(false);
    });
  }

  it("rejects a language written with a space after the dashes", () => {
    const marker = markerPath();
    const raw = `--- js\n{ title: require('fs').writeFileSync(${JSON.stringify(marker)}, 'x') }\n---\n`;
    expect(problemOf(splitDocument(raw)).message).toMatch(/"js" is not allowed/);
    expect(existsSync(marker)).toBe(false);
  });

  it("rejects other engines gray-matter knows (coffee, json, toml)", () => {
    for (const lang of ["coffee", "json", "toml"]) {
      expect(problemOf(splitDocument(`---${lang}\ntitle = "x"\n---\n`)).message).toMatch(/is not allowed/);
    }
  });

  it("accepts ---yaml and plain ---", () => {
    for (const opener of ["---", "---yaml", "---yml"]) {
      const r = splitDocument(`${opener}\ntitle: x\n---\nbody\n`);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.doc.data).toEqual({ title: "x" });
    }
  });
});

describe("splitDocument: structure", () => {
  it("returns the YAML, the body and where each starts", () => {
    const r = splitDocument("---\ntitle: x\nstatus: draft\n---\n\n# Heading\n");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.doc.yaml).toBe("title: x\nstatus: draft");
    expect(r.doc.yamlLine).toBe(2);
    expect(r.doc.bodyLine).toBe(5);
    expect(r.doc.body.split("\n")[1]).toBe("# Heading");
  });

  it("handles CRLF line endings and a byte order mark", () => {
    const r = splitDocument("\uFEFF---\r\ntitle: x\r\n---\r\nbody\r\n");
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.doc.data).toEqual({ title: "x" });
      expect(r.doc.bodyLine).toBe(4);
    }
  });

  it("treats empty frontmatter as an empty object", () => {
    const r = splitDocument("---\n---\nbody\n");
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.doc.data).toEqual({});
  });

  it("rejects a file without frontmatter", () => {
    expect(problemOf(splitDocument("# Just a heading\n"))).toEqual({
      line: 1,
      col: 1,
      field: "frontmatter",
      message: "missing frontmatter: the file must start with a line `---`",
      severity: "error",
    });
  });

  it("rejects frontmatter that is never closed", () => {
    expect(problemOf(splitDocument("---\ntitle: x\nstatus: draft\n\n# Body\n")).message).toBe("the frontmatter is not closed by a line `---`");
  });

  it("reports a YAML syntax error at its file line", () => {
    const problem = problemOf(splitDocument("---\ntitle: x\nstatus: draft\n  bad: indentation\n---\n"));
    expect(problem.message).toMatch(/^invalid YAML: /);
    // The yaml package reports the mapping that cannot hold the over-indented key: `status: draft`.
    expect(problem.line).toBe(3);
  });
});

describe("parseYaml: safety", () => {
  it("rejects duplicate keys with the line of the duplicate", () => {
    const err = yamlError("title: a\nstatus: draft\ntitle: b\n");
    expect(err.message).toBe('invalid YAML: duplicate key "title"');
    expect([err.line, err.col]).toEqual([3, 1]);
  });

  it("reports a duplicate key at the file line through splitDocument", () => {
    const problem = problemOf(splitDocument("---\ntitle: a\nstatus: draft\ntitle: b\n---\n"));
    expect(problem.message).toBe('invalid YAML: duplicate key "title"');
    expect(problem.line).toBe(4);
  });

  for (const key of ["__proto__", "constructor", "prototype"]) {
    it(`rejects the key ${key} at the top level`, () => {
      expect(yamlError(`${key}:\n  polluted: true\n`).message).toBe(`key "${key}" is not allowed`);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it(`rejects the key ${key} when nested`, () => {
      expect(yamlError(`countermeasures:\n  - id: a\n    ${key}:\n      polluted: true\n`).message).toBe(`key "${key}" is not allowed (in countermeasures.0)`);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it("rejects prototype keys through splitDocument too, at their file line", () => {
    const problem = problemOf(splitDocument("---\ntitle: x\nsource:\n  url: https://example.com\n  constructor: { isAdmin: true }\n---\n"));
    expect(problem.message).toBe('key "constructor" is not allowed (in source)');
    expect(problem.line).toBe(5);
    expect(problemOf(splitDocument('---\ntitle: x\n"__proto__": { isAdmin: true }\n---\n')).message).toBe('key "__proto__" is not allowed');
  });

  it("locates a nested prototype key inside a list", () => {
    const err = yamlError("title: x\ncountermeasures:\n  - id: a\n  - id: b\n    prototype: 1\n");
    expect(err.message).toBe('key "prototype" is not allowed (in countermeasures.1)');
    expect([err.line, err.col]).toEqual([5, 5]);
  });

  it("rejects !!js/function and other custom tags", () => {
    const marker = markerPath();
    for (const text of [
      `title: !!js/function "function () { require('fs').writeFileSync(${JSON.stringify(marker)}, 'x') }"\n`,
      "title: !!js/regexp /x/\n",
      "title: !!js/undefined ''\n",
      "title: !!python/object:os.system [ls]\n",
      "title: !<tag:yaml.org,2002:js/function> 'function () {}'\n",
    ]) {
      // Rejected as an unknown tag, or (for `/x/`) already as a syntax error.
      expect(yamlError(text).message).toMatch(/^invalid YAML: (unknown tag|Unexpected scalar)/);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("keeps dates and date-times as strings", () => {
    expect(parseYaml("due: 2025-03-31\nat: 2025-03-04T14:02:00Z\n")).toEqual({ due: "2025-03-31", at: "2025-03-04T14:02:00Z" });
  });

  it("refuses merge keys with their alias, so anchors cannot smuggle fields in", () => {
    const err = yamlError("base: &b { title: x }\nother:\n  <<: *b\n");
    expect(err.message).toBe("YAML aliases (*b) are not allowed: write the value out in full");
    expect([err.line, err.col]).toEqual([3, 7]);
  });
});

describe("ParsedYaml.locate", () => {
  const yaml = [
    "title: Checkout outage", //           1
    "severity: SEV2", //                   2
    "timeline:", //                        3
    "  - at: 2025-03-04T10:00:00Z", //     4
    "    event: Deploy", //                5
    "  - at: 2025-03-04T10:05:00Z", //     6
    "    event: Errors", //                7
    "countermeasures:", //                 8
    "  - id: cm-1", //                     9
    "    title: Canary", //                10
    "    owner: ana", //                   11
    "    addresses:", //                   12
    "      - bad-config-push", //          13
    "      - missing-alert", //            14
    "  - id: cm-2", //                     15
    "    # a comment", //                  16
    "    owner: bo", //                    17
    "source:", //                          18
    "  url: https://example.com", //       19
  ].join("\n");

  it("points at a top-level value", () => {
    expect(locateYamlPath(yaml, ["severity"])).toEqual({ line: 2, col: 11 });
  });

  it("points at the key when the value is on the next lines", () => {
    expect(locateYamlPath(yaml, ["timeline"])).toEqual({ line: 3, col: 1 });
  });

  it("finds a field on a list item's dash line", () => {
    expect(locateYamlPath(yaml, ["timeline", 1, "at"])).toEqual({ line: 6, col: 9 });
  });

  it("finds a field below the dash line", () => {
    expect(locateYamlPath(yaml, ["timeline", 1, "event"])).toEqual({ line: 7, col: 12 });
    expect(locateYamlPath(yaml, ["countermeasures", 1, "owner"])).toEqual({ line: 17, col: 12 });
  });

  it("finds items of a nested list", () => {
    expect(locateYamlPath(yaml, ["countermeasures", 0, "addresses", 1])).toEqual({ line: 14, col: 9 });
  });

  it("finds a field of a nested mapping", () => {
    expect(locateYamlPath(yaml, ["source", "url"])).toEqual({ line: 19, col: 8 });
  });

  it("does not find a field of another list item", () => {
    // cm-2 has no title: the deepest part found is the item itself.
    expect(locateYamlPath(yaml, ["countermeasures", 1, "title"])).toEqual({ line: 15, col: 5 });
  });

  it("falls back to the deepest part it found for a missing path", () => {
    expect(locateYamlPath(yaml, ["timeline", 5, "at"])).toEqual({ line: 3, col: 1 });
    expect(locateYamlPath(yaml, ["nothing"])).toEqual({ line: 1, col: 1 });
  });
});

// Nine levels of nine aliases each: 9^9 (387 million) strings once expanded, from a few hundred bytes.
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ..."bcdefghi".split("").map((c, i) => {
    const prev = "abcdefghi"[i] ?? "a";
    return `${c}: &${c} [${Array(9).fill(`*${prev}`).join(",")}]`;
  }),
];

describe("YAML aliases are refused before they are expanded", () => {
  it("rejects a billion-laughs frontmatter at the first alias, with its line", () => {
    const raw = `---\ntitle: x\n${BILLION_LAUGHS.join("\n")}\n---\n\nbody\n`;
    expect(raw.length).toBeLessThan(600);
    const problem = problemOf(splitDocument(raw));
    expect(problem).toMatchObject({ line: 4, col: 8, field: "frontmatter", message: "YAML aliases (*a) are not allowed: write the value out in full" });
  });

  it("rejects even a single alias", () => {
    const err = yamlError("owner: &o ana\nreviewer: *o\n");
    expect(err.message).toBe("YAML aliases (*o) are not allowed: write the value out in full");
    expect([err.line, err.col]).toEqual([2, 11]);
  });

  it("still accepts an anchor that nothing refers to", () => {
    expect(parseYaml("title: &t x\n")).toEqual({ title: "x" });
  });
});

describe("YAML scalars in the core schema", () => {
  it("keeps timestamps, even explicitly tagged ones, from becoming Date objects", () => {
    expect(parseYaml("due: 2026-02-30\nat: 2026-03-01T24:00:00Z\n")).toEqual({ due: "2026-02-30", at: "2026-03-01T24:00:00Z" });
    expect(yamlError("due: !!timestamp 2026-01-01\n").message).toMatch(/^invalid YAML: unknown tag /);
    expect(yamlError("blob: !!binary aGVsbG8=\n").message).toMatch(/^invalid YAML: unknown tag /);
    expect(yamlError("s: !!set { a, b }\n").message).toMatch(/^invalid YAML: unknown tag /);
  });

  it("reports a duplicate key nested in a list item at its line and column", () => {
    const err = yamlError("countermeasures:\n  - id: cm-1\n    owner: ana\n    owner: bo\n");
    expect(err.message).toBe('invalid YAML: duplicate key "owner"');
    expect([err.line, err.col]).toEqual([4, 5]);
  });
});

describe("gray-matter's own engines are never called", () => {
  it("parses YAML with the yaml package even if gray-matter's default engines would throw", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const engines = require("gray-matter/lib/engines") as Record<string, unknown>;
    const saved = { ...engines };
    const boom = { parse: () => { throw new Error("gray-matter default engine called"); } };
    try {
      for (const k of Object.keys(saved)) engines[k] = boom;
      const r = splitDocument("---\ntitle: x\ndue: 2026-03-01\n---\nbody\n");
      expect(r.ok && r.doc.data).toEqual({ title: "x", due: "2026-03-01" });
      for (const lang of ["js", "javascript", "coffee", "cson", "json", "toml"]) {
        expect(problemOf(splitDocument(`---${lang}\n{}\n---\n`)).message).toMatch(/is not allowed/);
      }
    } finally {
      Object.assign(engines, saved);
    }
  });
});
