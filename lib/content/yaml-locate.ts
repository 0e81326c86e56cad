/**
 * Finds where a field path (e.g. ["countermeasures", 2, "owner"]) stands in block-style YAML text, so that schema
 * errors can name a line and column. Returns the deepest part of the path it could find (1-based), never throws.
 */
export function locateYamlPath(yaml: string, path: readonly PropertyKey[]): { line: number; col: number } {
  const lines = yaml.split(/\r?\n/);
  const indentOf = (s: string) => s.length - s.trimStart().length;
  const isContent = (s: string) => s.trim() !== "" && !s.trimStart().startsWith("#");
  let start = 0;
  let end = lines.length;
  let inlineOffset: number | null = null; // content of a list item that begins on its dash line
  let best = { line: 1, col: 1 };

  for (const seg of path) {
    if (typeof seg === "number") {
      let dashIndent = -1;
      const items: number[] = [];
      for (let i = start; i < end; i++) {
        const s = lines[i] ?? "";
        if (!isContent(s)) continue;
        const m = /^(\s*)-(\s|$)/.exec(s);
        if (!m) continue;
        const ind = m[1]?.length ?? 0;
        if (dashIndent === -1) dashIndent = ind;
        if (ind === dashIndent) items.push(i);
      }
      const at = items[seg];
      if (at === undefined) break;
      best = { line: at + 1, col: dashIndent + 1 };
      start = at;
      end = items[seg + 1] ?? end;
      inlineOffset = dashIndent + 2;
      continue;
    }
    const key = String(seg);
    const keyRe = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*:(\\s|$)`);
    let found = -1;
    let foundCol = 0;
    let minIndent = Infinity;
    for (let i = start; i < end; i++) {
      const s = lines[i] ?? "";
      if (!isContent(s)) continue;
      if (i === start && inlineOffset !== null) {
        if (keyRe.test(s.slice(inlineOffset))) {
          found = i;
          foundCol = inlineOffset;
          break;
        }
        minIndent = inlineOffset;
        continue;
      }
      const ind = indentOf(s);
      if (ind < minIndent) minIndent = ind;
      if (ind === minIndent && keyRe.test(s.slice(ind))) {
        found = i;
        foundCol = ind;
        break;
      }
    }
    if (found === -1) break;
    // Point at the value when it stands on the key's line (that is what needs fixing), else at the key.
    const rest = (lines[found] ?? "").slice(foundCol);
    const valueAt = /^[^:]*:\s+(?=\S)(?!#)/.exec(rest);
    best = { line: found + 1, col: foundCol + 1 + (valueAt ? valueAt[0].length : 0) };
    let stop = end;
    for (let i = found + 1; i < end; i++) {
      const s = lines[i] ?? "";
      if (isContent(s) && indentOf(s) <= foundCol && !/^\s*-(\s|$)/.test(s.slice(0)) ) {
        stop = i;
        break;
      }
      if (isContent(s) && indentOf(s) < foundCol) {
        stop = i;
        break;
      }
    }
    start = found + 1;
    end = stop;
    inlineOffset = null;
  }
  return best;
}
