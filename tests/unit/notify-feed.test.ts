import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, findUser } from "../../lib/auth/users";
import { incidentsToAtom, xmlEscape } from "../../lib/notify/atom";
import { incidentsFeed } from "../../lib/notify/feed";
import { incidentSchema } from "../../lib/schema/incident";
import { removeTempDirs, tempDir } from "../fixtures/git-repo";
import { incidentText, makeContentRepo } from "./notify-fixtures";

const BASE = "https://kaizen.example.com";
const saved = { content: process.env.KAIZEN_CONTENT_DIR, data: process.env.KAIZEN_DATA_DIR };

/**
 * A small well-formedness check (no XML parser is a dependency): every tag closes in order, and text and attribute
 * values hold no raw `<` or stray `&`.
 */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, "");
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    expect(text, `raw markup in text before ${m[0]}`).not.toMatch(/<|&(?!(amp|lt|gt|quot|apos);)/);
    for (const v of (m[3] ?? "").matchAll(/="([^"]*)"/g)) expect(v[1]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (m[1]) expect(stack.pop(), `closing </${m[2]}>`).toBe(m[2]);
    else if (!m[4]) stack.push(m[2] ?? "");
    last = m.index + m[0].length;
  }
  expect(body.slice(last).trim()).toBe("");
  expect(stack).toEqual([]);
}

afterAll(async () => {
  for (const [k, v] of [["KAIZEN_CONTENT_DIR", saved.content], ["KAIZEN_DATA_DIR", saved.data]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await removeTempDirs();
});

describe("Atom document", () => {
  const inc = (id: string, fm: Record<string, unknown>) => ({ id, frontmatter: incidentSchema.parse({ title: `Incident ${id}`, status: "published", severity: "SEV2", ...fm }) });

  it("is well-formed Atom 1.0 with every content string escaped as text", () => {
    const xml = incidentsToAtom(
      [
        inc("a", { title: `<script>alert("x")</script> & 'co'`, summary: "]]> <b>bold</b> \u0007bell", started_at: "2026-03-01T10:00:00Z", resolved_at: "2026-03-01T12:00:00Z", teams: ["a&b"], authors: ["ana <ana@x.example>"] }),
        inc("b", { started_at: "2026-02-01T10:00:00+02:00" }),
      ],
      { baseUrl: `${BASE}/` },
    );
    assertWellFormed(xml);
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(xml).toContain('<title type="text">[SEV2] &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;co&apos;</title>');
    expect(xml).toContain('<summary type="text">]]&gt; &lt;b&gt;bold&lt;/b&gt; \uFFFDbell</summary>');
    expect(xml).toContain("<id>https://kaizen.example.com/incidents/a</id>");
    expect(xml).toContain("<updated>2026-03-01T12:00:00.000Z</updated>");
    expect(xml).toContain("<published>2026-02-01T08:00:00.000Z</published>");
    // Newest first; the feed is as new as its newest entry.
    expect(xml.indexOf("/incidents/a<")).toBeLessThan(xml.indexOf("/incidents/b<"));
    expect(xml.split("<entry>")[0]).toContain("<updated>2026-03-01T12:00:00.000Z</updated>");
  });

  it("lists only published, dated incidents, at most `limit`", () => {
    const xml = incidentsToAtom(
      [inc("draft", { status: "draft", started_at: "2026-03-01T10:00:00Z" }), inc("undated", {}), ...[1, 2, 3].map((n) => inc(`p${n}`, { started_at: `2026-0${n}-01T10:00:00Z` }))],
      { baseUrl: BASE, limit: 2 },
    );
    expect([...xml.matchAll(/<entry>/g)]).toHaveLength(2);
    expect(xml).toContain("/incidents/p3<");
    expect(xml).not.toMatch(/incidents\/(draft|undated|p1)</);
  });

  it("escapes the five XML specials", () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  });
});

describe("the per-user feed", () => {
  beforeAll(async () => {
    const { root } = await makeContentRepo({
      "open-outage": incidentText("Open outage", ["started_at: 2026-03-01T10:00:00Z", "summary: Everyone may read this."]),
      "vault-leak": incidentText("Vault token exposure", ["started_at: 2026-03-02T10:00:00Z", "visibility: restricted", "groups: [security]", "summary: Secret things."]),
      "half-written": incidentText("Half written", ["status: draft", "started_at: 2026-03-03T10:00:00Z"]),
    });
    process.env.KAIZEN_CONTENT_DIR = root;
    process.env.KAIZEN_DATA_DIR = await tempDir("kaizen-feed-data-");
    await addUser({ username: "rae", role: "reader", password: "correct horse battery" });
    await addUser({ username: "sam", role: "reader", groups: ["security"], password: "correct horse battery" });
  });

  const tokenOf = async (u: string) => (await findUser(u))?.feedToken ?? "";

  it("a restricted incident is absent for a user outside its groups", async () => {
    const xml = await incidentsFeed(await tokenOf("rae"), BASE);
    expect(xml).toContain("Open outage");
    expect(xml).not.toMatch(/Vault|vault-leak|Secret things/);
    expect(xml).not.toContain("Half written");
  });

  it("and present for a user inside them", async () => {
    const xml = await incidentsFeed(await tokenOf("sam"), BASE);
    expect(xml).toContain("[SEV2] Vault token exposure");
    expect(xml).toContain("Open outage");
  });

  it("an unknown token gets nothing", async () => {
    expect(await incidentsFeed("not-a-token", BASE)).toBeNull();
    expect(await incidentsFeed("", BASE)).toBeNull();
  });
});
