// The index's layout: which text fields it weighs (in the order ranking.ts gives their weights) and which facets it
// counts. Positions are looked up by name (FIELD.title, FACET.service), never written as numbers.

export const FIELDS = ["title", "summary", "body", "factors", "countermeasures", "services", "teams", "tags", "company", "dates"] as const;
export type Field = (typeof FIELDS)[number];
export const NF = FIELDS.length;
export const FACETS = ["severity", "status", "kind", "service", "team", "factor", "tag"] as const;
export type Facet = (typeof FACETS)[number];

const positions = <T extends string>(names: readonly T[]): Readonly<Record<T, number>> => Object.fromEntries(names.map((n, i) => [n, i])) as Record<T, number>;

/** Position of each field in FIELDS (and in a document's token sequence). */
export const FIELD = positions(FIELDS);
/** Position of each facet in FACETS. */
export const FACET = positions(FACETS);

/** Separates fields in a document's token sequence so phrases never span two fields. */
export const SEQ_BREAK = -1;
