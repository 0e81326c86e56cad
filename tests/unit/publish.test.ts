import { describe, expect, it } from "vitest";
import { configSection, kaizenConfigOf } from "../../lib/content/kaizen-config";
import { ContentStore } from "../../lib/content/store";
import { compileMdx } from "../../lib/mdx/compile";
import { checkMdx } from "../../lib/mdx/validate";
import { findRedactions, redactionProblems, type RedactionContext } from "../../lib/lint/redaction";
import { isPublic, publicBody, publicVersion } from "../../lib/publish/public-version";
import { incidentSchema } from "../../lib/schema/incident";
import { formatProblem } from "../../lib/schema/problems";
import { fixtureFiles, PUBLIC_INCIDENT, repoWith } from "./publish-fixtures";

async function fixtureSnapshot() {
  const root = await repoWith(fixtureFiles());
  const snap = await new ContentStore(root).snapshot();
  expect(snap.broken.map((b) => b.problems)).toEqual([]);
  return snap;
}

describe("schema: publish and internal", () => {
  it("accepts publish: public and internal: true on timeline rows, factor entries and countermeasures", async () => {
    const snap = await fixtureSnapshot();
    const fm = snap.byId.get("public-one");
    expect(fm?.ok && fm.frontmatter.publish).toBe("public");
    expect(fm?.ok && fm.frontmatter.timeline[1]?.internal).toBe(true);
  });

  it("refuses publish: public on a restricted incident", () => {
    const r = incidentSchema.safeParse({ title: "x", status: "published", severity: "SEV1", visibility: "restricted", groups: ["sec"], publish: "public" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toContain("publish");
  });

  it("allows <Internal> only as a block", () => {
    expect(checkMdx("<Internal>\nhidden\n</Internal>\n")).toEqual([]);
    expect(checkMdx("Text <Internal>hidden</Internal> more.\n")[0]?.message).toMatch(/<Internal> must start on its own line/);
  });

  it("renders <Internal> internally as a marked block", () => {
    const { hast, problems } = compileMdx("<Internal>\nonly for us\n</Internal>\n");
    expect(problems).toEqual([]);
    expect(JSON.stringify(hast)).toContain('"tagName":"Internal"');
  });
});

describe("publicVersion", () => {
  it("removes every internal construct and keeps the rest", async () => {
    const snap = await fixtureSnapshot();
    const doc = snap.incidents.find((i) => i.id === "public-one")!;
    const pub = publicVersion(doc, (id) => id === "other-public" || id === "public-one");
    const all = JSON.stringify(pub);
    for (const secret of ["SECRET-TIMELINE", "SECRET-FACTOR", "SECRET-COUNTERMEASURE", "SECRET-BLOCK", "SECRET-NESTED", "SECRET-IN-CALLOUT"]) expect(all).not.toContain(secret);
    expect(pub.frontmatter.timeline.map((e) => e.event)).toEqual(["Config push starts.", "Rolled back."]);
    expect(pub.frontmatter.contributing_factors.map((f) => f.factor)).toEqual(["bad-config-push"]);
    expect(pub.frontmatter.countermeasures.map((c) => c.id)).toEqual(["cm-1"]);
    // The kept countermeasure no longer names the internal factor entry, its owner or its ticket.
    expect(pub.frontmatter.countermeasures[0]).toMatchObject({ addresses: ["bad-config-push"], owner: "", ticket: undefined });
    expect(pub.frontmatter.authors).toEqual([]);
    expect(pub.body).toContain("Public callout text.");
    expect(pub.body).toContain("A push went everywhere.");
    expect(checkMdx(pub.body)).toEqual([]);
  });

  it("keeps the text of a link to a restricted or non-public incident and drops its target", async () => {
    const snap = await fixtureSnapshot();
    const doc = snap.incidents.find((i) => i.id === "public-one")!;
    const body = publicVersion(doc, (id) => id === "other-public").body;
    expect(body).toContain("caused the earlier outage, and");
    expect(body).not.toContain("restricted-one");
    expect(body).not.toContain("internal-only");
    expect(body).toContain("See also the report.");
    expect(body).toContain("[near miss](/incidents/other-public)");
  });

  it("strips nested blocks wherever they stand (list items, callouts, block quotes)", () => {
    const body = "- item\n\n  <Internal>\n  SECRET-LIST\n  </Internal>\n\n> quote\n>\n> <Internal>\n> SECRET-QUOTE\n> </Internal>\n\n<Callout>\n<Internal>\n<Callout>\nSECRET-DEEP\n</Callout>\n</Internal>\n</Callout>\n";
    expect(checkMdx(body)).toEqual([]);
    const out = publicBody(body, () => false);
    expect(out).not.toMatch(/SECRET|Internal/);
    expect(out).toContain("- item");
    expect(out).toContain("> quote");
  });

  it("publishes only published, public, unrestricted incidents", async () => {
    const snap = await fixtureSnapshot();
    expect(snap.incidents.filter(isPublic).map((i) => i.id).sort()).toEqual(["other-public", "public-one"]);
    const draft = snap.incidents.find((i) => i.id === "public-one")!;
    expect(isPublic({ frontmatter: { ...draft.frontmatter, status: "draft" } })).toBe(false);
    expect(isPublic({ frontmatter: { ...draft.frontmatter, visibility: "restricted" } })).toBe(false);
  });
});

describe("redaction lint", () => {
  const ctx: RedactionContext = {
    redact: { terms: ["Project Atlas"], hosts: ["*.lumen.net", "git.example.org"], github_orgs: ["lumen-corp"] },
    people: ["ana.lima@corp.example", "bo-chen"],
    nonPublicIds: ["restricted-one"],
  };
  const messages = (text: string) => findRedactions(text, ctx).map((f) => f.message);

  it("finds e-mail addresses, internal hosts and private IPs", () => {
    expect(messages("write to ops@lumen.io")).toEqual(["e-mail address ops@lumen.io"]);
    expect(messages("db-1.prod.internal and build.corp and printer.local")).toEqual([
      "internal host name db-1.prod.internal",
      "internal host name build.corp",
      "internal host name printer.local",
    ]);
    expect(messages("10.0.3.4, 172.20.1.1, 192.168.0.10 and 8.8.8.8 and 172.32.0.1")).toEqual([
      "internal IP address 10.0.3.4",
      "internal IP address 172.20.1.1",
      "internal IP address 192.168.0.10",
    ]);
    expect(messages("api.lumen.net and git.example.org")).toEqual(["internal host name api.lumen.net", "internal host name git.example.org"]);
  });

  it("finds ticket URLs: Jira, Linear, issue keys and private GitHub organisations", () => {
    expect(messages("https://lumen.atlassian.net/browse/OPS-12")).toEqual(["ticket URL https://lumen.atlassian.net/browse/OPS-12: link to a public write-up instead"]);
    expect(messages("https://linear.app/lumen/issue/ENG-9")[0]).toMatch(/^ticket URL/);
    expect(messages("https://tracker.example.com/PAY-1502.")[0]).toBe("ticket URL https://tracker.example.com/PAY-1502: link to a public write-up instead");
    expect(messages("https://github.com/lumen-corp/api/issues/7")[0]).toMatch(/private GitHub organisation lumen-corp/);
    expect(messages("https://github.com/nodejs/node/issues/7")).toEqual([]);
  });

  it("finds people, redact terms and non-public incident ids", () => {
    expect(messages("Ana Lima rolled back; ana.lima agreed; ping @bo-chen")).toEqual([
      "names a person (Ana Lima): public post-mortems describe roles, not people",
      "names a person (ana.lima): public post-mortems describe roles, not people",
      "names a person (@bo-chen): public post-mortems describe roles, not people",
    ]);
    expect(messages("the project atlas migration")).toEqual(['"project atlas" is on the redact list in kaizen.yml']);
    expect(messages("see restricted-one")).toEqual(["names incident restricted-one, which is not public"]);
    expect(messages("The on-call engineer rolled back the config at 10.5 minutes.")).toEqual([]);
  });

  it("reports file:line:col field message for public text only, never for internal blocks and rows", async () => {
    const raw = PUBLIC_INCIDENT.replace("A push went everywhere.", "A push from build.corp went everywhere.")
      .replace("SECRET-BLOCK the vendor's", "SECRET-BLOCK ops@corp.example, the vendor's")
      .replace("Config push starts.", "Config push starts from 10.1.2.3.");
    const root = await repoWith({ "incidents/public-one.mdx": raw });
    const doc = (await new ContentStore(root).snapshot()).incidents[0]!;
    const lines = redactionProblems(doc.path, raw, doc.frontmatter, { ...ctx, nonPublicIds: ["restricted-one", "internal-only"] }).map(formatProblem);
    const lineOf = (s: string) => raw.split("\n").findIndex((l) => l.includes(s)) + 1;
    const colOf = (s: string, sub: string) => (raw.split("\n")[lineOf(s) - 1] ?? "").indexOf(sub) + 1;
    expect(lines).toEqual([
      `incidents/public-one.mdx:${lineOf("Config push starts")}:${colOf("Config push starts", "10.1.2.3")}  timeline[0].event  internal IP address 10.1.2.3`,
      `incidents/public-one.mdx:${lineOf("build.corp")}:${colOf("build.corp", "build.corp")}  body  internal host name build.corp`,
      `incidents/public-one.mdx:${lineOf("restricted-one")}:${colOf("restricted-one", "restricted-one")}  body  names incident restricted-one, which is not public`,
      `incidents/public-one.mdx:${lineOf("[old]:")}:${colOf("[old]:", "internal-only")}  body  names incident internal-only, which is not public`,
    ]);
  });
});

const parsePolicy = (raw: string | null) => configSection(kaizenConfigOf(raw), "redact");

describe("kaizen.yml policy", () => {
  it("reads redact as a list or a mapping; other sections do not disturb it", () => {
    expect(parsePolicy("redact: [Project Atlas]\nfollowups: { due_days: { SEV1: 14 } }\n")).toEqual({
      policy: { terms: ["Project Atlas"], hosts: [], github_orgs: [] },
      problems: [],
    });
    expect(parsePolicy("redact:\n  terms: [Atlas]\n  hosts: ['*.corp']\n").policy).toEqual({ terms: ["Atlas"], hosts: ["*.corp"], github_orgs: [] });
    expect(parsePolicy(null).policy.terms).toEqual([]);
  });

  it("reports a bad redact entry with its place", () => {
    const { problems } = parsePolicy("# policy\nredact:\n  terms: [Atlas]\n  hostz: [x]\n");
    expect(problems.map(formatProblem)).toEqual(["kaizen.yml:2:1  redact  unknown field(s): hostz"]);
  });
});
