import "server-only";
import { z } from "zod";
import { AppError } from "../errors";
import { ID_PATTERN } from "../schema/common";
import { canAuthor, canManageVisibility, type Viewer } from "../auth/viewer";
import { splitDocument } from "../content/frontmatter";
import { facetValues } from "./incidents";
import { getIncidentEntry, visibleContent } from "../knowledge/visible";
import { incidentFactors, type KnowledgeIncident } from "../knowledge/incident-view";
import { startedAt } from "../knowledge/facts";
import { defaultTimeZone } from "../knowledge/dates";
import { getStore } from "../content";
import { visibleTo } from "../search";
import { getSearchIndex } from "../search/service";
import { similarToDraft } from "../search/similar";
import type { TaxonomyFile } from "../schema/factors";
import type { Problem } from "../schema/problems";
import { formFromData, type EditorForm } from "../editor/form";
import { loadForEdit } from "../editor/save";
import { BODY_TEMPLATE, newIncidentFrontmatter } from "../editor/template";
import { conflictsFor } from "../sync/service";

// Past incidents the browser gets for factor suggestions: recent ones with factors, trimmed to what suggestions read.
const SUGGEST_SAMPLE = 300;

/** Everything the editor page needs, as plain data for the client component. */
export interface EditorData {
  mode: "new" | "edit";
  id: string | null;
  baseBlob: string | null;
  /** The file text the edit starts from (null when creating): the form's values are applied onto it when saving. */
  baseText: string | null;
  form: EditorForm;
  /** Problems the file had when it was opened (a broken file still opens in the editor). */
  loadProblems: Problem[];
  taxonomy: TaxonomyFile;
  facets: { services: string[]; teams: string[]; tags: string[]; groups: string[]; people: string[] };
  /** Visible incidents per canonical factor id ("how often did this recur?"). */
  factorCounts: Record<string, number>;
  pastIncidents: KnowledgeIncident[];
  viewer: { email: string; name: string; canManageVisibility: boolean };
  /** A save of this viewer's that a pull could not bring onto the remote's version: opened as a conflict. */
  syncConflict: { currentText: string; currentBlob: string; message: string } | null;
  /** The team's time zone (KAIZEN_TIME_ZONE): the date/time inputs show and read times in it. */
  timeZone: string;
  /**
   * kaizen.yml review.required: only a review publishes, so the editor offers "Published" only to a file that already
   * is (the save refuses the change anyway; this says so before anyone tries).
   */
  publishThroughReview: boolean;
}

/**
 * The edit page of an incident: the editor's data for an author; "authors-only" for a reader who may read the
 * incident (told why they cannot edit it); null for anything else (the same 404 as an unknown id).
 */
export async function getEditPage(viewer: Viewer, id: string): Promise<EditorData | "authors-only" | null> {
  if (!canAuthor(viewer)) return (await getIncidentEntry(viewer, id)) ? "authors-only" : null;
  return getEditorData(viewer, id);
}

