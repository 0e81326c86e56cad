import { describe, expect, it } from "vitest";
import { editDistance } from "../../lib/schema/fuzzy";

/** Every string over "ab" up to `n` letters. */
function strings(n: number): string[] {
  const out = [""];
  for (let i = 0; i < out.length; i++) {
    const s = out[i] as string;
    if (s.length < n) out.push(`${s}a`, `${s}b`);
  }
  return out;
}

describe("editDistance", () => {
  it("gives the Levenshtein distance within the bound and bound + 1 beyond it", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("kitten", "sitting", 2)).toBe(3);
    expect(editDistance("failover", "failovr", 1)).toBe(1);
    expect(editDistance("ab", "ba", 1)).toBe(2);
  });

  it("answers the one-edit question exactly as the full table does", () => {
    const all = strings(5);
    for (const a of all) {
      for (const b of all) {
        const full = editDistance(a, b);
        expect(editDistance(a, b, 1), `${a} ${b}`).toBe(full <= 1 ? full : 2);
      }
    }
  });
});
