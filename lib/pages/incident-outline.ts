import type { TocEntry } from "../mdx/compile";

/** One entry of the incident page's "On this page". */
export interface OutlineEntry {
  id: string;
  text: string;
  depth: number;
}

/** The page's own sections, in the order the page shows them (ids are the section headings' ids). */
export const PAGE_SECTIONS: readonly OutlineEntry[] = [
  { id: "h-timeline", text: "Timeline", depth: 2 },
  { id: "h-factors", text: "Contributing factors", depth: 2 },
  { id: "h-cms", text: "Countermeasures", depth: 2 },
];

const key = (text: string) => text.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();

/**
 * "On this page": the page's own sections, then the write-up's headings, each title listed once. A body heading that
 * repeats a section of the page ("Contributing factors" in an older template) or an earlier heading is left out of
 * the list (it keeps its own unique anchor in the text).
 */
export function incidentOutline(toc: readonly TocEntry[], sections: readonly OutlineEntry[] = PAGE_SECTIONS): OutlineEntry[] {
  const seen = new Set<string>();
  const ids = new Set<string>();
  const out: OutlineEntry[] = [];
  for (const e of [...sections, ...toc]) {
    const k = key(e.text);
    if (!k || seen.has(k) || ids.has(e.id)) continue;
    seen.add(k);
    ids.add(e.id);
    out.push({ id: e.id, text: e.text, depth: e.depth });
  }
  return out;
}