/** Editor data for a new incident (id null) or an existing one; null when the viewer may not author or see it. */
export async function getEditorData(viewer: Viewer, id: string | null): Promise<EditorData | null> {
  if (!canAuthor(viewer)) return null;
  let form: EditorForm;
  let baseBlob: string | null = null;
  let baseText: string | null = null;
  let loadProblems: Problem[] = [];
  let syncConflict: EditorData["syncConflict"] = null;
  let loadedStatus: string | null = null;
  if (id === null) {
    const fm = newIncidentFrontmatter("", viewer.email || undefined);
    form = formFromData(fm, BODY_TEMPLATE);
  } else {
    const loaded = await loadForEdit(viewer, id);
    if (!loaded) return null;
    baseBlob = loaded.blob;
    baseText = loaded.text;
    loadedStatus = loaded.doc?.frontmatter.status ?? null;
    // Only while the file is still the version the conflict was against: anything newer is a fresh start.
    const kept = (await conflictsFor(viewer, id)).find((c) => c.theirsBlob === loaded.blob && c.mine !== null);
    const start = kept?.mine ?? loaded.text;
    if (kept) syncConflict = { currentText: loaded.text, currentBlob: loaded.blob, message: "Your save could not be pushed: the incident was changed on the team's repository meanwhile (for example a merged pull request). Your version is in the form; the repository's version is below." };
    const split = splitDocument(start);
    form = split.ok ? formFromData(split.doc.data, split.doc.body) : formFromData({}, start);
    if (!loaded.doc) {
      const snap = await visibleContent(viewer);
      loadProblems = snap.broken.find((b) => b.id === id)?.problems ?? [];
    }
  }
  const visible = await visibleContent(viewer);
  const { taxonomy } = visible.snapshot;
  const facets = facetValues(visible.incidents);
  const groups = new Set<string>(viewer.groups);
  const people = new Map<string, number>();
  const factorCounts: Record<string, number> = {};
  for (const inc of visible.incidents) {
    for (const g of inc.frontmatter.groups) groups.add(g);
    for (const p of [...inc.frontmatter.authors, ...inc.frontmatter.countermeasures.map((c) => c.owner)]) people.set(p, (people.get(p) ?? 0) + 1);
    for (const f of incidentFactors(inc, taxonomy)) factorCounts[f.factor] = (factorCounts[f.factor] ?? 0) + 1;
  }
  const past = visible.incidents
    .filter((i) => i.id !== id && i.frontmatter.contributing_factors.length > 0)
    .sort((a, b) => (startedAt(b) ?? "").localeCompare(startedAt(a) ?? ""))
    .slice(0, SUGGEST_SAMPLE)
    .map((i) => ({ id: i.id, frontmatter: { ...i.frontmatter, impact: "", timeline: [], countermeasures: [], authors: [] } }));
  return {
    mode: id === null ? "new" : "edit",
    id,
    baseBlob,
    baseText,
    form,
    loadProblems,
    taxonomy: { categories: taxonomy.categories, factors: taxonomy.factors },
    facets: { ...facets, groups: [...groups].sort(), people: [...people.entries()].sort((a, b) => b[1] - a[1]).map(([p]) => p).slice(0, 200) },
    factorCounts,
    pastIncidents: past,
    viewer: { email: viewer.email, name: viewer.name, canManageVisibility: canManageVisibility(viewer) },
    syncConflict,
    timeZone: defaultTimeZone(),
    publishThroughReview: visible.snapshot.config.review.required && loadedStatus !== "published",
  };
}

export interface SimilarIncident {
  id: string;
  title: string;
  /** Why it matched, in words: "shares Missing monitoring; matched: connection pool, timeout". */
  reason: string;
  /** Factor names the draft and this incident share. */
  sharedFactors: string[];
  /** The draft's words found in this incident, as it writes them. */
  matchedTerms: string[];
}

export const similarRequestSchema = z.object({
  title: z.string().max(2_000).optional(),
  summary: z.string().max(20_000).optional(),
  timeline: z.array(z.string().max(2_000)).max(500).optional(),
  /** Any other text of the draft (impact). */
  text: z.string().max(20_000).default(""),
  factors: z.array(z.string().max(100)).max(50).default([]),
  exclude: z.string().regex(ID_PATTERN).optional(),
});

/**
 * "Seen before?": the viewer's visible incidents most like a draft (`{ title?, summary?, timeline?, text, factors,
 * exclude? }`), found by the search engine with the draft's title, factors, summary and timeline as the query (see
 * lib/search/similar.ts), with why each matched. The draft itself (`exclude`) is left out.
 */
export async function similarForDraft(viewer: Viewer, raw: unknown, limit = 5): Promise<SimilarIncident[]> {
  const parsed = similarRequestSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  const input = parsed.data;
  const store = getStore();
  const snapshot = await store.snapshot();
  const index = await getSearchIndex(store);
  const factors = [...new Set(input.factors.map((f) => snapshot.taxonomy.canonicalId(f) ?? f))];
  const matches = similarToDraft(index, { title: input.title, summary: input.summary, timeline: input.timeline, text: input.text, factors }, { canSee: visibleTo(viewer, snapshot, index), exclude: input.exclude, limit });
  return matches.map((m) => {
    const sharedFactors = m.sharedFactors.map((f) => f.name);
    const reason = [sharedFactors.length ? `shares ${sharedFactors.join(", ")}` : "", m.matchedTerms.length ? `matched: ${m.matchedTerms.join(", ")}` : "", ...m.reasons].filter(Boolean).join("; ");
    return { id: m.id, title: m.title, reason, sharedFactors, matchedTerms: m.matchedTerms };
  });
}
