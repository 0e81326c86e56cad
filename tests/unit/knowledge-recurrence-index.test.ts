import { describe, expect, it } from "vitest";
import { addressedFactors, incidentFactors, type KnowledgeIncident } from "../../lib/knowledge/incident-view";
import { doneAtMs, startedAt, startedMs } from "../../lib/knowledge/facts";
import {
  factorRecurrenceSummary,
  recurrenceCounts,
  recurrences,
  recurrencesForCountermeasure,
  recurrencesForFactor,
  recurrencesForIncident,
  recurringIncidentCounts,
  type Recurrence,
} from "../../lib/knowledge/recurrence";
import { doneCm, factors, inc, makeTaxonomy } from "./knowledge-fixtures";

const tax = makeTaxonomy();
const FACTORS = ["retry-storm", "connection-pool-exhaustion", "missing-monitoring", "bad-config-push", "unvalidated-config-change", "clock-skew", "not-in-taxonomy"];

/** Deterministic PRNG (mulberry32), so a failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Many incidents over a year with overlapping factors, done and open countermeasures, same-day and undated cases. */
function randomList(seed: number, n: number): KnowledgeIncident[] {
  const r = rng(seed);
  const pick = () => FACTORS[Math.floor(r() * FACTORS.length)] ?? "retry-storm";
  const day = (offset: number) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  return Array.from({ length: n }, (_, i) => {
    const start = Math.floor(r() * 365);
    const cms = Array.from({ length: Math.floor(r() * 3) }, (_, j) =>
      // Date-only done_at (end of that day) and exact instants that equal some incident's start.
      r() < 0.7 ? doneCm(`cm-${j + 1}`, `${day(start + Math.floor(r() * 30))}${r() < 0.4 ? "T12:30:00Z" : ""}`, [pick(), pick()]) : { id: `cm-${j + 1}`, title: "open", type: "detect" as const, owner: "o", due: day(start + 20), status: "open" as const, addresses: [pick()] },
    );
    return inc(`i-${String(i).padStart(3, "0")}`, {
      // A few undated incidents, and several on the same day (ties in start time).
      started_at: r() < 0.05 ? undefined : `${day(start)}T${r() < 0.3 ? "00:00" : "12:30"}:00Z`,
      contributing_factors: factors(pick(), pick(), pick()),
      countermeasures: cms,
    });
  });
}

/** The definition, written the obvious way: every incident × every done countermeasure addressing one of its factors. */
function reference(list: readonly KnowledgeIncident[]): Recurrence[] {
  const out: Recurrence[] = [];
  for (const later of list) {
    const t = startedMs(later);
    const started = startedAt(later);
    if (t === null || !started) continue;
    for (const { factor } of incidentFactors(later, tax)) {
      for (const fix of list) {
        for (const cm of fix.frontmatter.countermeasures) {
          const at = doneAtMs(cm.done_at);
          if (cm.status !== "done" || !cm.done_at || at === null || !addressedFactors(cm, tax).includes(factor) || t <= at) continue;
          out.push({
            factor,
            factorName: tax.get(factor)?.name ?? factor,
            countermeasure: { incidentId: fix.id, incidentTitle: fix.frontmatter.title, id: cm.id, title: cm.title, type: cm.type, done_at: cm.done_at },
            recurredIn: { incidentId: later.id, title: later.frontmatter.title, started_at: started },
          });
        }
      }
    }
  }
  return out.sort(
    (a, b) =>
      Date.parse(a.recurredIn.started_at) - Date.parse(b.recurredIn.started_at) ||
      a.factor.localeCompare(b.factor) ||
      a.countermeasure.incidentId.localeCompare(b.countermeasure.incidentId) ||
      a.countermeasure.id.localeCompare(b.countermeasure.id) ||
      a.recurredIn.incidentId.localeCompare(b.recurredIn.incidentId),
  );
}

// The per-factor, per-incident and counting functions answer from an index; the full list of triples is the definition.
describe("recurrence answers from the index agree with the definition", () => {
  for (const seed of [1, 2, 3]) {
    const list = randomList(seed, 120);
    const all = reference(list);

    it(`finds the same triples as the definition (seed ${seed})`, () => {
      expect(recurrences(list, tax)).toEqual(all);
    });

    it(`has recurrences to compare (seed ${seed})`, () => {
      expect(all.length).toBeGreaterThan(50);
    });

    it(`counts recurring incidents per factor like recurrenceCounts (seed ${seed})`, () => {
      expect(recurringIncidentCounts(list, tax)).toEqual(recurrenceCounts(all));
      const scope = new Set(list.filter((_, i) => i % 3 === 0).map((i) => i.id));
      expect(recurringIncidentCounts(list, tax, scope)).toEqual(recurrenceCounts(all.filter((r) => scope.has(r.recurredIn.incidentId))));
    });

    it(`lists one factor's, one incident's and one countermeasure's recurrences in the same order (seed ${seed})`, () => {
      for (const f of ["retry-storm", "bad-config-push", "unvalidated-config-change", "not-in-taxonomy"]) {
        const id = tax.canonicalId(f) ?? f;
        expect(recurrencesForFactor(list, tax, f)).toEqual(all.filter((r) => r.factor === id));
      }
      for (const i of list.slice(0, 40)) {
        expect(recurrencesForIncident(list, tax, i.id)).toEqual({
          recurred: all.filter((r) => r.recurredIn.incidentId === i.id),
          notHeld: all.filter((r) => r.countermeasure.incidentId === i.id),
        });
        for (const cm of i.frontmatter.countermeasures) {
          expect(recurrencesForCountermeasure(list, tax, i.id, cm.id)).toEqual(all.filter((r) => r.countermeasure.incidentId === i.id && r.countermeasure.id === cm.id));
        }
      }
    });

    it(`groups one factor's recurrences by countermeasure with counts and the earliest examples (seed ${seed})`, () => {
      const own = all.filter((r) => r.factor === "retry-storm");
      const expected = new Map<string, { countermeasure: unknown; recurredIn: unknown[] }>();
      for (const r of own) {
        const key = `${r.countermeasure.incidentId}#${r.countermeasure.id}`;
        const g = expected.get(key) ?? { countermeasure: r.countermeasure, recurredIn: [] };
        g.recurredIn.push(r.recurredIn);
        expected.set(key, g);
      }
      const summary = factorRecurrenceSummary(list, tax, "retry-storm", 3);
      expect(summary.incidents).toBe(new Set(own.map((r) => r.recurredIn.incidentId)).size);
      expect(summary.byCountermeasure).toEqual([...expected.values()].map((g) => ({ countermeasure: g.countermeasure, count: g.recurredIn.length, recurredIn: g.recurredIn.slice(0, 3) })));
    });
  }

  it("answers nothing for an unknown incident or factor", () => {
    const list = randomList(9, 20);
    expect(recurrencesForIncident(list, tax, "nope")).toEqual({ recurred: [], notHeld: [] });
    expect(factorRecurrenceSummary(list, tax, "never-used")).toEqual({ incidents: 0, byCountermeasure: [] });
  });
});
