// Prints the largest and deepest of each MDX construct in real post-mortems, next to MDX_LIMITS, so the limits can be
// checked against what authors write: `npx tsx scripts/mdx-shape.ts content/incidents /work/shared/corpus/postmortems-app`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { splitDocument } from "../lib/content/frontmatter";
import { MDX_LIMITS, measureMdx, type MdxShape } from "../lib/mdx/limits";
import { parseMdx } from "../lib/mdx/validate";

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: tsx scripts/mdx-shape.ts DIR…");
  process.exit(2);
}
const max = new Map<keyof MdxShape, { value: number; file: string }>();
let files = 0;
let slowest = { ms: 0, file: "" };
for (const dir of dirs) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!/\.mdx?$/.test(name) || !statSync(file).isFile()) continue;
    const raw = readFileSync(file, "utf8");
    const split = splitDocument(raw);
    const body = split.ok ? split.doc.body : raw;
    files++;
    const shape = measureMdx(body);
    for (const [key, value] of Object.entries(shape) as [keyof MdxShape, number][]) {
      if (value > (max.get(key)?.value ?? -1)) max.set(key, { value, file });
    }
    const t = performance.now();
    try {
      parseMdx(body);
    } catch {
      // plain markdown that is not valid MDX still shows its shape
    }
    const ms = performance.now() - t;
    if (ms > slowest.ms) slowest = { ms, file };
  }
}
console.log(`${files} files`);
for (const [key, { value, file }] of max) {
  const limit = (MDX_LIMITS as Record<string, number>)[key];
  console.log(`${key.padEnd(14)} max ${String(value).padStart(7)}  limit ${String(limit ?? "-").padStart(7)}  ${path.basename(file)}`);
}
console.log(`slowest parse ${slowest.ms.toFixed(1)} ms  ${path.basename(slowest.file)}`);
