// The one text analyzer: search (indexing, querying, snippets, and through it "Seen before?") and factor suggestions all
// tokenize, fold, stem and drop stopwords here, so they agree on what a "term" is and one fix reaches all of them.
//
// A compound such as `us-east-1`, `OOMKilled`, `CVE-2024-1234`, `HTTP/3` or `node.js` yields its parts as ordinary
// sequence tokens (so `east` or `killed` find it, and phrases see them in order) plus the joined whole as an extra
// term (`useast1`, `oomkill`, `http3`), so the identifier typed in any spelling matches it exactly.
// CJK runs have no spaces between words: they are indexed as overlapping character bigrams.

const SUBPART = /\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+|\p{L}+/gu;
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+|[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/g;
const NON_ASCII = /[^\x00-\x7f]/;
const MAX_WHOLE = 40;

/** Words too common to carry meaning in free text; still indexed so phrases containing them work. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  ("a about above after again against all also am an and any are as at be because been before being below between both but by " +
    "can could did do does doing during each few for from further had has have having he her here hers him his how i if in " +
    "into is it its itself me more most my no nor not of on once only or other our ours own same she should so " +
    "some such than that the their theirs them then there these they this those through to too under until very was we were " +
    "what when where which while who whom why will with would you your yours ever couldnt wasnt didnt dont doesnt isnt wont cant").split(" "),
);

// Negations and particles ("no alert", "out of memory", "not", "only", "same") carry the meaning of many phrases: the
// similarity measures (factor suggestions, taxonomy care) keep them. They drop instead the fillers that say nothing about
// what happened ("just", "via", "used", "new", numerals).
const KEPT_FOR_SIMILARITY = "no nor not once only same too under all ever couldnt wasnt didnt dont doesnt isnt wont cant";
const FILLERS =
  "just now us via per within across among upon onto yet however may might must shall one two three first second new use used using get got make made see seen take took";
const SIMILARITY_STOPWORDS: ReadonlySet<string> = new Set([...[...STOPWORDS].filter((w) => !KEPT_FOR_SIMILARITY.split(" ").includes(w)), ...FILLERS.split(" ")]);

/** Whether a (lowercased) word is too common to tell two incidents apart. */
export function isStopword(word: string): boolean {
  return SIMILARITY_STOPWORDS.has(word);
}

/** Lowercase ASCII words: accents folded, punctuation (including `-`, `_`, `/`) splits words. */
export function words(text: string): string[] {
  return fold(text)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Stemmed content words in order (stopwords and 1-letter words dropped). */
export function stems(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || SIMILARITY_STOPWORDS.has(w)) continue;
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
    if (w.length < 2 || (SIMILARITY_STOPWORDS.has(w) && !PHRASE_WORDS.has(w))) continue;
    out.push(stem(w));
  }
  return out;
}

/** Stems with a readable surface form for each (the first word seen that produced it), for reasons shown to people. */
export function stemsWithSurface(text: string, surface: Map<string, string>): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 || SIMILARITY_STOPWORDS.has(w) || /^\d+$/.test(w)) continue;
    const s = stem(w);
    if (!surface.has(s)) surface.set(s, w);
    out.push(s);
  }
  return out;
}

/** One token: `term` is the normalized (stemmed) index term, `surface` the lowercased word as written. */
export interface Token {
  term: string;
  surface: string;
  start: number;
  end: number;
  /** true for ordinary tokens (they have a position); false for the extra joined whole of a compound. */
  seq: boolean;
}

export type TokenSink = (term: string, surface: string, start: number, end: number, seq: boolean) => void;

/** Lowercases and folds diacritics (é → e); leaves non-Latin scripts as they are. */
export function fold(s: string): string {
  const lower = s.toLowerCase();
  if (!NON_ASCII.test(lower)) return lower;
  return lower.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function isWordCode(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  if (c === 0x2019) return false;
  return LETTER_OR_DIGIT.test(String.fromCharCode(c));
}

function isConnector(c: number): boolean {
  return c === 45 || c === 95 || c === 46 || c === 47 || c === 58 || c === 64; // - _ . / : @
}

/**
 * Calls `sink` for every token of `text`, in order. A hand-written scanner finds compounds (a regex over the whole
 * text was the slowest part of indexing); plain ASCII compounds are split without regexes, others take the Unicode path.
 */
export function analyze(text: string, sink: TokenSink): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isWordCode(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let ascii = true;
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c < 128 ? isWordCode(c) : c !== 0x2019 && isWordCode(c)) {
        if (c >= 128) ascii = false;
        j++;
      } else if ((c === 39 || c === 0x2019) && j + 1 < n && isLetterCode(text.charCodeAt(j + 1))) {
        if (c >= 128) ascii = false;
        j++;
      } else if (isConnector(c) && j + 1 < n && isWordCode(text.charCodeAt(j + 1))) j++;
      else break;
    }
    if (ascii) asciiCompound(text, start, j, sink);
    else analyzeCompound(text.slice(start, j), start, sink);
    i = j;
  }
}

