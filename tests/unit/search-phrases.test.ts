// Phrases (checked with each document's adjacent-pair filter, then a byte search of its token sequence) and the typo
// lookups behind "did you mean" and concept recognition, each compared with a brute-force reference.
import { describe, expect, it } from "vitest";
import { buildSearchIndex } from "../../lib/search/build";
import { recognizeConcepts } from "../../lib/search/concepts";
import { SEQ_BREAK } from "../../lib/search/fields";
import { deserializeIndex, serializeIndex } from "../../lib/search/persist";
import { phraseIds } from "../../lib/search/plan";
import { search } from "../../lib/search/search";
import { mayHavePairs } from "../../lib/search/pair-filter";
import { SearchIndex } from "../../lib/search/search-index";
import { reverseString } from "../../lib/search/sorted-strings";
import { maxEdits } from "../../lib/search/vocabulary";
import { editDistance } from "../../lib/schema/fuzzy";
import { phraseStems, tokenize } from "../../lib/text/analyze";
import { sdoc } from "./search-fixtures";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = (ix: SearchIndex, q: string) => search(ix, q, { limit: 200 }).results.map((r) => r.id).sort();

describe("phrases", () => {
  const docs = [
    sdoc("boundary", { title: "Primary database", summary: "Failover took an hour.", text: "Nothing else." }),
    sdoc("inside", { title: "Failover", summary: "The primary database failover took an hour.", text: "The disk disk alarm fired twice." }),
    sdoc("end", { title: "Replica lag", summary: "Writes were lost after the failover", text: "Lag grew until the replica fell behind the primary database" }),
    sdoc("stop", { title: "Queue", summary: "The queue was full of the old messages.", text: "Consumers stopped at the end of the day." }),
  ];
  const built = buildSearchIndex(docs);
  const loaded = deserializeIndex(serializeIndex(built, "r"))?.index;
  if (!loaded) throw new Error("round trip failed");

  for (const [name, ix] of [["built", built], ["loaded", loaded]] as const) {
    it(`never spans two fields (${name})`, () => {
      expect(ids(ix, '"database failover"')).toEqual(["inside"]);
      expect(ids(ix, '"failover took"')).toEqual(["boundary", "inside"]);
    });

    it(`matches a phrase at the end of a field, and a repeated word (${name})`, () => {
      expect(ids(ix, '"primary database"')).toEqual(["boundary", "end", "inside"]);
      expect(ids(ix, '"after the failover"')).toEqual(["end"]);
      expect(ids(ix, '"disk disk"')).toEqual(["inside"]);
      expect(ids(ix, '"disk disk disk"')).toEqual([]);
      expect(ids(ix, '"disk alarm disk"')).toEqual([]);
    });

    it(`keeps stopwords inside a phrase in their places (${name})`, () => {
      expect(ids(ix, '"full of the old"')).toEqual(["stop"]);
      expect(ids(ix, '"full the of old"')).toEqual([]);
      expect(ids(ix, '"at the end of the day"')).toEqual(["stop"]);
      expect(ids(ix, '"the end the day"')).toEqual([]);
      expect(ids(ix, '"of the"')).toEqual(["stop"]);
    });
  }

  it("gives the answers of a scan of every token sequence, built, loaded, after updates and after a compaction", () => {
    const r = rng(14);
    const vocab = ["disk", "full", "the", "of", "primary", "database", "failover", "lag", "queue", "alarm", "a", "node", "node", "retry"];
    const text = (n: number) => Array.from({ length: n }, () => vocab[Math.floor(r() * vocab.length)]).join(" ");
    const many = Array.from({ length: 300 }, (_, i) => sdoc(`d${i}`, { title: text(3), summary: text(8), text: text(5 + Math.floor(r() * 60)) }));
    const ix = buildSearchIndex(many);
    const round = deserializeIndex(serializeIndex(ix, "r"))?.index;
    if (!round) throw new Error("round trip failed");
    const updated = buildSearchIndex(many);
    for (let i = 0; i < 40; i++) updated.add(sdoc(`d${i}`, { title: text(3), summary: text(8), text: text(20) }));
    const compacted = buildSearchIndex(many);
    for (let i = 0; i < 40; i++) compacted.add(sdoc(`d${i}`, { title: text(3), summary: text(8), text: text(20) }));
    compacted.compact();
    const phrases = Array.from({ length: 60 }, () => text(2 + Math.floor(r() * 3)));
    for (const target of [ix, round, updated, compacted]) {
      for (const p of phrases) {
        expect(ids(target, `"${p}"`), p).toEqual(scan(target, p));
      }
    }
  });

  it("answers most documents lacking a phrase from the pair filter alone, never one that has it", () => {
    const r = rng(3);
    // Words of letters only (a word with digits is a compound of several tokens).
    const vocab = Array.from({ length: 400 }, (_, i) => `q${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}z`);
    const text = (n: number) => Array.from({ length: n }, () => vocab[Math.floor(r() * vocab.length)]).join(" ");
    const many = Array.from({ length: 200 }, (_, i) => sdoc(`p${i}`, { summary: text(20), text: text(200) }));
    const ix = buildSearchIndex(many);
    let absent = 0;
    let passed = 0;
    for (let k = 0; k < 300; k++) {
      const p = text(2);
      const ids = phraseIds(ix.view(), p);
      if (!ids) continue;
      const phrase = SearchIndex.phrasePattern(ids);
      const has = new Set(scan(ix, p));
      for (let s = 0; s < ix.meta.length; s++) {
        const may = mayHavePairs(ix.pairs.data, ix.pairOff.data[s] ?? 0, ix.pairOff.data[s + 1] ?? 0, phrase.pairs);
        if (has.has(ix.meta[s]?.id ?? "")) expect(may).toBe(true);
        else {
          absent++;
          if (may) passed++;
        }
      }
    }
    expect(absent).toBeGreaterThan(10_000);
    expect(passed / absent).toBeLessThan(0.15);
  });

  it("rebuilds rather than misreads an index file of an earlier format", () => {
    for (const old of ["KZSRCH07", "KZSRCH08", "KZSRCH09"]) {
      const file = Buffer.from(serializeIndex(built, "r"));
      file.write(old, 0, "latin1");
      file.write(old, file.length - 8, "latin1");
      expect(deserializeIndex(file)).toBeNull();
    }
  });
});

