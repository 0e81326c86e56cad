// What the search index knows about one incident: plain records derived from the parsed file and the taxonomy.
import type { IncidentDoc } from "../content/store";
import { startedAt } from "../knowledge/facts";
import type { Taxonomy } from "../schema/taxonomy";
import { stripInline } from "../mdx/inline";
import { stripMdx } from "./text";

export interface SearchDoc {
  id: string;
  /** git blob id of the file it was built from; the incremental updater diffs on it. */
  blob: string;
  title: string;
  summary: string;
  /** The body as plain text (MDX stripped). */
  text: string;
  factorIds: string[];
  /** The notes explaining the incident's factors (the factors themselves are factorIds). */
  factorText: string;
  countermeasures: string;
  services: string[];
  teams: string[];
  tags: string[];
  company: string;
  severity: string | null;
  status: string;
  kind: string;
  startedAt: string | null;
  /** Readable only by admins and the incident's groups. */
  restricted: boolean;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The searchable record of one parsed incident. */
export function toSearchDoc(doc: IncidentDoc, taxonomy: Taxonomy): SearchDoc {
  const fm = doc.frontmatter;
  const factorIds: string[] = [];
  const factorText: string[] = [];
  for (const ref of fm.contributing_factors) {
    const f = taxonomy.canonical(ref.factor);
    const id = f?.id ?? ref.factor;
    if (!factorIds.includes(id)) factorIds.push(id);
    // Only the note is text of this incident. The factor's id, name and aliases describe the factor in general: a query
    // naming it reaches the incidents carrying it through the concept boost (concepts.ts), weighted and cross-validated
    // like every other signal, instead of matching the label's every word ("configuration", "change") as body text.
    factorText.push(stripInline(ref.note ?? ""));
  }
  return {
    id: doc.id,
    blob: doc.blob,
    title: fm.title,
    // Inline Markdown markers are not words: snippets show (and highlight) the text a reader sees on the page.
    summary: [fm.summary, fm.impact].filter(Boolean).map(stripInline).join(" "),
    text: stripMdx(doc.body),
    factorIds,
    factorText: factorText.filter(Boolean).join(" ; "),
    countermeasures: fm.countermeasures.map((c) => stripInline(c.title)).join(" ; "),
    services: fm.services,
    teams: fm.teams,
    tags: fm.tags,
    company: fm.source?.company ?? "",
    severity: fm.severity ?? null,
    status: fm.status,
    kind: fm.kind,
    startedAt: startedAt(doc),
    restricted: fm.visibility === "restricted",
  };
}

/** Words for the month and year an incident started ("October 2023"), so dates written in queries match. */
export function dateWords(startedAt: string | null): string {
  if (!startedAt) return "";
  const t = Date.parse(startedAt);
  if (Number.isNaN(t)) return "";
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()] ?? ""} ${d.getUTCFullYear()}`;
}
