import "server-only";
import { canRead, type Viewer, type VisibilityFields } from "../auth/viewer";
import { getStore, type BrokenIncident, type IncidentDoc } from "../content";
import type { ContentRepository } from "../content/repository";
import { accessOf, INCIDENTS_DIR, type ContentStore } from "../content/store";
import { AppError } from "../errors";
import { getIncidentEntry } from "../knowledge/visible";
import { fieldChanges, type FieldChange } from "../knowledge/field-changes";
import { splitDocument } from "../content/frontmatter";
import { incidentSchema, type IncidentFrontmatter } from "../schema/incident";

export interface HistoryEntry {
  commit: string;
  short: string;
  authorName: string;
  authorEmail: string;
  date: string;
  subject: string;
  path: string;
  /** Blob id of the file's text at this revision. */
  blob: string;
}

/** Who may read an old revision whose visibility cannot be read (its YAML is broken): admins only. */
const UNKNOWN_ACCESS: VisibilityFields = { visibility: "restricted", groups: [] };
const ACCESS_CACHE_MAX = 50_000;
/** Subject shown for a revision whose previous one the viewer may not read. */
export const HIDDEN_BEFORE_SUBJECT = "Changes from an earlier version you cannot see";
// A blob's text never changes, so neither does its visibility: each old revision is read and parsed once.
const accessByBlob = new Map<string, VisibilityFields>();

async function accessOfBlobs(repo: ContentRepository, blobs: readonly string[]): Promise<Map<string, VisibilityFields>> {
  const missing = [...new Set(blobs)].filter((b) => !accessByBlob.has(b));
  if (missing.length) {
    const texts = await repo.readBlobs(missing);
    for (const b of missing) {
      const text = texts.get(b);
      if (text === undefined) continue;
      if (accessByBlob.size >= ACCESS_CACHE_MAX) accessByBlob.delete(accessByBlob.keys().next().value!);
      accessByBlob.set(b, accessOf(text) ?? UNKNOWN_ACCESS);
    }
  }
  return new Map(blobs.map((b) => [b, accessByBlob.get(b) ?? UNKNOWN_ACCESS]));
}

/**
 * Revisions of an incident's file the viewer may read, newest first: each one's visibility is that of the file's text
 * at that revision (an incident made internal later keeps its restricted past hidden). A hidden revision is left out
 * entirely, its commit's subject and author with it, and diffs are only offered between revisions listed here.
 * Renames are followed only where Kaizen recorded them (see ContentRepository.log).
 */
export async function incidentHistory(viewer: Viewer, id: string, store: ContentStore = getStore()): Promise<{ entry: IncidentDoc | BrokenIncident; history: HistoryEntry[] } | null> {
  const entry = await getIncidentEntry(viewer, id, store);
  if (!entry) return null;
  const log = await store.repo.log(`${INCIDENTS_DIR}/${id}.mdx`);
  const access = await accessOfBlobs(store.repo, log.map((c) => c.blob));
  const visible = log.map((c) => canRead(viewer, access.get(c.blob) ?? UNKNOWN_ACCESS));
  const history: HistoryEntry[] = [];
  log.forEach((c, i) => {
    if (!visible[i]) return;
    // The commit that made a hidden version readable describes the change from it (Kaizen's message names the old
    // id, which comes from the old title, and the old visibility): its subject is not shown.
    const afterHidden = i + 1 < log.length && !visible[i + 1];
    const subject = afterHidden ? HIDDEN_BEFORE_SUBJECT : c.subject;
    history.push({ commit: c.commit, short: c.commit.slice(0, 7), authorName: c.authorName, authorEmail: c.authorEmail, date: c.date, subject, path: c.path, blob: c.blob });
  });
  return { entry, history };
}

function pickPair(history: readonly HistoryEntry[], from: string, to: string): [HistoryEntry, HistoryEntry] {
  const pick = (rev: string) => (/^[0-9a-f]{7,40}$/.test(rev) ? history.find((c) => c.commit.startsWith(rev)) : undefined);
  const a = pick(from);
  const b = pick(to);
  if (!a || !b) throw new AppError("bad_request", "from, to: choose two revisions of this incident");
  return [a, b];
}

/** Unified diff of the incident's file between two of the revisions the viewer may read. */
export async function incidentDiff(viewer: Viewer, id: string, from: string, to: string, store: ContentStore = getStore()): Promise<string | null> {
  const h = await incidentHistory(viewer, id, store);
  if (!h) return null;
  const [a, b] = pickPair(h.history, from, to);
  return store.repo.diff(a.commit, b.commit, a.path, b.path);
}

/** Frontmatter of a revision's text, or null when it cannot be read (the field view then says so). */
function frontmatterOf(text: string | undefined): IncidentFrontmatter | null {
  if (text === undefined) return null;
  const split = splitDocument(text);
  if (!split.ok) return null;
  const fm = incidentSchema.safeParse(split.doc.data);
  return fm.success ? fm.data : null;
}

export interface Comparison {
  from: HistoryEntry;
  to: HistoryEntry;
  /** The raw unified diff of the file. */
  diff: string;
  /** The same change described field by field (timeline rows, factors, countermeasures, summary, status, …). */
  fields: FieldChange[];
  /** Revisions whose frontmatter could not be read, so the field view is partial. */
  unreadable: ("from" | "to")[];
}

/** Two revisions the viewer may read, compared as raw lines and as fields. */
export async function compareRevisions(viewer: Viewer, id: string, from: string, to: string, store: ContentStore = getStore()): Promise<Comparison | null> {
  const h = await incidentHistory(viewer, id, store);
  if (!h) return null;
  const [a, b] = pickPair(h.history, from, to);
  const [diff, texts] = await Promise.all([store.repo.diff(a.commit, b.commit, a.path, b.path), store.repo.readBlobs([a.blob, b.blob])]);
  const before = frontmatterOf(texts.get(a.blob));
  const after = frontmatterOf(texts.get(b.blob));
  const taxonomy = (await store.snapshot()).taxonomy;
  const name = (f: string) => taxonomy.get(f)?.name ?? f;
  const unreadable: Comparison["unreadable"] = [];
  if (!before) unreadable.push("from");
  if (!after) unreadable.push("to");
  const fields = before && after ? fieldChanges(before, after, name) : [];
  return { from: a, to: b, diff, fields, unreadable };
}
