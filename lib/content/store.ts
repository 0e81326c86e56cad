import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Taxonomy } from "../schema/taxonomy";
import { accessOfText } from "./access";
import { ID_PATTERN } from "../schema/common";
import { taxonomySchema } from "../schema/factors";
import type { IncidentFrontmatter } from "../schema/incident";
import { fieldPath, type Problem } from "../schema/problems";
import { parseYaml, FrontmatterError } from "./frontmatter";
import { blobId } from "./git";
import { findGitDir } from "./git-dir";
import { parseIncidentText } from "./incident-file";
import { GitRepository, type Author, type ContentRepository, type FileChange } from "./repository";
import { locateYamlPath } from "./yaml-locate";

export const INCIDENTS_DIR = "incidents";
export const FACTORS_FILE = "factors.yml";

export interface IncidentDoc {
  ok: true;
  id: string;
  path: string;
  frontmatter: IncidentFrontmatter;
  body: string;
  bodyLine: number;
  /** git blob id of the text this was parsed from: the base revision of an edit. */
  blob: string;
  warnings: Problem[];
}

export interface BrokenIncident {
  ok: false;
  id: string;
  path: string;
  blob: string;
  problems: Problem[];
  /** Visibility as far as it can be read from the broken text (see accessOfText); null when it cannot: admins only. */
  access: { visibility: "internal" | "restricted"; groups: string[] } | null;
}

export type IncidentEntry = IncidentDoc | BrokenIncident;

/** An immutable view of the content at one moment; `version` changes whenever anything in it does. */
export interface Snapshot {
  version: number;
  head: string | null;
  taxonomy: Taxonomy;
  taxonomyProblems: Problem[];
  incidents: IncidentDoc[];
  broken: BrokenIncident[];
  byId: ReadonlyMap<string, IncidentEntry>;
}

interface FileState {
  mtimeMs: number;
  size: number;
  entry: IncidentEntry;
}

/** Parses the taxonomy file; problems are located like incident problems. */
export function parseTaxonomy(raw: string | null): { taxonomy: Taxonomy; problems: Problem[] } {
  if (raw === null) {
    return { taxonomy: Taxonomy.empty(), problems: [{ file: FACTORS_FILE, line: 1, col: 1, field: "factors", message: "factors.yml is missing", severity: "error" }] };
  }
  let data: unknown;
  try {
    data = parseYaml(raw);
  } catch (err) {
    const e = err as FrontmatterError;
    return { taxonomy: Taxonomy.empty(), problems: [{ file: FACTORS_FILE, line: e.line ?? 1, col: e.col ?? 1, field: "factors", message: e.message, severity: "error" }] };
  }
  const parsed = taxonomySchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const p = Array.isArray(data) ? issue.path.slice(1) : issue.path;
      const loc = locateYamlPath(raw, p);
      return { file: FACTORS_FILE, ...loc, field: fieldPath(issue.path), message: issue.message, severity: "error" as const };
    });
    return { taxonomy: Taxonomy.empty(), problems };
  }
  const problems: Problem[] = [];
  const ids = new Set<string>();
  const categoryIds = new Set(parsed.data.categories.map((c) => c.id));
  parsed.data.factors.forEach((f, i) => {
    const base = Array.isArray(data) ? [i] : ["factors", i];
    const locate = (key: string) => locateYamlPath(raw, [...base, key]);
    if (ids.has(f.id)) problems.push({ file: FACTORS_FILE, ...locate("id"), field: `factors[${i}].id`, message: `duplicate factor id "${f.id}"`, severity: "error" });
    ids.add(f.id);
    if (categoryIds.size > 0 && !categoryIds.has(f.category)) {
      problems.push({ file: FACTORS_FILE, ...locate("category"), field: `factors[${i}].category`, message: `unknown category "${f.category}"`, severity: "error" });
    }
  });
  parsed.data.factors.forEach((f, i) => {
    if (f.merged_into && !ids.has(f.merged_into)) {
      const loc = locateYamlPath(raw, [...(Array.isArray(data) ? [i] : ["factors", i]), "merged_into"]);
      problems.push({ file: FACTORS_FILE, ...loc, field: `factors[${i}].merged_into`, message: `unknown factor "${f.merged_into}"`, severity: "error" });
    }
  });
  return { taxonomy: new Taxonomy(parsed.data), problems };
}

