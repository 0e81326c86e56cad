// Public API of Kaizen search (no server-only imports here: the CLI, eval and benchmark use it too).
export { parseQuery, MAX_QUERY_LENGTH, FILTER_KEYS, type ParsedQuery } from "./query";
export { search, type SearchOptions, type SearchResponse, type SearchResult, type Facets } from "./search";
export { buildSearchIndex, buildFromSnapshot, syncWithSnapshot, factorNamesOf, type IndexChanges } from "./build";
export { toSearchDoc, type SearchDoc } from "./document";
export { SearchIndex, FIELDS, FACETS } from "./search-index";
export { accessKey, visibleTo } from "./visibility";
export { stripMdx } from "./text";
export { tokenize } from "../text/analyze";
export { escapeHtml, segmentsToHtml, segmentsToText, type Segment } from "./snippet";
