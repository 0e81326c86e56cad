import "server-only";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** One place where both versions changed the same lines of the base: each side's lines, and where it sits. */
export interface ConflictHunk {
  /** 1-based line in the merged text where the overlapping region starts. */
  line: number;
  /** The base revision's lines there (what both sides started from). */
  base: string[];
  /** The lines of the version being saved. */
  mine: string[];
  /** The lines of the version saved meanwhile. */
  theirs: string[];
}

export type MergeResult = { clean: true; text: string } | { clean: false; hunks: ConflictHunk[] };

// Long markers, so that a line of the post-mortem that happens to start with "<<<<<<<" is not read as one.
const MARKER = 31;
const OPEN = "<".repeat(MARKER);
const BASE = "|".repeat(MARKER);
const SEP = "=".repeat(MARKER);
const CLOSE = ">".repeat(MARKER);
const MAX_INPUT = 1024 * 1024;

function mergeFile(dir: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["merge-file", "-p", "--diff3", `--marker-size=${MARKER}`, "-L", "mine", "-L", "base", "-L", "theirs", "--", path.join(dir, "mine"), path.join(dir, "base"), path.join(dir, "theirs")],
      { encoding: "utf8", maxBuffer: 8 * MAX_INPUT, env: { ...process.env, LC_ALL: "C" } },
      (err, stdout, stderr) => {
        // git merge-file exits with the number of conflicts (capped at 127); a negative or signal exit is a failure.
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        if (code < 0 || code > 127) reject(new Error(`git merge-file failed: ${stderr.trim() || (err as Error).message}`));
        else resolve({ code, stdout });
      },
    );
  });
}

/** Reads the conflict regions out of `git merge-file --diff3` output (markers at the start of a line only). */
export function parseConflicts(merged: string): ConflictHunk[] {
  const lines = merged.split("\n");
  const hunks: ConflictHunk[] = [];
  let state: "out" | "mine" | "base" | "theirs" = "out";
  let cur: ConflictHunk = { line: 0, base: [], mine: [], theirs: [] };
  let outLine = 0;
  for (const l of lines) {
    if (state === "out" && l.startsWith(OPEN)) {
      cur = { line: outLine + 1, base: [], mine: [], theirs: [] };
      state = "mine";
    } else if (state === "mine" && l.startsWith(BASE)) state = "base";
    else if ((state === "mine" || state === "base") && l.startsWith(SEP)) state = "theirs";
    else if (state === "theirs" && l.startsWith(CLOSE)) {
      hunks.push(cur);
      state = "out";
    } else if (state === "out") outLine++;
    else cur[state].push(l);
  }
  return hunks;
}

/**
 * Three-way merge of the text being saved and the text saved meanwhile, from the revision both started from, with
 * `git merge-file` on private temporary files (nothing touches the content repository). Edits to different lines
 * merge; where both changed the same lines, only those regions come back, each with the three versions.
 */
export async function threeWayMerge(input: { base: string; mine: string; theirs: string }): Promise<MergeResult> {
  if (input.mine === input.theirs) return { clean: true, text: input.mine };
  if (input.base === input.theirs) return { clean: true, text: input.mine };
  if (input.base === input.mine) return { clean: true, text: input.theirs };
  for (const t of [input.base, input.mine, input.theirs]) if (Buffer.byteLength(t) > MAX_INPUT) throw new Error("texts larger than 1 MB are not merged");
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-merge-"));
  try {
    await Promise.all([fs.writeFile(path.join(dir, "mine"), input.mine), fs.writeFile(path.join(dir, "base"), input.base), fs.writeFile(path.join(dir, "theirs"), input.theirs)]);
    const { code, stdout } = await mergeFile(dir);
    if (code === 0) return { clean: true, text: stdout };
    const hunks = parseConflicts(stdout);
    // Markers git wrote but that could not be read back would make a wrong "clean" answer: report them as one region.
    return { clean: false, hunks: hunks.length ? hunks : [{ line: 1, base: input.base.split("\n"), mine: input.mine.split("\n"), theirs: input.theirs.split("\n") }] };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
