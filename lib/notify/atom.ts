import { incidentUrl } from "../followups/csv";
import { startedAt } from "../knowledge/facts";
import type { KnowledgeIncident } from "../knowledge/incident-view";

// Characters XML 1.0 forbids anywhere (C0 controls other than tab, LF, CR; U+FFFE/U+FFFF; lone surrogates).
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an XML element or a double- or single-quoted attribute. */
export function xmlEscape(s: string): string {
  return s.replace(INVALID_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** When an entry last changed, as far as the frontmatter says: resolution, else mitigation, detection, start. */
export function entryUpdated(inc: KnowledgeIncident): string | null {
  const fm = inc.frontmatter;
  for (const v of [fm.resolved_at, fm.mitigated_at, fm.detected_at, startedAt(inc)]) {
    if (!v) continue;
    const t = Date.parse(v);
    if (Number.isFinite(t)) return new Date(t).toISOString();
  }
  return null;
}

export interface AtomOptions {
  baseUrl: string;
  title?: string;
  /** At most this many entries, newest first. */
  limit?: number;
}

/**
 * An Atom 1.0 feed of published post-mortems (the caller passes only what the reader may see). Everything from
 * content is escaped and sent as `type="text"`: a feed reader renders nothing of it as HTML. Undated incidents have
 * no `updated` to give and are left out.
 */
export function incidentsToAtom(incidents: readonly KnowledgeIncident[], options: AtomOptions): string {
  const base = options.baseUrl.replace(/\/+$/, "");
  const entries = incidents
    .filter((i) => i.frontmatter.status === "published")
    .flatMap((i) => {
      const updated = entryUpdated(i);
      return updated ? [{ inc: i, updated }] : [];
    })
    .sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : a.inc.id.localeCompare(b.inc.id)))
    .slice(0, options.limit ?? 50);
  const feedUpdated = entries[0]?.updated ?? new Date(0).toISOString();
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlEscape(`${base}/incidents`)}</id>`,
    `  <title type="text">${xmlEscape(options.title ?? "Kaizen post-mortems")}</title>`,
    `  <updated>${feedUpdated}</updated>`,
    `  <link rel="alternate" type="text/html" href="${xmlEscape(`${base}/incidents`)}"/>`,
    "  <author><name>Kaizen</name></author>",
    "  <generator>Kaizen</generator>",
  ];
  for (const { inc, updated } of entries) {
    const fm = inc.frontmatter;
    const url = incidentUrl(base, inc.id);
    const started = startedAt(inc);
    const published = started && Number.isFinite(Date.parse(started)) ? new Date(Date.parse(started)).toISOString() : null;
    const sev = fm.kind === "near-miss" ? "near miss" : fm.severity;
    out.push(
      "  <entry>",
      `    <id>${xmlEscape(url)}</id>`,
      `    <title type="text">${xmlEscape(sev ? `[${sev}] ${fm.title}` : fm.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>`,
      `    <updated>${updated}</updated>`,
      ...(published ? [`    <published>${published}</published>`] : []),
      ...fm.authors.map((a) => `    <author><name>${xmlEscape(a)}</name></author>`),
      ...[...(fm.severity ? [fm.severity] : []), ...fm.teams.map((t) => `team:${t}`), ...fm.services.map((s) => `service:${s}`)].map((t) => `    <category term="${xmlEscape(t)}"/>`),
      ...(fm.summary ? [`    <summary type="text">${xmlEscape(fm.summary)}</summary>`] : []),
      "  </entry>",
    );
  }
  out.push("</feed>", "");
  return out.join("\n");
}
