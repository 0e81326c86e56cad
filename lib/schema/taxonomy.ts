import type { Factor, FactorCategory, TaxonomyFile } from "./factors";
import { editDistance, normalizeName } from "./fuzzy";

/** The factor taxonomy with lookups: canonical ids through `merged_into`, aliases, and "did you mean". */
export class Taxonomy {
  readonly factors: Factor[];
  readonly categories: FactorCategory[];
  private readonly byId = new Map<string, Factor>();
  private readonly byName = new Map<string, string>();

  constructor(file: TaxonomyFile) {
    this.factors = file.factors;
    const known = new Set(file.factors.map((f) => f.category));
    this.categories = [...file.categories];
    for (const c of known) {
      if (!this.categories.some((x) => x.id === c)) this.categories.push({ id: c, name: titleCase(c), description: "", maps_to: [] });
    }
    for (const f of file.factors) this.byId.set(f.id, f);
    for (const f of file.factors) {
      for (const n of [f.id, f.name, ...f.aliases]) {
        const key = normalizeName(n);
        if (key && !this.byName.has(key)) this.byName.set(key, f.id);
      }
    }
  }

  static empty(): Taxonomy {
    return new Taxonomy({ categories: [], factors: [] });
  }

  get(id: string): Factor | undefined {
    return this.byId.get(id);
  }

  /** Follows `merged_into` to the factor that is current today (cycles stop at the first repeat). */
  canonicalId(id: string): string | undefined {
    let cur = this.byId.get(id);
    const seen = new Set<string>();
    while (cur?.merged_into && !seen.has(cur.id)) {
      seen.add(cur.id);
      const next = this.byId.get(cur.merged_into);
      if (!next) break;
      cur = next;
    }
    return cur?.id;
  }

  canonical(id: string): Factor | undefined {
    const c = this.canonicalId(id);
    return c ? this.byId.get(c) : undefined;
  }

  /** Factors in use today (not merged into another). */
  get active(): Factor[] {
    return this.factors.filter((f) => !f.merged_into);
  }

  category(id: string): FactorCategory | undefined {
    return this.categories.find((c) => c.id === id);
  }

  /** Resolves an id, name or alias written as free text to a canonical factor id. */
  resolveName(text: string): string | undefined {
    const id = this.byName.get(normalizeName(text));
    return id ? this.canonicalId(id) : undefined;
  }

  /** Closest known ids for an unknown one, from aliases and edit distance. */
  didYouMean(unknown: string, limit = 3): string[] {
    const direct = this.resolveName(unknown);
    if (direct) return [direct];
    const key = normalizeName(unknown);
    const max = Math.max(2, Math.floor(key.length / 3));
    const scored: { id: string; d: number }[] = [];
    for (const [name, id] of this.byName) {
      const d = editDistance(key, name, max);
      if (d <= max) scored.push({ id: this.canonicalId(id) ?? id, d });
    }
    scored.sort((a, b) => a.d - b.d);
    return [...new Set(scored.map((s) => s.id))].slice(0, limit);
  }
}

function titleCase(s: string): string {
  return s.replace(/[-_]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());
}
