import FlexSearch from "flexsearch";
import type { Nodes as HastNodes } from "hast";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { canRead, type Viewer } from "../auth/viewer";
import type { IncidentDoc } from "../content/store";
import { startedAt } from "../knowledge/facts";
import type { Taxonomy } from "../schema/taxonomy";
import { compileMdx } from "../mdx/compile";
import { MdxContent } from "../mdx/render";
import { isPublic, publicVersion } from "../publish/public-version";
import { rewriteLinks } from "../mdx/links";
import { exportHref, sitePath } from "./links";
import { FactorPage, FactorsPage, IncidentPage, IndexPage, type FactorPageView, type IncidentView, type SiteMeta } from "./pages";
import { stripInline } from "../mdx/inline";

/** Who an export is for: the public (public versions of published incidents) or one viewer (what they may read). */
export type ExportAudience = { kind: "public" } | { kind: "internal"; viewer: Viewer; label: string };

/** Static files the site needs besides its pages (read from the project by siteAssets). */
export interface SiteAssets {
  css: string;
  flexsearch: string;
  flexsearchLicense: string;
  searchScript: string;
}

export interface BuiltSite {
  /** Path relative to the export directory → file content. */
  files: Map<string, string>;
  /** Ids of the exported incidents, newest first. */
  incidents: string[];
  /** Incidents the audience may read that could not be exported (body does not compile), with the reason. */
  skipped: { id: string; reason: string }[];
}

/**
 * The same options build the index at export time and in the browser (assets/search.js reads them from
 * search-index.js), so an imported index answers exactly as the one that was exported.
 */
export const SEARCH_OPTIONS = {
  tokenize: "forward" as const,
  encoder: "LatinBalance" as const,
  document: { id: "id", index: ["title", "summary", "text"] },
};

/** The incidents an audience gets, each as that audience reads it. Restricted ones reach an internal export only. */
export function selectIncidents(incidents: readonly IncidentDoc[], audience: ExportAudience): { id: string; frontmatter: IncidentDoc["frontmatter"]; body: string }[] {
  if (audience.kind === "public") {
    const published = incidents.filter(isPublic);
    const ids = new Set(published.map((i) => i.id));
    return published.map((i) => publicVersion(i, (id) => ids.has(id)));
  }
  return incidents.filter((i) => canRead(audience.viewer, i.frontmatter)).map((i) => ({ id: i.id, frontmatter: i.frontmatter, body: i.body }));
}

function newestFirst(a: { frontmatter: IncidentDoc["frontmatter"] }, b: { frontmatter: IncidentDoc["frontmatter"] }): number {
  return (startedAt(b) ?? "").localeCompare(startedAt(a) ?? "");
}

function textOf(node: HastNodes): string {
  if (node.type === "text") return node.value;
  if ("children" in node) return node.children.map(textOf).join(node.type === "root" || (node.type === "element" && /^(p|li|h\d|pre|div|aside|section|td|th)$/.test(node.tagName)) ? " " : "");
  return "";
}

function html(element: ReactElement): string {
  return `<!DOCTYPE html>\n${renderToStaticMarkup(element)}\n`;
}

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON safe inside a classic <script> file (no `</script>`, no U+2028 surprises). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * Builds the whole static site in memory: index, one page per incident and per factor, an Atom feed, the search index
 * and the assets. Pure apart from rendering; writeSite puts it on disk.
 */
export function buildSite(input: { incidents: readonly IncidentDoc[]; taxonomy: Taxonomy }, audience: ExportAudience, assets: SiteAssets, options: { title?: string; now?: Date } = {}): BuiltSite {
  const now = options.now ?? new Date();
  const meta: SiteMeta = {
    title: options.title ?? (audience.kind === "public" ? "Engineering post-mortems" : "Post-mortems (internal)"),
    mode: audience.kind,
    audience: audience.kind === "internal" ? audience.label : undefined,
    generatedAt: now.toISOString(),
  };
  const skipped: BuiltSite["skipped"] = [];
  const selected = selectIncidents(input.incidents, audience).sort(newestFirst);
  const compiled = selected.flatMap((inc) => {
    const c = compileMdx(inc.body);
    if (c.problems.length > 0) {
      skipped.push({ id: inc.id, reason: c.problems[0]?.message ?? "body does not compile" });
      return [];
    }
    return [{ ...inc, compiled: c }];
  });
  const exported = new Set(compiled.map((i) => i.id));
  const canonical = (id: string) => input.taxonomy.canonicalId(id) ?? id;
  const factorIds = new Set(compiled.flatMap((i) => i.frontmatter.contributing_factors.map((f) => canonical(f.factor))));
  const has = { incident: (id: string) => exported.has(id), factor: (id: string) => factorIds.has(canonical(id)) };
  const categoryName = (id: string) => input.taxonomy.categories.find((c) => c.id === id)?.name ?? id;

  const views: IncidentView[] = compiled.map((inc) => ({
    id: inc.id,
    frontmatter: inc.frontmatter,
    hast: rewriteLinks(inc.compiled.hast, (href) => exportHref(href, 1, has)),
    toc: inc.compiled.toc,
    factors: inc.frontmatter.contributing_factors.map((ref) => {
      const id = canonical(ref.factor);
      const f = input.taxonomy.get(id);
      return { id, name: f?.name ?? id, category: f ? categoryName(f.category) : "", note: ref.note, internal: ref.internal };
    }),
  }));

  const factorPages: FactorPageView[] = [...factorIds].sort().map((id) => {
    const f = input.taxonomy.get(id);
    return {
      id,
      name: f?.name ?? id,
      category: f ? categoryName(f.category) : "Other",
      description: f?.description ?? "",
      incidents: views.filter((v) => v.factors.some((x) => x.id === id)),
    };
  });

  const files = new Map<string, string>();
  files.set(sitePath.index(), html(<IndexPage meta={meta} incidents={views} factorCount={factorPages.length} />));
  for (const v of views) files.set(sitePath.incident(v.id), html(<IncidentPage meta={meta} incident={v} />));
  files.set(sitePath.factors(), html(<FactorsPage meta={meta} factors={factorPages} />));
  for (const f of factorPages) files.set(sitePath.factor(f.id), html(<FactorPage meta={meta} factor={f} />));
  files.set(sitePath.feed(), atomFeed(meta, compiled.map((c) => ({ ...c, hast: rewriteLinks(c.compiled.hast, (href) => exportHref(href, 0, has)) }))));
  files.set("assets/search-index.js", searchIndexScript(views));
  files.set("assets/kaizen.css", assets.css);
  files.set("assets/flexsearch.bundle.min.js", assets.flexsearch);
  files.set("assets/flexsearch.LICENSE.txt", assets.flexsearchLicense);
  files.set("assets/search.js", assets.searchScript);
  return { files, incidents: views.map((v) => v.id), skipped };
}

