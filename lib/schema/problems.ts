/** One thing wrong with a content file, located precisely enough for an editor to jump to it. */
export interface Problem {
  /** Path relative to the content directory, e.g. `incidents/db-failover.mdx`. */
  file: string;
  line: number;
  col: number;
  /** Field path such as `countermeasures[2].owner`, or `body` / `frontmatter`. */
  field: string;
  message: string;
  severity: "error" | "warning";
  /**
   * The file could not be read or checked this time (a missing blob, the MDX time budget under load, a failed
   * worker): the problem is the moment's, not the text's, so the result is parsed again rather than cached.
   */
  retry?: true;
}

/** `incidents/foo.mdx:7:3  severity  expected one of SEV1..SEV4, got "sev 1"` */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}  ${p.field}  ${p.message}`;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || "frontmatter";
}
