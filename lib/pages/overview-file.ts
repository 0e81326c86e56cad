import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";

/** Bumped when what is stored changes shape; a file of another format is ignored and rewritten. */
const FORMAT = 1;
/** Access levels × hours kept: a restart within the hour finds the home page of everyone who came recently. */
const MAX_ENTRIES = 32;

/**
 * The home page's figures kept on disk across restarts, so the first page after a deploy is served without
 * recomputing them from every incident. An entry is keyed by everything its figures depend on (the content commit,
 * the viewer's access level, the time zone and the hour; the caller builds the key) and the file belongs to one build
 * of the code: another build, another format, a torn or corrupt file all read as empty, and the next write replaces it.
 * An entry only ever holds what its access level may see, so no restricted incident can reach anyone else through it.
 */
export class OverviewFile<T> {
  private loaded: Promise<Map<string, T>> | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly codeVersion: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** The stored figures for `key`, or null. Never throws. */
  async get(key: string): Promise<T | null> {
    return (await this.entries()).get(key) ?? null;
  }

  /** Stores the figures for `key` (written in the background, after the page is served). */
  put(key: string, data: T): void {
    this.queue = this.queue
      .then(async () => {
        const entries = await this.entries();
        entries.delete(key);
        entries.set(key, data);
        while (entries.size > MAX_ENTRIES) {
          const oldest = entries.keys().next().value;
          if (oldest === undefined) break;
          entries.delete(oldest);
        }
        await fs.mkdir(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await fs.writeFile(tmp, JSON.stringify({ format: FORMAT, code: this.codeVersion, entries: [...entries] }), { mode: 0o600 });
        await fs.rename(tmp, this.file);
      })
      .catch((err: unknown) => console.error("[kaizen] could not write the home page cache:", (err as Error).message));
  }

  /** Resolves when everything stored so far is on disk. */
  settled(): Promise<void> {
    return this.queue;
  }

  private entries(): Promise<Map<string, T>> {
    this.loaded ??= fs.readFile(this.file, "utf8").then(
      (text) => this.parse(text),
      () => new Map<string, T>(),
    );
    return this.loaded;
  }

  private parse(text: string): Map<string, T> {
    const out = new Map<string, T>();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return out;
    }
    if (!raw || typeof raw !== "object") return out;
    const { format, code, entries } = raw as { format?: unknown; code?: unknown; entries?: unknown };
    if (format !== FORMAT || code !== this.codeVersion || !Array.isArray(entries)) return out;
    for (const e of entries) {
      if (!Array.isArray(e) || typeof e[0] !== "string") continue;
      const parsed = this.schema.safeParse(e[1]);
      if (parsed.success) out.set(e[0], parsed.data);
    }
    return out;
  }
}
