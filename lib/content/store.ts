import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Taxonomy } from "../schema/taxonomy";
import { accessOfText } from "./access";
import { compactCopy } from "./compact";
import { ID_PATTERN } from "../schema/common";
import { taxonomySchema } from "../schema/factors";
import type { KaizenConfig } from "../schema/kaizen-config";
import { KAIZEN_CONFIG_FILE, parseKaizenConfig } from "./kaizen-config";
import type { IncidentFrontmatter } from "../schema/incident";
import { fieldPath, type Problem } from "../schema/problems";
import { findGitDir } from "./git-dir";
import { bulkMdxWorkers, checkMdxOffThread, mdxWorkerCount } from "../mdx/off-thread";
import { parseIncidentTextWith } from "./incident-file";
import { cacheKey, type ParseCache } from "./parse-cache";
import { GitRepository, type Author, type ContentRepository, type FileChange, type TreeEntry } from "./repository";
import { FrontmatterError, parseYamlSafe, type ParsedYaml } from "./yaml";

export const INCIDENTS_DIR = "incidents";
export const FACTORS_FILE = "factors.yml";
const SYMLINK_MODE = "120000";
/** Files whose frontmatter is parsed between two turns of the event loop while a snapshot is built. */
const PARSE_CHUNK = 16;
/** A refresh parsing at least this many files (a new clone, a large pull) uses every core's MDX worker. */
const BULK_PARSE_FILES = 64;

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
  /** kaizen.yml as committed (defaults when absent; a broken section at its defaults). */
  config: KaizenConfig;
  configProblems: Problem[];
  incidents: IncidentDoc[];
  broken: BrokenIncident[];
  byId: ReadonlyMap<string, IncidentEntry>;
}

/** Progress of a snapshot being built: files in the tree, parsed so far, taken from the parse cache. */
export interface LoadProgress {
  phase: "idle" | "reading" | "parsing" | "ready";
  files: number;
  /** Files this refresh must parse (new or changed, not in the parse cache). */
  toParse: number;
  parsed: number;
  fromCache: number;
}

interface FileState {
  blob: string;
  entry: IncidentEntry;
}

/** Parses the taxonomy file; problems are located like incident problems. */
export function parseTaxonomy(raw: string | null): { taxonomy: Taxonomy; problems: Problem[] } {
  if (raw === null) {
    return { taxonomy: Taxonomy.empty(), problems: [{ file: FACTORS_FILE, line: 1, col: 1, field: "factors", message: "factors.yml is missing", severity: "error" }] };
  }
  let yaml: ParsedYaml;
  try {
    yaml = parseYamlSafe(raw);
  } catch (err) {
    const at = err instanceof FrontmatterError ? { line: err.line, col: err.col, message: err.message } : { line: 1, col: 1, message: `could not read factors.yml: ${(err as Error).message}` };
    return { taxonomy: Taxonomy.empty(), problems: [{ file: FACTORS_FILE, ...at, field: "factors", severity: "error" }] };
  }
  const data = yaml.value;
  const parsed = taxonomySchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const p = Array.isArray(data) ? issue.path.slice(1) : issue.path;
      const loc = yaml.locate(p);
      return { file: FACTORS_FILE, ...loc, field: fieldPath(issue.path), message: issue.message, severity: "error" as const };
    });
    return { taxonomy: Taxonomy.empty(), problems };
  }
  const problems: Problem[] = [];
  const ids = new Set<string>();
  const categoryIds = new Set(parsed.data.categories.map((c) => c.id));
  parsed.data.factors.forEach((f, i) => {
    const base = Array.isArray(data) ? [i] : ["factors", i];
    const locate = (key: string) => yaml.locate([...base, key]);
    if (ids.has(f.id)) problems.push({ file: FACTORS_FILE, ...locate("id"), field: `factors[${i}].id`, message: `duplicate factor id "${f.id}"`, severity: "error" });
    ids.add(f.id);
    if (categoryIds.size > 0 && !categoryIds.has(f.category)) {
      problems.push({ file: FACTORS_FILE, ...locate("category"), field: `factors[${i}].category`, message: `unknown category "${f.category}"`, severity: "error" });
    }
  });
  parsed.data.factors.forEach((f, i) => {
    if (f.merged_into && !ids.has(f.merged_into)) {
      const loc = yaml.locate([...(Array.isArray(data) ? [i] : ["factors", i]), "merged_into"]);
      problems.push({ file: FACTORS_FILE, ...loc, field: `factors[${i}].merged_into`, message: `unknown factor "${f.merged_into}"`, severity: "error" });
    }
  });
  return { taxonomy: new Taxonomy(parsed.data), problems };
}

