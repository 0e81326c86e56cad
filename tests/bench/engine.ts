// The search engine as the bench times it: lib/search compiled the way the production server compiles it.
// The bench itself runs under tsx, which compiles with esbuild's `keepNames`: every function expression gets a naming
// call each time it is created, which in a query's inner closures is a measurable share of a 10 µs query. Next's
// server build has no such wrapper. So by default the bench bundles tests/bench/engine-entry.ts with esbuild
// (keepNames off, npm packages left as imports) into .kaizen/bench/engine.mjs and times that; `--engine=source`
// times lib/search as tsx loads it, as before. The answers are the same code either way.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

export type Engine = typeof import("./engine-entry");

export async function loadEngine(mode: "bundle" | "source", root: string): Promise<Engine> {
  if (mode === "source") return import("./engine-entry");
  const outfile = path.join(root, ".kaizen", "bench", "engine.mjs");
  await build({
    entryPoints: [path.join(import.meta.dirname, "engine-entry.ts")],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    keepNames: false,
    sourcemap: false,
    outfile,
    logLevel: "warning",
  });
  return (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)) as Engine;
}
