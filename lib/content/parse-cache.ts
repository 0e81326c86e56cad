import fs from "node:fs/promises";
import path from "node:path";
import { internStrings } from "./compact";
import type { IncidentEntry } from "./store";

/**
 * Parse results kept on disk across restarts, keyed by file path and git blob id. A result also depends on the
 * taxonomy (factor ids are checked against it) and on the code that parsed it, so one cache file belongs to one
 * (code version, taxonomy blob) pair: a new factors.yml or a new build starts a new file, and older files are removed.
 *
 * The file is a JSON-lines log: each refresh appends only what it parsed (a save costs one line, not a rewrite of
 * 10,000 entries), a later line wins, and a log with many superseded lines is compacted when it is next loaded. Reads
 * never fail the store (a missing or torn file is an empty cache, a torn last line is skipped); writes happen in the
 * background, after the snapshot is served.
 */
export class ParseCache {
  /** `onDisk` false: the file for this key does not exist yet, so the next add writes it whole (and drops others). */
  private loaded: { key: string; entries: Map<string, IncidentEntry>; onDisk: boolean } | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    /** Identifies the parser: the build id of the server, so a new build never trusts an old build's results. */
    private readonly codeVersion: string,
  ) {}

  private fileFor(key: string): string {
    return path.join(this.dir, `parse-${key}.jsonl`);
  }

  private keyFor(taxonomyBlob: string | null): string {
    return `${this.codeVersion}-${taxonomyBlob ?? "none"}`.replace(/[^A-Za-z0-9_-]/g, "_");
  }

  /** The cached entries for this taxonomy, by cacheKey(path, blob); empty when there are none. */
  async entries(taxonomyBlob: string | null): Promise<Map<string, IncidentEntry>> {
    const key = this.keyFor(taxonomyBlob);
    if (this.loaded?.key === key) return this.loaded.entries;
    const entries = new Map<string, IncidentEntry>();
    let lines = 0;
    const text = await fs.readFile(this.fileFor(key), "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const e = internStrings(JSON.parse(line) as IncidentEntry);
        if (e && typeof e.path === "string" && typeof e.blob === "string" && typeof e.ok === "boolean") {
          entries.set(cacheKey(e.path, e.blob), e);
          lines++;
        }
      } catch {
        // a line torn by a crash mid-append
      }
    }
    this.loaded = { key, entries, onDisk: text !== "" };
    if (lines > 2 * entries.size + 100) this.enqueue(() => this.rewrite(key, [...entries.values()]));
    return entries;
  }

  /** Records what a refresh parsed (appended in the background); `live` is every entry of the snapshot. */
  add(taxonomyBlob: string | null, fresh: readonly IncidentEntry[], live: readonly IncidentEntry[]): void {
    if (!fresh.length) return;
    const key = this.keyFor(taxonomyBlob);
    if (this.loaded?.key !== key || !this.loaded.onDisk) {
      // A new taxonomy or build: its file starts with the whole snapshot, and the other files go.
      this.loaded = { key, entries: new Map(live.map((e) => [cacheKey(e.path, e.blob), e])), onDisk: true };
      this.enqueue(() => this.rewrite(key, live));
      return;
    }
    for (const e of fresh) this.loaded.entries.set(cacheKey(e.path, e.blob), e);
    const list = [...fresh];
    this.enqueue(() => writeLines(this.dir, this.fileFor(key), list, "a"));
  }

  /** Resolves when everything recorded so far is on disk. */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => new Promise((r) => setImmediate(r)))
      .then(job)
      .catch((err: unknown) => console.error("[kaizen] could not write the parse cache:", (err as Error).message));
  }

  private async rewrite(key: string, list: readonly IncidentEntry[]): Promise<void> {
    const file = this.fileFor(key);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeLines(this.dir, tmp, list, "w");
    await fs.rename(tmp, file);
    for (const name of await fs.readdir(this.dir)) {
      if (name.startsWith("parse-") && name !== path.basename(file) && !name.endsWith(".tmp")) await fs.rm(path.join(this.dir, name), { force: true });
    }
  }
}

/** Writes entries as JSON lines in slices, so a large knowledge base never holds the event loop for one long stringify. */
async function writeLines(dir: string, file: string, list: readonly IncidentEntry[], flag: "a" | "w"): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const handle = await fs.open(file, flag, 0o600);
  try {
    for (let i = 0; i < list.length; i += 200) {
      await handle.write(list.slice(i, i + 200).map((e) => `${JSON.stringify(e)}\n`).join(""));
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await handle.close();
  }
}

export const cacheKey = (rel: string, blob: string) => `${rel}\0${blob}`;
