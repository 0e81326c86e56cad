// The one index builder (server, CLI, eval and benchmark all call it) and the incremental updater.
import type { IncidentDoc, Snapshot } from "../content/store";
import { normalizeName } from "../schema/fuzzy";
import type { Taxonomy } from "../schema/taxonomy";
import { toSearchDoc, type SearchDoc } from "./document";
import { SearchIndex, type FactorNames } from "./search-index";

/** Every id, name and alias of the taxonomy (normalized) → canonical factor id, for `factor:` filters. */
export function factorNamesOf(taxonomy: Taxonomy): FactorNames {
  const names: FactorNames = new Map();
  for (const f of taxonomy.factors) {
    const id = taxonomy.canonicalId(f.id) ?? f.id;
    for (const n of [f.id, f.name, ...f.aliases]) {
      const key = normalizeName(n);
      if (key && !names.has(key)) names.set(key, id);
    }
  }
  return names;
}

/** Canonical factor id → name, for the reasons results give. */
export function factorLabelsOf(taxonomy: Taxonomy): Map<string, string> {
  return new Map(taxonomy.factors.map((f) => [f.id, f.name]));
}

/** Builds an index from search records (all analyzed first, so impacts use the field averages of the whole set). */
export function buildSearchIndex(docs: Iterable<SearchDoc>, factorNames: FactorNames = new Map(), factorLabels = new Map<string, string>()): SearchIndex {
  const index = new SearchIndex();
  index.factorNames = factorNames;
  index.factorLabels = factorLabels;
  index.addAll(docs);
  return index;
}

/** Builds the index of every valid incident of a content snapshot. */
export function buildFromSnapshot(snapshot: Pick<Snapshot, "incidents" | "taxonomy">): SearchIndex {
  return buildSearchIndex(
    snapshot.incidents.map((d) => toSearchDoc(d, snapshot.taxonomy)),
    factorNamesOf(snapshot.taxonomy),
    factorLabelsOf(snapshot.taxonomy),
  );
}

export interface IndexChanges {
  added: string[];
  updated: string[];
  removed: string[];
}

/**
 * Brings an index in line with a snapshot by diffing blob ids: only incidents whose file changed are re-analyzed.
 * Used by every write path (server saves, pulls, CLI) instead of rebuilding.
 */
export function syncWithSnapshot(index: SearchIndex, snapshot: Pick<Snapshot, "incidents" | "taxonomy">): IndexChanges {
  const changes: IndexChanges = { added: [], updated: [], removed: [] };
  const current = index.blobs();
  const wanted = new Map<string, IncidentDoc>(snapshot.incidents.map((d) => [d.id, d]));
  for (const id of current.keys()) {
    if (!wanted.has(id)) {
      index.remove(id);
      changes.removed.push(id);
    }
  }
  const changed: SearchDoc[] = [];
  for (const [id, doc] of wanted) {
    const blob = current.get(id);
    if (blob === doc.blob) continue;
    changed.push(toSearchDoc(doc, snapshot.taxonomy));
    (blob === undefined ? changes.added : changes.updated).push(id);
  }
  index.addAll(changed);
  index.factorNames = factorNamesOf(snapshot.taxonomy);
  index.factorLabels = factorLabelsOf(snapshot.taxonomy);
  if (index.needsCompaction()) index.compact();
  return changes;
}
