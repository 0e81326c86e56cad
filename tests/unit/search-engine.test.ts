import { describe, expect, it } from "vitest";
import { buildSearchIndex } from "../../lib/search/build";
import { deserializeIndex, serializeIndex } from "../../lib/search/persist";
import { search } from "../../lib/search/search";
import type { SearchIndex } from "../../lib/search/search-index";
import { segmentsToHtml, segmentsToText } from "../../lib/search/snippet";
import { FIXTURE, sdoc } from "./search-fixtures";

const index = buildSearchIndex(FIXTURE, new Map([["config-push", "config-push"], ["unvalidated-config-push", "config-push"]]));
const ids = (q: string, opts = {}) => search(index, q, opts).results.map((r) => r.id);

describe("search", () => {
  it("finds identifiers by their whole and by their parts", () => {
    expect(ids("us-east-1")[0]).toBe("dns-outage");
    expect(ids("useast1")[0]).toBe("dns-outage");
    expect(ids("OOMKilled")[0]).toBe("dns-outage");
    expect(ids("killed")).toContain("dns-outage");
    expect(ids("CVE-2024-1234")[0]).toBe("dns-outage");
    expect(ids("5xx")[0]).toBe("dns-outage");
    expect(ids("HTTP/3")[0]).toBe("http3-hang");
    expect(ids("http3")[0]).toBe("http3-hang");
  });

  it("finds CJK text", () => {
    expect(ids("数据库")[0]).toBe("cjk");
    expect(ids("故障")[0]).toBe("cjk");
  });

  it("tolerates a typo and says what it matched", () => {
    const r = search(index, "certificat expird");
    expect(r.results[0]?.id).toBe("cert-expiry");
    expect(search(index, "failovr").results[0]?.id).toBe("db-failover");
  });

  it("finds a word with two typos, one in each half", () => {
    const k8s = buildSearchIndex([sdoc("k8s", { title: "Kubernetes upgrade broke pod networking" }), sdoc("other", { title: "Kubelet restart loop" })], new Map());
    const r = search(k8s, "kubrnetis");
    expect(r.results.map((x) => x.id)).toEqual(["k8s"]);
    expect(r.didYouMean).toContain("kubernetes");
  });

  it("matches a prefix while typing", () => {
    expect(ids("asynchr", { prefixLast: true })).toEqual(["db-failover"]);
    expect(ids("asynchr")).toEqual([]);
    expect(ids("certif*")).toEqual(["cert-expiry"]);
  });

  it("requires an exact phrase", () => {
    expect(ids('"committed transactions"')).toEqual(["db-failover"]);
    expect(ids('"transactions committed"')).toEqual([]);
  });

  it("matches phrases next to and inside compounds", () => {
    expect(ids('"in us-east-1"')).toEqual(["dns-outage"]);
    expect(ids('"east 1 returned"')).toEqual(["dns-outage"]);
    expect(ids('"us-east-1 returned"')).toEqual(["dns-outage"]);
    expect(ids('"east returned"')).toEqual([]);
  });

  it("excludes a phrase", () => {
    expect(ids("database")).toContain("db-failover");
    expect(ids('database -"committed writes"')).not.toContain("db-failover");
    expect(ids('database -"writes committed"')).toContain("db-failover");
  });

  it("excludes a word", () => {
    expect(ids("database")).toContain("cert-expiry");
    expect(ids("database -certificate")).not.toContain("cert-expiry");
  });

  it("applies each filter", () => {
    expect(ids("severity:SEV1").sort()).toEqual(["db-failover", "dns-outage"]);
    expect(ids("status:in-review")).toEqual(["db-failover"]);
    expect(ids("kind:near-miss")).toEqual(["cjk"]);
    expect(ids("service:payments-gateway")).toEqual(["cert-expiry"]);
    expect(ids("team:NETWORK")).toEqual(["dns-outage"]);
    expect(ids("tag:http3")).toEqual(["http3-hang"]);
    expect(ids("factor:unvalidated-config-push")).toEqual(["dns-outage"]);
    expect(ids("after:2024-01-01").sort()).toEqual(["cert-expiry", "dns-outage"]);
    expect(ids("before:2023-01-01")).toEqual(["http3-hang"]);
    expect(ids("database severity:SEV1")).toEqual(["db-failover"]);
  });

  it("reports an unknown factor and returns nothing", () => {
    const r = search(index, "factor:no-such-factor");
    expect(r.total).toBe(0);
    expect(r.errors[0]).toMatch(/unknown factor/);
  });

  it("returns parse errors instead of throwing", () => {
    const r = search(index, "colour:red");
    expect(r.errors[0]).toMatch(/unknown filter/);
    expect(r.results).toEqual([]);
  });

  it("lists the most frequent facet values, counted over every match", () => {
    const ix = buildSearchIndex(Array.from({ length: 30 }, (_, i) => sdoc(`t${i}`, { title: "Disk alert", tags: [`tag-${i}`, ...(i < 20 ? ["common"] : []), ...(i < 5 ? ["rarer"] : [])] })));
    const r = search(ix, "disk", { facetLimit: 3 });
    expect(r.total).toBe(30);
    expect(Object.keys(r.facets.tag)).toHaveLength(3);
    expect(r.facets.tag.common).toBe(20);
    expect(r.facets.tag.rarer).toBe(5);
    expect(Object.keys(search(ix, "disk").facets.tag)).toHaveLength(32);
  });

  it("counts facets over every match, not just the page", () => {
    const r = search(index, "database", { limit: 1 });
    expect(r.results).toHaveLength(1);
    expect(r.total).toBe(3);
    expect(r.facets.severity).toEqual({ SEV1: 1, SEV2: 1, SEV3: 1 });
    expect(r.facets.tag.database).toBe(2);
  });

  it("suggests a correction when nothing matches", () => {
    const r = search(index, "certifcate");
    expect(r.didYouMean).toBe("certificate");
    const none = search(index, "zzzqqq");
    expect(none.total).toBe(0);
    expect(none.didYouMean).toBeUndefined();
  });

  it("ranks a title match above a body mention and breaks ties by recency", () => {
    const ix = buildSearchIndex([
      sdoc("old", { title: "Disk full", startedAt: "2020-01-01T00:00:00Z" }),
      sdoc("new", { title: "Disk full", startedAt: "2024-01-01T00:00:00Z" }),
      sdoc("body", { title: "Other", text: "the disk was full", startedAt: "2025-01-01T00:00:00Z" }),
    ]);
    expect(search(ix, "disk full").results.map((r) => r.id)).toEqual(["new", "old", "body"]);
  });
});