/** Ids of the live documents whose token sequence holds the phrase's term ids contiguously within one field. */
function scan(ix: SearchIndex, phrase: string): string[] {
  const want = phraseIds(ix.view(), phrase);
  if (!want) return [];
  const out: string[] = [];
  for (let s = 0; s < ix.meta.length; s++) {
    const m = ix.meta[s];
    if (!m) continue;
    const seq = Array.from(ix.sequenceOf(s));
    const found = seq.some((_, i) => want.every((t, k) => seq[i + k] === t && t !== SEQ_BREAK));
    if (found) out.push(m.id);
  }
  return out.sort();
}

describe("did you mean", () => {
  const r = rng(7);
  const letters = "aeiourstnl";
  const word = () => Array.from({ length: 5 + Math.floor(r() * 6) }, () => letters[Math.floor(r() * letters.length)]).join("");
  const words = Array.from({ length: 400 }, word);
  const docs = Array.from({ length: 200 }, (_, i) =>
    sdoc(`w${i}`, { title: `Incident ${i}`, text: Array.from({ length: 6 }, () => words[Math.floor(r() * words.length)]).join(" "), services: [words[i] as string] }),
  );
  const ix = buildSearchIndex(docs);

  /** The typo lookup's rule by brute force: words sharing the first or last half (or third, for two edits), within maxEdits. */
  function reference(typo: string): string | undefined {
    const max = maxEdits(typo);
    const half = Math.floor(typo.length / 2);
    const third = Math.ceil(typo.length / 3);
    const heads = max >= 2 ? [typo.slice(0, half), typo.slice(0, third)] : [typo.slice(0, half)];
    const tails = max >= 2 ? [typo.slice(half), typo.slice(typo.length - third)] : [typo.slice(half)];
    const found: { s: string; d: number; df: number }[] = [];
    for (const [s, sid] of ix.surfaceIds) {
      if (s === typo || (ix.surfaceDfs.data[sid] ?? 0) === 0 || Math.abs(s.length - typo.length) > max) continue;
      if (!heads.some((h) => s.startsWith(h)) && !tails.some((t) => s.endsWith(t))) continue;
      const d = editDistance(typo, s, max);
      if (d <= max) found.push({ s, d, df: ix.df(ix.termOfSurface(s) ?? -1) });
    }
    found.sort((a, b) => a.d - b.d || b.df - a.df || a.s.localeCompare(b.s));
    return found[0]?.s;
  }

  it("suggests what a scan of the whole vocabulary suggests, for words found through the suggestion and for words not found", () => {
    let suggested = 0;
    for (let i = 0; i < 300; i++) {
      const w = words[Math.floor(r() * words.length)] as string;
      const at = Math.floor(r() * w.length);
      const c = letters[Math.floor(r() * letters.length)] as string;
      const edits = [w.slice(0, at) + c + w.slice(at + 1), w.slice(0, at) + w.slice(at + 1), w.slice(0, at) + c + w.slice(at), reverseString(w), `${w}qz${c}`];
      const typo = edits[i % edits.length] as string;
      // A word the index has (as written or by its stem) is matched, not corrected.
      if (tokenize(typo).some((t) => ix.view().termOf(t.term) !== undefined)) continue;
      // Found through its correction or not found at all: either way the suggestion is the closest word.
      const want = reference(typo);
      expect(search(ix, typo).didYouMean, typo).toBe(want);
      if (want) suggested++;
    }
    expect(suggested).toBeGreaterThan(20);
  });

  it("answers words of letters the vocabulary hardly has as the scan does (the lookup skips ranges no word begins or ends like)", () => {
    const odd = "bcdfghjkmpqvwxyz";
    let suggested = 0;
    for (let i = 0; i < 300; i++) {
      const w = words[Math.floor(r() * words.length)] as string;
      // Some letters of a vocabulary word kept, others replaced: halves and thirds that begin or end no word, or some.
      const typo = [...w].map((c) => (r() < 0.35 ? (odd[Math.floor(r() * odd.length)] as string) : c)).join("");
      if (tokenize(typo).some((t) => ix.view().termOf(t.term) !== undefined)) continue;
      const want = reference(typo);
      expect(search(ix, typo).didYouMean, typo).toBe(want);
      if (want) suggested++;
    }
    expect(suggested).toBeGreaterThan(5);
  });

  it("finds words added after the first lookup, built and loaded", () => {
    const small = buildSearchIndex(docs.slice(0, 50));
    const loaded = deserializeIndex(serializeIndex(small, "r"))?.index;
    if (!loaded) throw new Error("round trip failed");
    for (const target of [small, loaded]) {
      // The first lookups build the vocabulary's beginnings and endings; later words must join them.
      expect(search(target, "kubrnetes").didYouMean).toBeUndefined();
      expect(search(target, "gubernetes").didYouMean).toBeUndefined();
      target.add(sdoc("k8s", { title: "Cluster", text: "kubernetes upgrade" }));
      // One edit in the first half (found by its ending), one in the second (found by its beginning).
      expect(search(target, "gubernetes").didYouMean).toBe("kubernetes");
      expect(search(target, "kubernetxs").didYouMean).toBe("kubernetes");
      expect(search(target, "kubrnetes").results.map((x) => x.id)).toEqual(["k8s"]);
    }
  });

  it("recognizes a service give or take one typo exactly as comparing every name would", () => {
    const names = [...new Set(words.slice(0, 200))];
    for (let i = 0; i < 200; i++) {
      const w = names[Math.floor(r() * names.length)] as string;
      const at = Math.floor(r() * w.length);
      const c = letters[Math.floor(r() * letters.length)] as string;
      const typo = [w.slice(0, at) + c + w.slice(at + 1), w.slice(0, at) + w.slice(at + 1), w.slice(0, at) + c + w.slice(at), `${w}${c}${c}`][i % 4] as string;
      const [q] = phraseStems(typo);
      if (!q) continue;
      const expected = names
        .map((n) => ({ n, s: phraseStems(n) }))
        .filter(({ s }) => s.length === 1 && (s[0] === q || ((s[0] ?? "").length >= 5 && q.length >= 5 && editDistance(s[0] ?? "", q, 1) <= 1)))
        .map(({ n, s }) => ({ label: n, quality: s[0] === q ? 1 : 0.8 }));
      // An exact name stops the typo lookup: only names spelled that way are compared.
      const exact = expected.filter((e) => e.quality === 1);
      const want = (exact.length > 0 ? exact : expected).sort((a, b) => b.quality - a.quality || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)).slice(0, 6);
      const got = recognizeConcepts(ix.view(), typo).map((c) => ({ label: c.label, quality: c.quality }));
      expect(got, typo).toEqual(want);
    }
  });
});
