import fs from "node:fs";
import path from "node:path";

const cache = new Map<string, string | null>();

/** The .git directory of the work tree that contains `root` (the content may live in a subdirectory). */
export function findGitDir(root: string): string | null {
  if (cache.has(root)) return cache.get(root) ?? null;
  let dir = path.resolve(root);
  let found: string | null = null;
  for (;;) {
    const candidate = path.join(dir, ".git");
    try {
      const st = fs.statSync(candidate);
      if (st.isDirectory()) found = candidate;
      else {
        const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(candidate, "utf8"));
        if (m?.[1]) found = path.resolve(dir, m[1].trim());
      }
      break;
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  cache.set(root, found);
  return found;
}