describe("snippets", () => {
  it("escapes HTML in content and marks only the hits", () => {
    const r = search(index, "script alert");
    const hit = r.results.find((x) => x.id === "cert-expiry");
    expect(hit).toBeDefined();
    const html = segmentsToHtml(hit?.snippet ?? []);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;<mark>script</mark>&gt;");
    expect(html.replace(/<\/?mark>/g, "")).not.toMatch(/<|>/);
    expect(hit?.snippet.some((s) => s.hit && s.text === "script")).toBe(true);
    expect(segmentsToText(hit?.snippet ?? [])).toContain("<script>alert(1)</script>");
  });

  it("highlights matches in the title", () => {
    const r = search(index, "certificate");
    expect(r.results[0]?.titleSegments).toContainEqual({ text: "certificate", hit: true });
  });

  it("highlights compounds in the title as the analyzer splits them, also after a round trip and a compaction", () => {
    const docs = [
      sdoc("oom", { title: "OOMKilled pods in us-east-1 after the HTTP/3 rollout", text: "memory" }),
      sdoc("other", { title: "Killed jobs", text: "memory" }),
    ];
    const built = buildSearchIndex(docs);
    const title = (ix: SearchIndex, q: string) => segmentsToHtml(search(ix, q).results.find((r) => r.id === "oom")?.titleSegments ?? []);
    expect(title(built, "killed")).toBe("OOM<mark>Killed</mark> pods in us-east-1 after the HTTP/3 rollout");
    expect(title(built, "oomkilled")).toBe("<mark>OOMKilled</mark> pods in us-east-1 after the HTTP/3 rollout");
    expect(title(built, "us-east-1 http3")).toBe("OOMKilled pods in <mark>us-east-1</mark> after the <mark>HTTP/3</mark> rollout");
    expect(title(built, "east rollouts")).toBe("OOMKilled pods in us-<mark>east</mark>-1 after the HTTP/3 <mark>rollout</mark>");
    const loaded = deserializeIndex(serializeIndex(built, "r"))?.index;
    if (!loaded) throw new Error("round trip failed");
    built.add(sdoc("other", { title: "Killed jobs again", text: "memory" }));
    built.compact();
    for (const ix of [loaded, built]) {
      expect(title(ix, "killed")).toBe("OOM<mark>Killed</mark> pods in us-east-1 after the HTTP/3 rollout");
      expect(title(ix, "us-east-1 http3")).toBe("OOMKilled pods in <mark>us-east-1</mark> after the <mark>HTTP/3</mark> rollout");
      expect(title(ix, "east rollouts")).toBe("OOMKilled pods in us-<mark>east</mark>-1 after the HTTP/3 <mark>rollout</mark>");
    }
  });
});

describe("pagination", () => {
  const many = buildSearchIndex(Array.from({ length: 57 }, (_, i) => sdoc(`d${i}`, { title: `Disk alert ${i}`, text: i % 3 === 0 ? "disk disk disk" : "disk", startedAt: new Date(Date.UTC(2020, 0, 1 + i)).toISOString() })));

  it("never returns more than the limit and pages are disjoint and complete", () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 70; offset += 10) {
      const r = search(many, "disk", { limit: 10, offset });
      expect(r.results.length).toBeLessThanOrEqual(10);
      expect(r.total).toBe(57);
      seen.push(...r.results.map((x) => x.id));
    }
    expect(seen).toHaveLength(57);
    expect(new Set(seen).size).toBe(57);
    expect(seen).toEqual(search(many, "disk", { limit: 100 }).results.map((r) => r.id));
  });

  it("returns nothing past the end and nothing for limit 0", () => {
    expect(search(many, "disk", { offset: 100 }).results).toEqual([]);
    expect(search(many, "disk", { limit: 0 }).results).toEqual([]);
  });
});

describe("restricted incidents", () => {
  const hidden = new Set(["db-failover"]);
  const outsider = (id: string) => !hidden.has(id);

  it("are dropped before totals and facets for a viewer who may not see them", () => {
    const r = search(index, "database", { canSee: outsider });
    expect(r.results.map((x) => x.id)).not.toContain("db-failover");
    expect(r.total).toBe(2);
    expect(r.facets.severity.SEV1).toBeUndefined();
    expect(r.facets.tag.failover).toBeUndefined();
    expect(search(index, "severity:SEV1", { canSee: outsider }).total).toBe(1);
  });

  it("are included for a viewer who may see them", () => {
    const r = search(index, "database", { canSee: () => true });
    expect(r.total).toBe(3);
    expect(r.facets.severity.SEV1).toBe(1);
  });
});
