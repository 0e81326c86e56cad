/** Word-level text handling shared by suggestions and related incidents: normalization, tokens, a light stemmer. */

// Negations and particles ("no alert", "out of memory", "scale up") are kept: they carry the meaning of many phrases.
const STOPWORDS = new Set(
  (
    "a about above after again against also am an and any are as at be because been before being below between both but by " +
    "can could did do does doing during each few for from further had has have having he her here hers him his how i if in " +
    "into is it its itself just me more most my now of on or other our ours own she should " +
    "so some such than that the their theirs them then there these they this those through to until very was we were " +
    "what when where which while who whom why will with would you your yours us via per within across among upon onto " +
    "yet however also may might must shall one two three first second new use used using get got make made see seen take took"
  ).split(" "),
);

/** Lowercase ASCII words: accents folded, punctuation (including `-`, `_`, `/`) splits words. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

const VOWEL = /[aeiouy]/;

/**
 * A light English suffix stripper (plural, -ing, -ed, -ly, trailing e): enough to make "expired", "expiring" and
 * "expires" meet, and cheap enough to run on every keystroke. Consistency matters more than linguistic accuracy: the
 * same function stems taxonomy phrases and the text they are matched against.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (/(sses|xes|ches|shes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("ied") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("ing") && w.length > 5 && VOWEL.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith("ed") && w.length > 4 && VOWEL.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  if (w.endsWith("ly") && w.length > 5) w = w.slice(0, -2);
  if (w.endsWith("e") && w.length > 4) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  const last = w.at(-1);
  if (last && w.at(-2) === last && !"lsz".includes(last)) return w.slice(0, -1);
  return w;
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Stemmed content words in order (stopwords and 1-letter words dropped). */
export function stems(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || STOPWORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

// Numerals and "new" are stopwords for similarity, but inside a phrase they carry its meaning: without them "leap
// second" would be just "leap", "two-factor" would match every "factor" and "new version" every "version".
const PHRASE_WORDS = new Set(["one", "two", "three", "first", "second", "new"]);

/** Like `stems`, but keeps the few stopwords that change what a phrase means; for matching phrases against text. */
export function phraseStems(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || (STOPWORDS.has(w) && !PHRASE_WORDS.has(w))) continue;
    out.push(stem(w));
  }
  return out;
}

/** Stems with a readable surface form for each (the first word seen that produced it), for reasons shown to people. */
export function stemsWithSurface(text: string, surface: Map<string, string>): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || STOPWORDS.has(w) || /^\d+$/.test(w)) continue;
    const s = stem(w);
    if (!surface.has(s)) surface.set(s, w);
    out.push(s);
  }
  return out;
}

/** Sparse vectors over terms. */
export type SparseVector = Map<string, number>;

export function norm(v: SparseVector): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}

/** Scales a vector to unit length (in place) and returns it. */
export function normalize(v: SparseVector): SparseVector {
  const n = norm(v);
  if (n > 0) for (const [k, x] of v) v.set(k, x / n);
  return v;
}

export function dot(a: SparseVector, b: SparseVector): number {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, x] of small) {
    const y = big.get(k);
    if (y !== undefined) s += x * y;
  }
  return s;
}

/** Unigrams plus adjacent-pair bigrams ("connect pool"), so phrases weigh more than their words apart. */
export function terms(tokens: string[]): string[] {
  const out = [...tokens];
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens[i - 1]} ${tokens[i]}`);
  return out;
}

/** Term counts. */
export function termFrequencies(list: string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of list) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}