function isLetterCode(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return /\p{L}/u.test(String.fromCharCode(c));
}

const partStarts: number[] = [];
const partEnds: number[] = [];
/** Per part: bit 1 = has an upper-case letter, bit 2 = has an apostrophe, bit 4 = digits (else letters). */
const partFlags: number[] = [];

/** ASCII compound text[from, to): parts at connectors, case changes (OOMKilled) and letter/digit changes (http3). */
function asciiCompound(text: string, from: number, to: number, sink: TokenSink): void {
  partStarts.length = 0;
  partEnds.length = 0;
  partFlags.length = 0;
  // kind: 0 = lower, 1 = upper, 2 = digit, 3 = apostrophe (glued into the word), -1 = connector
  let ps = -1;
  let prevKind = -1;
  // Flags of the part being scanned (see partFlags); a part is all digits or all letters (a change starts a new one).
  let flags = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    const kind = c >= 97 && c <= 122 ? 0 : c >= 65 && c <= 90 ? 1 : c >= 48 && c <= 57 ? 2 : c === 39 ? 3 : -1;
    if (kind === 3) {
      if (ps >= 0) flags |= 2;
      continue;
    }
    if (kind === -1) {
      if (ps >= 0) {
        partStarts.push(ps);
        partEnds.push(k);
        partFlags.push(flags);
      }
      ps = -1;
      prevKind = -1;
      continue;
    }
    if (ps < 0) {
      ps = k;
      flags = (kind === 1 ? 1 : 0) | (kind === 2 ? 4 : 0);
    } else {
      let boundary = false;
      if (kind === 2 ? prevKind !== 2 : prevKind === 2) boundary = true;
      else if (kind === 1 && prevKind === 0) boundary = true;
      else if (kind === 0 && prevKind === 1 && k - 1 > ps) {
        // "OOMKilled": the capital before the first lowercase letter starts a new part.
        const prev = text.charCodeAt(k - 1);
        if (prev >= 65 && prev <= 90) {
          const prev2 = text.charCodeAt(k - 2);
          if (prev2 >= 65 && prev2 <= 90) {
            partStarts.push(ps);
            partEnds.push(k - 1);
            partFlags.push(flags);
            ps = k - 1;
            flags = 1;
          }
        }
      }
      if (boundary) {
        partStarts.push(ps);
        partEnds.push(k);
        partFlags.push(flags);
        ps = k;
        flags = 0;
      }
      if (kind === 1) flags |= 1;
      else if (kind === 2) flags |= 4;
    }
    prevKind = kind;
  }
  if (ps >= 0) {
    partStarts.push(ps);
    partEnds.push(to);
    partFlags.push(flags);
  }
  const count = partStarts.length;
  if (count === 1) {
    const a = partStarts[0] ?? from;
    const b = partEnds[0] ?? to;
    const surface = partSurface(text, a, b, partFlags[0] ?? 3);
    sink((partFlags[0] ?? 0) & 4 ? surface : stemLetters(surface), surface, a, b, true);
    return;
  }
  let whole = "";
  for (let p = 0; p < count; p++) {
    const a = partStarts[p] ?? from;
    const b = partEnds[p] ?? to;
    const f = partFlags[p] ?? 3;
    const surface = partSurface(text, a, b, f);
    whole += surface;
    sink(f & 4 ? surface : stemLetters(surface), surface, a, b, true);
  }
  if (count > 1 && whole.length <= MAX_WHOLE) sink(/^[a-z]+$/.test(whole) ? stem(whole) : whole, whole, partStarts[0] ?? from, partEnds[count - 1] ?? to, false);
}