/** Reads incidents from a content repository, parsed once and cached until a file changes. */
export class ContentStore {
  readonly repo: ContentRepository;
  private files = new Map<string, FileState>();
  private taxonomyState: { mtimeMs: number; size: number; taxonomy: Taxonomy; problems: Problem[] } | null = null;
  private current: Snapshot | null = null;
  private dirty = true;
  private checkedAt = 0;
  private watching = false;
  private refreshing: Promise<Snapshot> | null = null;
  private listeners = new Set<(s: Snapshot) => void>();

  constructor(repo: ContentRepository | string) {
    this.repo = typeof repo === "string" ? new GitRepository(repo) : repo;
  }

  get root(): string {
    return this.repo.root;
  }

  /** Marks the cache stale; the next snapshot() re-reads what changed. */
  invalidate(): void {
    this.dirty = true;
  }

  onChange(fn: (s: Snapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async snapshot(): Promise<Snapshot> {
    // With a working file watcher the tree is re-checked only when it reports a change (plus a slow safety net);
    // without one, at most once a second.
    const maxAge = this.watching ? 30_000 : 1_000;
    if (this.current && !this.dirty && Date.now() - this.checkedAt < maxAge) return this.current;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private startWatching(): void {
    if (this.watching) return;
    try {
      for (const dir of [this.root, path.join(this.root, INCIDENTS_DIR)]) {
        const w = fsSync.watch(dir, { persistent: false }, () => (this.dirty = true));
        w.on("error", () => {
          this.watching = false;
        });
      }
      this.watching = true;
    } catch {
      this.watching = false;
    }
  }

  private async refresh(): Promise<Snapshot> {
    this.dirty = false;
    this.checkedAt = Date.now();
    this.startWatching();
    let changed = this.current === null;

    const taxPath = path.join(this.root, FACTORS_FILE);
    const taxStat = await fs.stat(taxPath).catch(() => null);
    if (!this.taxonomyState || !taxStat || taxStat.mtimeMs !== this.taxonomyState.mtimeMs || taxStat.size !== this.taxonomyState.size) {
      const raw = await this.repo.readFile(FACTORS_FILE);
      const { taxonomy, problems } = parseTaxonomy(raw);
      this.taxonomyState = { mtimeMs: taxStat?.mtimeMs ?? 0, size: taxStat?.size ?? 0, taxonomy, problems };
      this.files.clear(); // validation depends on the taxonomy
      changed = true;
    }
    const taxonomy = this.taxonomyState.taxonomy;

    const names = (await this.repo.listDir(INCIDENTS_DIR)).filter((n) => n.endsWith(".mdx"));
    const seen = new Set<string>();
    await Promise.all(
      names.map(async (name) => {
        const rel = `${INCIDENTS_DIR}/${name}`;
        seen.add(rel);
        const st = await fs.stat(path.join(this.root, rel)).catch(() => null);
        if (!st || !st.isFile()) return;
        const prev = this.files.get(rel);
        if (prev && prev.mtimeMs === st.mtimeMs && prev.size === st.size) return;
        let entry: IncidentEntry;
        try {
          const raw = await this.repo.readFile(rel);
          if (raw === null) return;
          entry = parseEntry(rel, name.slice(0, -4), raw, taxonomy);
        } catch (err) {
          // An unreadable file (e.g. a symlink leaving the content directory) is one broken entry, not a failed snapshot.
          const problem: Problem = { file: rel, line: 1, col: 1, field: "file", message: `could not be read: ${(err as Error).message}`, severity: "error" };
          entry = { ok: false, id: name.slice(0, -4), path: rel, blob: "", problems: [problem], access: null };
        }
        if (prev && prev.entry.blob === entry.blob) {
          this.files.set(rel, { mtimeMs: st.mtimeMs, size: st.size, entry: prev.entry });
          return;
        }
        this.files.set(rel, { mtimeMs: st.mtimeMs, size: st.size, entry });
        changed = true;
      }),
    );
    for (const rel of [...this.files.keys()]) {
      if (!seen.has(rel)) {
        this.files.delete(rel);
        changed = true;
      }
    }
    const head = await readHead(this.root);
    if (!changed && this.current && head === this.current.head) return this.current;

    const entries = [...this.files.values()].map((f) => f.entry).sort((a, b) => a.id.localeCompare(b.id));
    const snapshot: Snapshot = {
      version: (this.current?.version ?? 0) + 1,
      head,
      taxonomy,
      taxonomyProblems: this.taxonomyState.problems,
      incidents: entries.filter((e): e is IncidentDoc => e.ok),
      broken: entries.filter((e): e is BrokenIncident => !e.ok),
      byId: new Map(entries.map((e) => [e.id, e])),
    };
    this.current = snapshot;
    for (const fn of this.listeners) fn(snapshot);
    return snapshot;
  }

  /** Commits changes through the repository's compare-and-swap path, then refreshes the snapshot at once. */
  async commit(changes: FileChange[], message: string, author: Author): Promise<{ commit: string; snapshot: Snapshot }> {
    try {
      const commit = await this.repo.commit(changes, message, author);
      return { commit, snapshot: await this.forceRefresh() };
    } finally {
      this.invalidate();
    }
  }

  async forceRefresh(): Promise<Snapshot> {
    this.invalidate();
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    return this.snapshot();
  }
}

/** Visibility of an incident file's text, valid or broken (see accessOfText); null when it cannot be worked out. */
export function accessOf(raw: string): BrokenIncident["access"] {
  return accessOfText(raw);
}

function parseEntry(rel: string, id: string, raw: string, taxonomy: Taxonomy): IncidentEntry {
  const blob = blobId(raw);
  const broken = (problems: Problem[]): BrokenIncident => ({ ok: false, id, path: rel, blob, problems, access: accessOf(raw) });
  if (!ID_PATTERN.test(id)) {
    return broken([{ file: rel, line: 1, col: 1, field: "id", message: `file name "${id}" is not a valid id (lowercase letters, digits and dashes)`, severity: "error" }]);
  }
  try {
    const parsed = parseIncidentText(rel, raw, taxonomy);
    if (!parsed.ok) return broken(parsed.problems);
    return { ok: true, id, path: rel, frontmatter: parsed.frontmatter, body: parsed.body, bodyLine: parsed.bodyLine, blob, warnings: parsed.warnings };
  } catch (err) {
    // One broken file never breaks anything else, whatever goes wrong inside the parser.
    return broken([{ file: rel, line: 1, col: 1, field: "file", message: `could not be read: ${(err as Error).message}`, severity: "error" }]);
  }
}

/** Reads HEAD from the .git directory without spawning git (the hot path of every snapshot check). */
async function readHead(root: string): Promise<string | null> {
  try {
    const gitDir = findGitDir(root);
    if (!gitDir) return null;
    const head = (await fs.readFile(path.join(gitDir, "HEAD"), "utf8")).trim();
    if (!head.startsWith("ref: ")) return head || null;
    const ref = head.slice(5);
    const loose = await fs.readFile(path.join(gitDir, ref), "utf8").catch(() => null);
    if (loose) return loose.trim();
    const packed = await fs.readFile(path.join(gitDir, "packed-refs"), "utf8").catch(() => "");
    const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
    return line ? line.split(" ")[0] ?? null : null;
  } catch {
    return null;
  }
}
