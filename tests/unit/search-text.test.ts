import { describe, expect, it } from "vitest";
import { stripMdx } from "@/lib/search/text";

// Every payload used to take from seconds to hours (each unclosed construct rescanned the rest of the text); no timing
// is asserted, the per-test timeout only keeps a regression from hanging the run.
const GUARD = 5_000;
const N = 60_000;
const repeat = (unit: string) => unit.repeat(Math.ceil(N / unit.length));

const ADVERSARIAL: [string, string][] = [
  ["unclosed MDX comments", repeat("{/* ")],
  ["unclosed HTML comments", repeat("<!-- ")],
  ["links without a closing parenthesis", repeat("[a](")],
  ["images without a closing bracket", repeat("![")],
  ["images without a closing parenthesis", repeat("![a](")],
  ["open brackets", repeat("[")],
  ["reference links without a closing bracket", repeat("[a][")],
  ["lines that start a link definition", repeat("[x\n")],
  ["a tag that never closes, then spaces", `<a${" ".repeat(N)}`],
  ["nested parentheses in a link", `[a](${repeat("(x")}`],
  ["a line of spaces", `${" ".repeat(N)}x\n`],
  ["a table separator with trailing spaces", `|--${" ".repeat(N)}x\n`],
  ["a long would-be rule", `${repeat("- ")}x\n`],
  ["emphasis markers", repeat("*a ")],
];

describe("stripMdx: linear on any text", () => {
  for (const [name, text] of ADVERSARIAL) {
    it(`${name}: returns the text's words`, () => expect(typeof stripMdx(text)).toBe("string"), GUARD);
  }

  it(
    "an unclosed comment keeps the text after it, and closed ones before it are still cut",
    () => {
      const text = `before {/* hidden */} middle <!-- gone --> after {/* unclosed ${"word ".repeat(20_000)}`;
      const plain = stripMdx(text);
      expect(plain.startsWith("before middle after {/")).toBe(true);
      expect(plain).toMatch(/ unclosed word word /);
      expect(plain).not.toMatch(/hidden|gone/);
    },
    GUARD,
  );
});

describe("stripMdx: what it keeps", () => {
  it("keeps link and image text, drops destinations, tags, comments and expressions", () => {
    const text = [
      "# Checkout *outage*",
      "",
      "See [the runbook](https://x.test/a_(b)) and ![a graph](/g.png) and [ref text][1].",
      "",
      "[1]: https://x.test/ref",
      "",
      '<Callout type="note">Paged {/* reviewer */} at <kbd>09:02</kbd> {props.x}</Callout>',
      "",
      "| a | b |",
      "| --- | :--: |",
      "| 1 | 2 |",
      "<!-- note -->",
    ].join("\n");
    expect(stripMdx(text)).toBe("Checkout outage See the runbook and a graph and ref text. Paged at 09:02 a b 1 2");
  });
});
