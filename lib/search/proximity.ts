// Proximity re-rank: a bonus for query terms found near each other in the best documents.
import type { Plan } from "./plan";
import { RANKING, coverageFactor } from "./ranking";
import type { Scratch } from "./scratch";
import { SEQ_BREAK } from "./fields";
import type { SearchIndex } from "./search-index";

/** Adds a bonus for query terms that occur near each other (within a few words, in the same field). */
export function proximityRerank(index: SearchIndex, sc: Scratch, plan: Plan, docs: readonly number[], totalImportance: number): void {
  const G = plan.groups.length;
  const groupOf = sc.groupOf;
  const set: number[] = [];
  plan.groups.forEach((g, gi) => {
    for (const t of g.terms) {
      if ((groupOf[t.id] ?? -1) === -1) {
        groupOf[t.id] = gi;
        set.push(t.id);
      }
    }
  });
  const importance = plan.groups.map((g) => g.importance);
  const lastPos = new Int32Array(G);
  const pairSeen = new Uint8Array(G * G);
  const window = RANKING.proximityWindow;
  const { score, cov } = sc;
  try {
    const bytes = index.seq.data;
    const off = index.seqOff.data;
    for (const d of docs) {
      lastPos.fill(-1000);
      pairSeen.fill(0);
      let bonus = 0;
      let p = 0;
      // The token sequence read straight from its varints (see ByteList): code 0 is a field break, code c the term c - 1.
      for (let i = off[d] as number, end = off[d + 1] as number; i < end; ) {
        let b = bytes[i++] as number;
        let c = b & 0x7f;
        for (let shift = 7; b >= 0x80; shift += 7) {
          b = bytes[i++] as number;
          c |= (b & 0x7f) << shift;
        }
        const t = c - 1;
        if (t < 0) {
          if (t === SEQ_BREAK) lastPos.fill(-1000);
          continue;
        }
        p++;
        const g = groupOf[t] as number;
        if (g < 0) continue;
        for (let h = 0; h < G; h++) {
          if (h === g || p - (lastPos[h] as number) > window) continue;
          const key = g < h ? g * G + h : h * G + g;
          if (pairSeen[key]) continue;
          pairSeen[key] = 1;
          bonus += Math.min(importance[g] ?? 0, importance[h] ?? 0);
        }
        lastPos[g] = p;
      }
      if (bonus > 0) {
        const c = totalImportance > 0 ? (cov[d] ?? 0) / totalImportance : 1;
        score[d] = (score[d] ?? 0) + RANKING.proximityWeight * bonus * coverageFactor(c);
      }
    }
  } finally {
    for (const t of set) groupOf[t] = -1;
  }
}
