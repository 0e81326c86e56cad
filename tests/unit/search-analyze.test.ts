import { describe, expect, it } from "vitest";
import { tokenize } from "../../lib/text/analyze";
import { stripMdx } from "../../lib/search/text";

const terms = (s: string) => tokenize(s).map((t) => t.term);

describe("tokenize", () => {
  it.each([
    ["us-east-1", ["us", "east", "1", "useast1"]],
    ["CVE-2024-1234", ["cve", "2024", "1234", "cve20241234"]],
    ["5xx", ["5", "xx", "5xx"]],
    ["http3", ["http", "3", "http3"]],
    ["HTTP/3", ["http", "3", "http3"]],
  ])("keeps %s whole and its parts", (input, expected) => {
    expect(terms(input)).toEqual(expected);
  });

  it("splits OOMKilled at the case change and keeps the whole", () => {
    const t = terms("OOMKilled");
    expect(t).toContain("oom");
    expect(t).toContain("kill");
    expect(t).toContain("oomkill");
  });

  it("gives http3 and HTTP/3 the same whole term", () => {
    const whole = (s: string) => tokenize(s).find((t) => !t.seq)?.term;
    expect(whole("http3")).toBe(whole("HTTP/3"));
  });

  it("indexes CJK text as character bigrams", () => {
    expect(terms("数据库故障")).toEqual(["数据", "据库", "库故", "故障"]);
  });

  it("stems inflections to one term", () => {
    expect(new Set(terms("connections connected connecting connection")).size).toBe(1);
    expect(new Set(terms("failed failing fails")).size).toBe(1);
  });

  it("joins -ation and -ization nouns with their verbs", () => {
    expect(new Set(terms("configured configure configuration configurations")).size).toBe(1);
    expect(new Set(terms("expired expire expiration")).size).toBe(1);
    expect(new Set(terms("degraded degradation")).size).toBe(1);
    expect(new Set(terms("authorized authorization")).size).toBe(1);
    expect(new Set(terms("misconfigured misconfiguration")).size).toBe(1);
    // Short stems stay apart: a format is not a form.
    expect(terms("format")).not.toEqual(terms("form"));
  });

  it("reports offsets into the original text", () => {
    const text = "the us-east-1 region";
    for (const t of tokenize(text)) expect(text.slice(t.start, t.end).toLowerCase().replace(/-/g, "")).toBe(t.surface);
  });
});

describe("stripMdx", () => {
  it("drops frontmatter, JSX tags, expressions and markdown syntax but keeps the words", () => {
    const mdx = `---\ntitle: x\n---\n\n## What happened\n\n<Callout type="warning">The **primary** went _down_.</Callout>\n\n{/* note */}\n- see [the runbook](https://example.com/r)\n\n\`\`\`sh\nkubectl get pods\n\`\`\`\n\nA stops_v2 field.`;
    const text = stripMdx(mdx);
    expect(text).toBe("What happened The primary went down. see the runbook kubectl get pods A stops_v2 field.");
  });
});
