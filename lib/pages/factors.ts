import "server-only";
import { visibleContent, knowledgeOf, type VisibleContent } from "../knowledge/visible";
import { pageMemo } from "./page-memo";
import { z } from "zod";
import { canManageTaxonomy, type Viewer } from "../auth/viewer";
import { mergeSuggestions, type MergeSuggestion, type TaxonomyCare } from "../knowledge/taxonomy-care";
import type { Problem } from "../schema/problems";
import { factorReportRows, type FactorReportRow } from "../knowledge/factor-report";
import { pageOf, type PageQuery } from "../paging";

// /factors. Like factor.ts, learnings.ts, incident-knowledge.ts and factor-suggestions.ts, every function starts from
// visibleContent(viewer): the model is built over the incidents this viewer may read, so counts, charts and
// recurrences never include a restricted incident the viewer cannot open.

export const UNKNOWN_CATEGORY = { id: "unknown", name: "Not in the taxonomy", description: "Ids used by incidents that factors.yml does not define: add them or fix the incidents." };

// ---------------------------------------------------------------------------------------------------------------------
// /factors

export const FACTOR_SORTS = ["incidents", "teams", "recency", "name"] as const;
export type FactorSort = (typeof FACTOR_SORTS)[number];

/** The `?sort=` of /factors; anything else falls back to the default. */
export function parseFactorSort(v: unknown): FactorSort {
  return z.enum(FACTOR_SORTS).catch("incidents").parse(Array.isArray(v) ? v[0] : v);
}

export interface FactorSummary {
  id: string;
  name: string;
  description: string;
  known: boolean;
  incidents: number;
  teams: string[];
  lastSeen: string | null;
  /** Incidents per month, last 12 months, oldest first. */
  sparkline: { month: string; count: number }[];
  /** Distinct incidents that had this factor after a countermeasure addressing it was done. */
  recurrences: number;
}

export interface FactorsIndexData {
  sort: FactorSort;
  categories: { id: string; name: string; description: string; incidents: number; factors: FactorSummary[] }[];
  totals: { factors: number; used: number; crossTeam: number; recurred: number };
  care: TaxonomyCare;
  /** For admins: the active factors to merge, rename or split, and pairs that look like one factor. */
  admin: { factors: { id: string; name: string }[]; candidates: MergeSuggestion[] } | null;
  /** Whether factors.yml could be read: "missing" and "broken" pages say how to fix it (its problems are not secret). */
  taxonomyFile: { state: "ok" | "missing" | "broken"; problems: string[] };
}

const time = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);

const factorOrder: Record<FactorSort, (a: FactorSummary, b: FactorSummary) => number> = {
  incidents: (a, b) => b.incidents - a.incidents || b.teams.length - a.teams.length || a.name.localeCompare(b.name),
  teams: (a, b) => b.teams.length - a.teams.length || b.incidents - a.incidents || a.name.localeCompare(b.name),
  recency: (a, b) => time(b.lastSeen) - time(a.lastSeen) || a.name.localeCompare(b.name),
  name: (a, b) => a.name.localeCompare(b.name),
};

/** /factors: every factor by category with counts, teams, a 12-month sparkline and the recurrence flag; taxonomy care. */
export async function getFactorsIndex(viewer: Viewer, sort: FactorSort = "incidents", now = new Date()): Promise<FactorsIndexData> {
  const visible = await visibleContent(viewer);
  // The admin block (merge candidates) depends on the role beside the access level: part of the key.
  const admin = canManageTaxonomy(viewer);
  return factorsIndexMemo(visible, `${sort}|${admin}`, now, async () => computeFactorsIndex(visible, sort, admin, now));
}

const factorsIndexMemo = pageMemo<FactorsIndexData>();

function computeFactorsIndex(visible: VisibleContent, sort: FactorSort, isAdmin: boolean, now: Date): FactorsIndexData {
  const k = knowledgeOf(visible, now);
  const rec = k.recurringIncidentCounts();
  const byCategory = new Map<string, FactorSummary[]>();
  for (const link of k.factorLinks()) {
    const list = byCategory.get(link.category) ?? [];
    byCategory.set(link.category, list);
    list.push({
      id: link.factor,
      name: link.name,
      description: link.description,
      known: link.known,
      incidents: link.incidents.length,
      teams: link.teams.map((t) => t.name),
      lastSeen: link.lastSeen,
      sparkline: k.factorSparkline(link.factor, 12),
      recurrences: rec.get(link.factor) ?? 0,
    });
  }
  const cats = [...k.taxonomy.categories, ...(byCategory.has(UNKNOWN_CATEGORY.id) ? [UNKNOWN_CATEGORY] : [])];
  const categories = cats
    .map((c) => {
      const factors = (byCategory.get(c.id) ?? []).sort(factorOrder[sort]);
      // Incidents with several factors of one category count once for it.
      const incidents = new Set(factors.flatMap((f) => k.factorLink(f.id)?.incidents.map((i) => i.id) ?? [])).size;
      return { id: c.id, name: c.name, description: c.description, incidents, factors };
    })
    .filter((c) => c.factors.length > 0);
  const all = categories.flatMap((c) => c.factors);
  return {
    sort,
    categories,
    totals: {
      factors: all.length,
      used: all.filter((f) => f.incidents > 0).length,
      crossTeam: all.filter((f) => f.teams.length > 1).length,
      recurred: all.filter((f) => f.recurrences > 0).length,
    },
    care: k.taxonomyCare(),
    admin: isAdmin
      ? {
          factors: k.taxonomy.active.map((f) => ({ id: f.id, name: f.name })).sort((a, b) => a.name.localeCompare(b.name)),
          candidates: mergeSuggestions(visible.incidents, k.taxonomy),
        }
      : null,
    taxonomyFile: taxonomyFileState(visible.snapshot.taxonomyProblems),
  };
}

/** What the factors page says about factors.yml: fine, absent (`kaizen init` writes one), or unreadable (why). */
export function taxonomyFileState(problems: readonly Problem[]): FactorsIndexData["taxonomyFile"] {
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length === 0) return { state: "ok", problems: [] };
  if (errors.some((p) => /is missing/.test(p.message))) return { state: "missing", problems: [] };
  return { state: "broken", problems: errors.map((p) => `${p.file}:${p.line}:${p.col}  ${p.field}  ${p.message}`) };
}

// ---------------------------------------------------------------------------------------------------------------------
// /factors/[id]


// ---------------------------------------------------------------------------------------------------------------------
// GET /api/factors

/** The recurring-factor report for this viewer, one page at a time (restricted incidents they may not read never count). */
export async function factorsApiPage(viewer: Viewer, page: PageQuery, now = new Date()): Promise<{ total: number; factors: FactorReportRow[]; next: string | null }> {
  const k = knowledgeOf(await visibleContent(viewer), now);
  const rows = factorReportRows(k);
  const { items, next } = pageOf(rows, (r) => r.factor, page);
  return { total: rows.length, factors: items, next };
}