/**
 * Reads incidents from a content repository at HEAD, parsed once and cached by blob id. What is served is always what
 * is committed: a work-tree edit that no save acknowledged (a save cut off by a crash, a hand edit) is never shown;
 * the work tree matters only to people and tools using the clone.
 */
export class ContentStore {
  readonly repo: ContentRepository;
  private files = new Map<string, FileState>();
  private taxonomyState: { blob: string | null; taxonomy: Taxonomy; problems: Problem[] } | null = null;
  private configState: { blob: string | null; config: KaizenConfig; problems: Problem[] } | null = null;
  private current: Snapshot | null = null;
  private dirty = true;
  private checkedAt = 0;
  private watching = false;
  private recovering: Promise<void> | null = null;
  private refreshing: Promise<Snapshot> | null = null;
  private listeners = new Set<(s: Snapshot) => void>();
  private commitListeners = new Set<(commit: string) => void>();

  private readonly parseCache: ParseCache | null;
  private loading: LoadProgress = { phase: "idle", files: 0, toParse: 0, parsed: 0, fromCache: 0 };

  constructor(repo: ContentRepository | string, opts: { parseCache?: ParseCache } = {}) {
    this.repo = typeof repo === "string" ? new GitRepository(repo) : repo;
    this.parseCache = opts.parseCache ?? null;
  }

  get root(): string {
    return this.repo.root;
  }

  /**
   * How far the first snapshot is (for /api/health and the start-up log); `ready` once one has been served; `workers`:
   * the MDX worker threads checking bodies now.
   */
  progress(): LoadProgress & { ready: boolean; workers: number } {
    return { ...this.loading, ready: this.current !== null, workers: mdxWorkerCount() };
  }

  /** Marks the cache stale; the next snapshot() re-reads what changed. */
  invalidate(): void {
    this.dirty = true;
  }