/** The search data: a flexsearch Document index exported at build time plus what results show and filter on. */
function searchIndexScript(views: IncidentView[]): string {
  const index = new FlexSearch.Document(SEARCH_OPTIONS);
  const docs = views.map((v, i) => {
    const fm = v.frontmatter;
    // Inline Markdown markers are not words: the site's snippets show the text a reader sees.
    const summary = stripInline(fm.summary);
    const text = [
      stripInline(fm.impact),
      ...fm.timeline.map((e) => stripInline(e.event)),
      ...v.factors.flatMap((f) => [f.name, stripInline(f.note ?? "")]),
      ...fm.countermeasures.map((c) => stripInline(c.title)),
      fm.services.join(" "),
      fm.teams.join(" "),
      fm.tags.join(" "),
      textOf(v.hast),
    ]
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    index.add({ id: i, title: fm.title, summary, text });
    return {
      url: sitePath.incident(v.id),
      title: fm.title,
      summary,
      date: startedAt(v) ?? "",
      severity: fm.severity ?? "",
      kind: fm.kind,
      status: fm.status,
      service: fm.services,
      team: fm.teams,
      tag: fm.tags,
      factor: v.factors.flatMap((f) => [f.id, f.name]),
      // Lowercased whole text: phrases and exclusions are checked on it, and snippets cut from it.
      text: `${fm.title} ${summary} ${text}`,
    };
  });
  const exportedIndex: Record<string, unknown> = {};
  // flexsearch 0.8 calls the handler synchronously for an in-memory index.
  void index.export((key: string, data: unknown) => {
    exportedIndex[key] = data;
  });
  return `// Generated by kaizen export: the search index of this site (read by search.js).\nwindow.KAIZEN_SEARCH = ${scriptJson({ options: SEARCH_OPTIONS, index: exportedIndex, docs })};\n`;
}

function atomFeed(meta: SiteMeta, incidents: { id: string; frontmatter: IncidentDoc["frontmatter"]; hast: import("hast").Root }[]): string {
  const updated = (fm: IncidentDoc["frontmatter"]) => fm.resolved_at ?? fm.mitigated_at ?? startedAt({ frontmatter: fm }) ?? meta.generatedAt;
  const newest = incidents.map((i) => updated(i.frontmatter)).sort().pop() ?? meta.generatedAt;
  const entries = incidents.map((i) => {
    const fm = i.frontmatter;
    const body = renderToStaticMarkup(<MdxContent hast={i.hast} />);
    return [
      "  <entry>",
      `    <title>${xml(fm.title)}</title>`,
      `    <id>urn:kaizen:incident:${xml(i.id)}</id>`,
      `    <link rel="alternate" type="text/html" href="${xml(sitePath.incident(i.id))}"/>`,
      `    <updated>${xml(new Date(updated(fm)).toISOString())}</updated>`,
      fm.started_at ? `    <published>${xml(new Date(fm.started_at).toISOString())}</published>` : "",
      `    <summary>${xml(stripInline(fm.summary))}</summary>`,
      `    <content type="html">${xml(body)}</content>`,
      "  </entry>",
    ]
      .filter(Boolean)
      .join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <title>${xml(meta.title)}</title>`,
    `  <id>urn:kaizen:export:${meta.mode}${meta.audience ? `:${xml(meta.audience.replace(/\s+/g, "-"))}` : ""}</id>`,
    `  <updated>${xml(new Date(newest).toISOString())}</updated>`,
    '  <link rel="self" type="application/atom+xml" href="feed.xml"/>',
    '  <link rel="alternate" type="text/html" href="index.html"/>',
    "  <generator>Kaizen</generator>",
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}
