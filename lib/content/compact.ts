// Parsed content as the knowledge model keeps it for as long as the file is unchanged: strings that share nothing
// with the text they were parsed from, and the short values that repeat across thousands of files (statuses,
// severities, teams, services, factor ids, owners, dates) held once.

/** Strings up to this length are interned: longer ones (titles, summaries, notes) rarely repeat. */
const INTERN_MAX_LENGTH = 48;
/** The table is cleared when it holds this many values (distinct timestamps would otherwise grow it for ever). */
const INTERN_MAX_ENTRIES = 200_000;

const interned = new Map<string, string>();

function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size >= INTERN_MAX_ENTRIES) interned.clear();
  interned.set(s, s);
  return s;
}

function walk(value: unknown): unknown {
  if (typeof value === "string") return value.length <= INTERN_MAX_LENGTH ? intern(value) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = walk(value[i]);
    return value;
  }
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = walk(obj[key]);
  }
  return value;
}

/**
 * A deep copy of plain parsed data (JSON-like: objects, arrays, strings, numbers, booleans, null) in which no string
 * is a slice of another — V8 keeps a sliced string's parent alive, so a title sliced from a file's text would keep
 * the whole text in memory — and short strings are shared with equal ones copied before.
 */
export function compactCopy<T>(value: T): T {
  return walk(structuredClone(value)) as T;
}

/** Shares the short strings of freshly deserialized data (JSON.parse output owns its strings already), in place. */
export function internStrings<T>(value: T): T {
  return walk(value) as T;
}