  onChange(fn: (s: Snapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Repairs what a crashed save left in the work tree, once per store. Not awaited by reads, which come from HEAD
   * and so do not depend on it (and must not wait for a write lock a live process holds); every commit repairs first.
   */
  recovered(): Promise<void> {
    this.recovering ??= this.repo.recover().catch((err: unknown) => console.error("[kaizen] recovering the content work tree failed:", (err as Error).message));
    return this.recovering;
  }

  async snapshot(): Promise<Snapshot> {
    void this.recovered();
    // With a working watcher on the git directory HEAD is re-read only when it reports a change (plus a slow safety
    // net); without one, at most once a second.
    const maxAge = this.watching ? 30_000 : 1_000;
    if (this.current && !this.dirty && Date.now() - this.checkedAt < maxAge) return this.current;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private startWatching(): void {
    if (this.watching) return;
    const gitDir = findGitDir(this.root);
    if (!gitDir) return;
    try {
      // HEAD, packed-refs and the branch files: a commit by anyone (Kaizen, a shell, a pull) changes one of them.
      for (const dir of [gitDir, path.join(gitDir, "refs", "heads")]) {
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
    const head = await readHead(this.root);
    if (this.current && head === this.current.head) return this.current;

    const tree = head ? await this.repo.tree(head, [FACTORS_FILE, KAIZEN_CONFIG_FILE, `${INCIDENTS_DIR}/`]) : new Map<string, TreeEntry>();
    const taxEntry = tree.get(FACTORS_FILE);
    const taxBlob = taxEntry?.type === "blob" && taxEntry.mode !== SYMLINK_MODE ? taxEntry.blob : null;
    const names = [...tree].filter(([rel, e]) => rel.startsWith(`${INCIDENTS_DIR}/`) && rel.endsWith(".mdx") && e.type === "blob");
    if (!this.taxonomyState || this.taxonomyState.blob !== taxBlob) {
      const raw = taxBlob ? ((await this.repo.readBlobs([taxBlob])).get(taxBlob) ?? null) : null;
      const { taxonomy, problems } = parseTaxonomy(raw);
      this.taxonomyState = { blob: taxBlob, taxonomy, problems };
      this.files.clear(); // validation depends on the taxonomy
    }
    const taxonomy = this.taxonomyState.taxonomy;
    const configEntry = tree.get(KAIZEN_CONFIG_FILE);
    const configBlob = configEntry?.type === "blob" && configEntry.mode !== SYMLINK_MODE ? configEntry.blob : null;
    if (!this.configState || this.configState.blob !== configBlob) {
      const raw = configBlob ? ((await this.repo.readBlobs([configBlob])).get(configBlob) ?? null) : null;
      const { value, problems } = parseKaizenConfig(raw);
      this.configState = { blob: configBlob, config: value, problems };
    }

    let toRead = names.filter(([rel, e]) => this.files.get(rel)?.blob !== e.blob);
    // A restart (or a new process on the same data directory) takes what an earlier one parsed at the same blobs.
    const cached = this.parseCache && toRead.length ? await this.parseCache.entries(taxBlob) : null;
    const changed = toRead.length;
    if (cached?.size) {
      toRead = toRead.filter(([rel, e]) => {
        const hit = cached.get(cacheKey(rel, e.blob));
        if (!hit) return true;
        this.files.set(rel, { blob: e.blob, entry: hit });
        return false;
      });
    }
    this.loading = { phase: "reading", files: names.length, toParse: toRead.length, parsed: 0, fromCache: changed - toRead.length };
    const texts = await this.repo.readBlobs(toRead.filter(([, e]) => e.mode !== SYMLINK_MODE).map(([, e]) => e.blob));
    this.loading.phase = "parsing";
    const parseOne = async ([rel, e]: [string, TreeEntry]): Promise<[string, string, IncidentEntry]> => {
      const id = path.posix.basename(rel).slice(0, -4);
      const raw = texts.get(e.blob);
      if (e.mode === SYMLINK_MODE || raw === undefined) {
        // git stores a symlink as its target path: never followed, so it cannot expose a file outside the content.
        // Not cached either way: the cache is keyed by blob, which does not tell a link from a file with that text.
        const why = e.mode === SYMLINK_MODE ? "is a symbolic link" : "its blob is missing from the repository";
        const problem: Problem = { file: rel, line: 1, col: 1, field: "file", message: `could not be read: ${why}`, severity: "error", retry: true };
        return [rel, e.blob, { ok: false, id, path: rel, blob: e.blob, problems: [problem], access: null }];
      }
      const entry = await parseEntry(rel, id, raw, taxonomy, e.blob);
      this.loading.parsed++;
      return [rel, e.blob, entry];
    };
    // Parsed concurrently: the bodies go to the MDX worker pool, which queues them (as many workers as cores when
    // there are many). The frontmatter (YAML, schema) is parsed here, a few files at a time with the event loop let in
    // between: the workers get their first bodies at once and each next one as soon as they answer, and /api/health
    // answers meanwhile.
    const parseAll = async () => {
      const pending: Promise<[string, string, IncidentEntry]>[] = [];
      for (let i = 0; i < toRead.length; i += PARSE_CHUNK) {
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        for (const item of toRead.slice(i, i + PARSE_CHUNK)) pending.push(parseOne(item));
      }
      return Promise.all(pending);
    };
    const parsed = toRead.length >= BULK_PARSE_FILES ? await bulkMdxWorkers(parseAll) : await parseAll();
    for (const [rel, blob, entry] of parsed) {
      this.files.set(rel, { blob, entry });
    }
    const seen = new Set(names.map(([rel]) => rel));
    for (const rel of [...this.files.keys()]) if (!seen.has(rel)) this.files.delete(rel);
    // A new HEAD is a new snapshot even when no incident changed: `head` is what the next save is based on.

    const entries = [...this.files.values()].map((f) => f.entry).sort((a, b) => a.id.localeCompare(b.id));
    const snapshot: Snapshot = {
      version: (this.current?.version ?? 0) + 1,
      head,
      taxonomy,
      taxonomyProblems: this.taxonomyState.problems,
      config: this.configState.config,
      configProblems: this.configState.problems,
      incidents: entries.filter((e): e is IncidentDoc => e.ok),
      broken: entries.filter((e): e is BrokenIncident => !e.ok),
      byId: new Map(entries.map((e) => [e.id, e])),
    };
    this.current = snapshot;
    this.loading = { ...this.loading, phase: "ready" };
    // Only what this refresh parsed is news to the cache; written after the snapshot is served.
    this.parseCache?.add(taxBlob, parsed.map(([, , entry]) => entry).filter(cacheable), entries.filter(cacheable));
    for (const fn of this.listeners) fn(snapshot);
    return snapshot;
  }

  /** Called after every acknowledged commit of this store (sync pushes it in the background). */
  onCommit(fn: (commit: string) => void): () => void {
    this.commitListeners.add(fn);
    return () => this.commitListeners.delete(fn);
  }

  /** Commits changes through the repository's compare-and-swap path, then refreshes the snapshot at once. */
  async commit(changes: FileChange[], message: string, author: Author): Promise<{ commit: string; snapshot: Snapshot }> {
    try {
      const commit = await this.repo.commit(changes, message, author);
      for (const fn of this.commitListeners) fn(commit);
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

/** Whether a parse result may outlive this process: not when a problem is the moment's (Problem.retry). */
function cacheable(entry: IncidentEntry): boolean {
  return entry.ok || !entry.problems.some((p) => p.retry);
}

/** Visibility of an incident file's text, valid or broken (see accessOfText); null when it cannot be worked out. */
export function accessOf(raw: string): BrokenIncident["access"] {
  return accessOfText(raw);
}

async function parseEntry(rel: string, id: string, raw: string, taxonomy: Taxonomy, blob: string): Promise<IncidentEntry> {
  const broken = (problems: Problem[]): BrokenIncident => ({ ok: false, id, path: rel, blob, problems, access: accessOf(raw) });
  if (!ID_PATTERN.test(id)) {
    return broken([{ file: rel, line: 1, col: 1, field: "id", message: `file name "${id}" is not a valid id (lowercase letters, digits and dashes)`, severity: "error" }]);
  }
  try {
    // The body is parsed in a worker: a hostile file pulled from the remote cannot stall the server while it loads.
    const parsed = await parseIncidentTextWith(rel, raw, taxonomy, checkMdxOffThread);
    if (!parsed.ok) return broken(parsed.problems);
    // Every string the YAML parser returns is a slice of the file's text, and V8 keeps a sliced string's parent alive:
    // without copies the whole text of every file would stay in memory for as long as its entry does.
    const { frontmatter, body, id: ownId, rel: ownRel, blob: ownBlob } = compactCopy({ frontmatter: parsed.frontmatter, body: parsed.body, id, rel, blob });
    return { ok: true, id: ownId, path: ownRel, frontmatter, body, bodyLine: parsed.bodyLine, blob: ownBlob, warnings: parsed.warnings };
  } catch (err) {
    // One broken file never breaks anything else, whatever goes wrong inside the parser.
    return broken([{ file: rel, line: 1, col: 1, field: "file", message: `could not be read: ${(err as Error).message}`, severity: "error", retry: true }]);
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
    // A linked work tree (`git worktree add`) keeps HEAD in its own git directory and branches in the common one.
    const common = await fs.readFile(path.join(gitDir, "commondir"), "utf8").then((c) => path.resolve(gitDir, c.trim()), () => gitDir);
    for (const dir of new Set([gitDir, common])) {
      const loose = await fs.readFile(path.join(dir, ref), "utf8").catch(() => null);
      if (loose) return loose.trim();
    }
    const packed = await fs.readFile(path.join(common, "packed-refs"), "utf8").catch(() => "");
    const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
    return line ? line.split(" ")[0] ?? null : null;
  } catch {
    return null;
  }
}
