import type { Element, Root, RootContent } from "hast";
import type { CompiledMdx } from "../mdx/compile";

/** The frontmatter fields the incident page shows above the write-up, which a body section may repeat. */
export type FieldSection = "summary" | "impact" | "factors";

const FIELD_HEADINGS: Record<string, FieldSection> = {
  summary: "summary",
  impact: "impact",
  "contributing factors": "factors",
};

/** The body with the sections that repeat a field taken out, and what each of them added to the field. */
export interface SplitBody {
  compiled: CompiledMdx;
  /** The extra text of a repeated section, shown under the field on the page; absent when it only repeated the field. */
  extra: Partial<Record<FieldSection, Root>>;
}

const norm = (s: string) => s.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();

function textOf(node: Root | RootContent): string {
  if (node.type === "text") return node.value;
  if (node.type === "element" || node.type === "root") return node.children.map(textOf).join(" ");
  return "";
}

const isHeading = (n: RootContent, max: number): n is Element => n.type === "element" && /^h[1-6]$/.test(n.tagName) && Number(n.tagName.slice(1)) <= max;

/**
 * Older post-mortems (and imported ones) begin the body with "Summary", "Impact" or "Contributing factors", which the
 * page already shows from the frontmatter. Such a section leaves the body: it is dropped when it says no more than
 * the field, otherwise its text is shown under the field (so nothing written is lost and no heading appears twice).
 * A section whose field is empty stays where it is. `shown` says which fields the page shows.
 */
export function splitFieldSections(compiled: CompiledMdx, fields: { summary?: string; impact?: string }, shown: ReadonlySet<FieldSection>): SplitBody {
  const children = compiled.hast.children;
  const kept: RootContent[] = [];
  const extra: Partial<Record<FieldSection, Root>> = {};
  const removedIds = new Set<string>();
  const done = new Set<FieldSection>();
  for (let i = 0; i < children.length; i++) {
    const node = children[i]!;
    const field = node.type === "element" && node.tagName === "h2" ? FIELD_HEADINGS[norm(textOf(node))] : undefined;
    if (!field || !shown.has(field) || done.has(field)) {
      kept.push(node);
      continue;
    }
    // The section runs to the next heading of the same or a higher level.
    let end = i + 1;
    while (end < children.length && !isHeading(children[end]!, 2)) end++;
    const content = children.slice(i + 1, end);
    done.add(field);
    const text = norm(content.map(textOf).join(" "));
    const fieldText = field === "factors" ? "" : norm(fields[field] ?? "");
    if (text && text !== fieldText) extra[field] = { type: "root", children: content };
    for (const n of [node, ...content]) collectIds(n, removedIds);
    i = end - 1;
  }
  if (removedIds.size === 0) return { compiled, extra };
  return {
    compiled: { ...compiled, hast: { ...compiled.hast, children: kept }, toc: compiled.toc.filter((t) => !removedIds.has(t.id)) },
    extra,
  };
}

function collectIds(node: RootContent, ids: Set<string>): void {
  if (node.type !== "element") return;
  if (typeof node.properties.id === "string") ids.add(node.properties.id);
  for (const c of node.children) collectIds(c, ids);
}
