import { AppError } from "../errors";

/**
 * The commit trailer that records a rename Kaizen made (`Kaizen-Renamed: incidents/old.mdx -> incidents/new.mdx`).
 * History follows a file into its old path only through this trailer, never through git's rename guessing: git pairs
 * any deleted file with a similar added one, which would show one incident's revisions on another's history.
 */
export const RENAME_TRAILER = "Kaizen-Renamed";

const ARROW = " -> ";
// Any line a reader of trailers could take for ours (git matches keys case-insensitively).
const TRAILER_LINE = /^[ \t]*kaizen-renamed[ \t]*[:=#].*$/gim;

export interface Rename {
  from: string;
  to: string;
}

/**
 * The message with one trailer per rename, and with any trailer-like line removed from the caller's text first: a
 * title is free text and must not be able to claim a rename that did not happen.
 */
export function withRenameTrailers(message: string, renames: readonly Rename[]): string {
  const text = message.replace(TRAILER_LINE, "").replace(/\n{3,}/g, "\n\n").trimEnd();
  if (!renames.length) return text;
  for (const r of renames) {
    for (const p of [r.from, r.to]) {
      if (!p || /[\r\n\x00-\x1f]/.test(p) || p.includes(ARROW)) throw new AppError("bad_request", `cannot record a rename of ${JSON.stringify(p)}`);
    }
  }
  return `${text}\n\n${renames.map((r) => `${RENAME_TRAILER}: ${r.from}${ARROW}${r.to}`).join("\n")}`;
}

/** Renames named by a commit's trailer values (as git prints them, one value per line or per `separator`). */
export function parseRenameTrailers(values: string, separator = "\n"): Rename[] {
  const out: Rename[] = [];
  for (const raw of values.split(separator)) {
    const v = raw.trim();
    const at = v.indexOf(ARROW);
    if (at <= 0) continue;
    const from = v.slice(0, at).trim();
    const to = v.slice(at + ARROW.length).trim();
    if (from && to && from !== to && !to.includes(ARROW)) out.push({ from, to });
  }
  return out;
}