/** A part's text as indexed: lower case, apostrophes dropped (only done when the part has them). */
function partSurface(text: string, a: number, b: number, flags: number): string {
  let surface = text.slice(a, b);
  if (flags & 1) surface = surface.toLowerCase();
  if (flags & 2) surface = surface.replace(/'/g, "");
  return surface;
}

/** Tokens of `text` as an array (convenient for queries and tests; indexing uses the callback form). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  analyze(text, (term, surface, start, end, seq) => out.push({ term, surface, start, end, seq }));
  return out;
}

interface Part {
  text: string;
  start: number;
  end: number;
}

function analyzeCompound(raw: string, offset: number, sink: TokenSink): void {
  const parts: Part[] = [];
  // Pieces are separated by connectors; apostrophes inside words vanish (couldn't → couldnt).
  const pieceRe = /[\p{L}\p{N}'’]+/gu;
  for (let p = pieceRe.exec(raw); p !== null; p = pieceRe.exec(raw)) {
    const piece = p[0];
    const base = offset + p.index;
    if (CJK.test(piece)) {
      CJK_RUN.lastIndex = 0;
      for (let r = CJK_RUN.exec(piece); r !== null; r = CJK_RUN.exec(piece)) {
        if (CJK.test(r[0])) cjkBigrams(r[0], base + r.index, sink);
        else subParts(r[0], base + r.index, parts);
      }
      continue;
    }
    subParts(piece, base, parts);
  }
  let whole = "";
  for (const part of parts) {
    const surface = fold(part.text).replace(/['’]/g, "");
    if (!surface) continue;
    whole += surface;
    sink(stem(surface), surface, part.start, part.end, true);
  }
  if (parts.length > 1 && whole.length <= MAX_WHOLE) {
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (first && last) sink(/^[a-z]+$/.test(whole) ? stem(whole) : whole, whole, first.start, last.end, false);
  }
}

function subParts(piece: string, base: number, parts: Part[]): void {
  const clean = piece.replace(/['’]/g, "");
  if (clean.length === piece.length && /^(?:[a-z]+|[0-9]+)$/.test(piece)) {
    parts.push({ text: piece, start: base, end: base + piece.length });
    return;
  }
  SUBPART.lastIndex = 0;
  let consumed = 0;
  for (let s = SUBPART.exec(piece); s !== null; s = SUBPART.exec(piece)) {
    // Apostrophes split the regex match; glue a trailing contraction (couldn + t) back onto its word.
    const gap = piece.slice(consumed, s.index);
    const prev = parts[parts.length - 1];
    if (prev && /^['’]+$/.test(gap) && /^\p{Ll}+$/u.test(s[0])) {
      prev.text += s[0];
      prev.end = base + s.index + s[0].length;
    } else parts.push({ text: s[0], start: base + s.index, end: base + s.index + s[0].length });
    consumed = s.index + s[0].length;
  }
}

function cjkBigrams(run: string, base: number, sink: TokenSink): void {
  const chars = Array.from(run);
  if (chars.length === 1) {
    sink(run, run, base, base + run.length, true);
    return;
  }
  let pos = base;
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i] ?? "";
    const b = chars[i + 1] ?? "";
    sink(a + b, a + b, pos, pos + a.length + b.length, true);
    pos += a.length;
  }
}

const STEP2: [string, string][] = [
  ["ization", "ize"],
  ["ational", "ate"],
  ["fulness", "ful"],
  ["iveness", "ive"],
  ["ousness", "ous"],
  ["tional", "tion"],
  ["biliti", "ble"],
  ["bility", "ble"],
  ["ation", "ate"],
  ["ality", "al"],
  ["ivity", "ive"],
  ["ement", ""],
  ["ment", ""],
  ["ness", ""],
  ["ator", "ate"],
  ["ency", ""],
  ["tion", "t"],
  ["sion", "s"],
  ["ance", ""],
  ["ence", ""],
  ["ity", ""],
  ["ent", ""],
  ["ize", ""],
  ["ly", ""],
];

const stemCache = new Map<string, string>();

/** A light English stemmer (Porter-style plurals, -ed/-ing, common derivations); identical input → identical term. */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  const hit = stemCache.get(word);
  if (hit !== undefined) return hit;
  const out = stemUncached(word);
  if (stemCache.size > 200_000) stemCache.clear();
  stemCache.set(word, out);
  return out;
}

/** stem() of a word known to be lower-case ASCII letters only (what an ASCII compound's letter part is). */
function stemLetters(word: string): string {
  if (word.length <= 3) return word;
  const hit = stemCache.get(word);
  if (hit !== undefined) return hit;
  const out = stemUncached(word);
  if (stemCache.size > 200_000) stemCache.clear();
  stemCache.set(word, out);
  return out;
}

const VOWEL = /[aeiouy]/;

function stemUncached(word: string): string {
  let w = word;
  if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("s") && !/(?:ss|us|is)$/.test(w) && w.length > 3) w = w.slice(0, -1);
  let inflected = false;
  if (w.endsWith("ied") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("eed")) w = w.slice(0, -1);
  else if (w.endsWith("ed") && w.length > 4 && VOWEL.test(w.slice(0, -2))) {
    w = w.slice(0, -2);
    inflected = true;
  } else if (w.endsWith("ing") && w.length > 5 && VOWEL.test(w.slice(0, -3))) {
    w = w.slice(0, -3);
    inflected = true;
  }
  if (inflected && /([^aeiouylsz])\1$/.test(w)) w = w.slice(0, -1);
  for (const [suffix, repl] of STEP2) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) {
      w = w.slice(0, -suffix.length) + repl;
      break;
    }
  }
  if (w.endsWith("e") && w.length > 4) w = w.slice(0, -1);
  // A verb that does not end in -ate keeps the "at" its -ation noun gains (configurat, expirat, degradat; authoriz
  // from -ization): cut it where at least five letters stay, so configured, configure and configuration, or expired
  // and expiration, are one term. Five, so format stays apart from form and migrat from migr (already joined).
  if (w.length >= 7 && (w.endsWith("at") || w.endsWith("iz"))) w = w.slice(0, -2);
  return w;
}
