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
  try {
    if (G === 2 && plan.phrases.some((p) => groupsWithin(p.ids, groupOf, window))) {
      // Every document here has a required phrase holding both groups' words within the window (the phrase filter ran
      // before), and that pair is the only one: the scan below would find exactly this bonus in each of them.
      const bonus = Math.min(importance[0] ?? 0, importance[1] ?? 0);
      if (bonus > 0) for (const d of docs) addBonus(sc, d, bonus, totalImportance);
      return;
    }
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
      if (bonus > 0) addBonus(sc, d, bonus, totalImportance);
    }
  } finally {
    for (const t of set) groupOf[t] = -1;
  }
}

function addBonus(sc: Scratch, d: number, bonus: number, totalImportance: number): void {
  const c = totalImportance > 0 ? (sc.cov[d] ?? 0) / totalImportance : 1;
  sc.score[d] = (sc.score[d] ?? 0) + RANKING.proximityWeight * bonus * coverageFactor(c);
}

/** Whether a phrase's words (term ids in order) include a word of group 0 and one of group 1 at most `window` apart. */
function groupsWithin(ids: Int32Array, groupOf: Int32Array, window: number): boolean {
  for (let i = 0; i < ids.length; i++) {
    const g = groupOf[ids[i] as number] ?? -1;
    if (g < 0) continue;
    for (let j = Math.max(0, i - window); j <= Math.min(ids.length - 1, i + window); j++) {
      const h = groupOf[ids[j] as number] ?? -1;
      if (h >= 0 && h !== g) return true;
    }
  }
  return false;
}
