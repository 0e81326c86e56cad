// The search query language: free words, "exact phrases", -exclusions, key:value filters. Parsing never throws: a
// malformed query comes back with `errors` the UI and CLI show as they are.
import { KINDS, SEVERITIES, STATUSES } from "../schema/incident";
import { editDistance } from "../schema/fuzzy";

export const MAX_QUERY_LENGTH = 500;
export const LIST_FILTERS = ["severity", "status", "kind", "service", "team", "factor", "tag"] as const;
export const DATE_FILTERS = ["after", "before"] as const;
export const FILTER_KEYS = [...LIST_FILTERS, ...DATE_FILTERS] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

export interface QueryWord {
  /** The word as typed (no quotes, no leading `-`, no trailing `*`). */
  text: string;
  /** Typed with a trailing `*`: match every word starting with it. */
  prefix: boolean;
}

export interface ParsedQuery {
  words: QueryWord[];
  phrases: string[];
  /** Excluded words and phrases: a document containing any of them is dropped. */
  excludes: string[];
  filters: Record<ListFilter, string[]>;
  /** started_at bounds as epoch milliseconds: after = start of that day (inclusive), before = start of that day (exclusive). */
  after?: number;
  before?: number;
  /** true when the last word was still being typed (no trailing space): it is also matched as a prefix. */
  openEnd: boolean;
  errors: string[];
}

/** A parse result with nothing in it. */
export function emptyQuery(): ParsedQuery {
  return { words: [], phrases: [], excludes: [], filters: { severity: [], status: [], kind: [], service: [], team: [], factor: [], tag: [] }, openEnd: false, errors: [] };
}

/** True when the query asks for nothing at all (no words, phrases or filters). */
export function isBlank(q: ParsedQuery): boolean {
  return q.words.length === 0 && q.phrases.length === 0 && q.after === undefined && q.before === undefined && LIST_FILTERS.every((k) => q.filters[k].length === 0);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a query string; problems are reported in `errors`, never thrown. */
export function parseQuery(input: string): ParsedQuery {
  const q = emptyQuery();
  if (input.length > MAX_QUERY_LENGTH) {
    q.errors.push(`query is too long (${input.length} characters; at most ${MAX_QUERY_LENGTH})`);
    return q;
  }
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i] ?? "";
    if (isSpace(input.charCodeAt(i))) {
      i++;
      continue;
    }
    let negate = false;
    if (c === "-" && i + 1 < n && !isSpace(input.charCodeAt(i + 1))) {
      negate = true;
      i++;
    }
    if (input[i] === '"') {
      const close = input.indexOf('"', i + 1);
      const text = (close < 0 ? input.slice(i + 1) : input.slice(i + 1, close)).trim();
      if (close < 0) q.errors.push(`unclosed quote: add a closing " after ${JSON.stringify(text)}`);
      i = close < 0 ? n : close + 1;
      if (text) (negate ? q.excludes : q.phrases).push(text);
      continue;
    }
    let j = i;
    while (j < n && !isSpace(input.charCodeAt(j))) j++;
    let token = input.slice(i, j);
    const filter = /^([a-z_]+):(.*)$/i.exec(token);
    if (filter && filter[2] !== undefined && filter[2] !== "" && !filter[2].startsWith("/")) {
      const key = (filter[1] ?? "").toLowerCase();
      let value = filter[2];
      // key:"quoted value" may contain spaces.
      if (value.startsWith('"')) {
        const close = input.indexOf('"', i + key.length + 2);
        if (close < 0) {
          q.errors.push(`unclosed quote in ${key}: add a closing "`);
          value = input.slice(i + key.length + 2);
          j = n;
        } else {
          value = input.slice(i + key.length + 2, close);
          j = close + 1;
        }
      }
      i = j;
      applyFilter(q, key, value.trim(), negate);
      continue;
    }
    i = j;
    const prefix = token.endsWith("*") && token.length > 1;
    if (prefix) token = token.replace(/\*+$/, "");
    token = token.replace(/^[("'“‘]+|[)"'”’,;:!?.]+$/g, "");
    if (!token) continue;
    if (negate) q.excludes.push(token);
    else q.words.push({ text: token, prefix });
  }
  const lastWord = q.words[q.words.length - 1];
  q.openEnd = !!lastWord && !lastWord.prefix && !/[\s"*]$/.test(input) && input.trimEnd().endsWith(lastWord.text);
  return q;
}

/** Whether a UTF-16 code unit is what the regex class \s matches (without a one-character string per test). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function applyFilter(q: ParsedQuery, key: string, value: string, negate: boolean): void {
  if (negate) {
    q.errors.push(`-${key}: excluding by a filter is not supported; use ${key}:… to include instead`);
    return;
  }
  if (!(FILTER_KEYS as readonly string[]).includes(key)) {
    const close = FILTER_KEYS.filter((k) => editDistance(k, key, 2) <= 2);
    q.errors.push(`unknown filter "${key}:"${close.length ? ` (did you mean ${close.map((k) => `${k}:`).join(" or ")}?)` : ""}; known filters: ${FILTER_KEYS.map((k) => `${k}:`).join(" ")}`);
    return;
  }
  if (!value) {
    q.errors.push(`${key}: needs a value`);
    return;
  }
  if (key === "after" || key === "before") {
    const t = parseDay(value);
    if (t === null) {
      q.errors.push(`${key}: expects a date as YYYY-MM-DD, got "${value}"`);
      return;
    }
    if (key === "after") q.after = t;
    else q.before = t;
    if (q.after !== undefined && q.before !== undefined && q.after >= q.before) q.errors.push(`after:${dayString(q.after)} is not before before:${dayString(q.before)}: nothing can match`);
    return;
  }
  const listKey = key as ListFilter;
  for (const raw of value.split(",").map((v) => v.trim()).filter(Boolean)) {
    const v = normalizeFilterValue(listKey, raw);
    if (v === null) {
      const allowed = listKey === "severity" ? SEVERITIES : listKey === "status" ? STATUSES : KINDS;
      q.errors.push(`${key}: expects one of ${allowed.join(", ")}, got "${raw}"`);
      continue;
    }
    if (!q.filters[listKey].includes(v)) q.filters[listKey].push(v);
  }
}

function normalizeFilterValue(key: ListFilter, raw: string): string | null {
  if (key === "severity") {
    const m = /^(?:sev)?([1-4])$/i.exec(raw);
    return m ? `SEV${m[1]}` : null;
  }
  if (key === "status") return (STATUSES as readonly string[]).find((s) => s === raw.toLowerCase()) ?? null;
  if (key === "kind") return (KINDS as readonly string[]).find((s) => s === raw.toLowerCase()) ?? null;
  return raw;
}

function parseDay(s: string): number | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return null;
  return t;
}

function dayString(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}
