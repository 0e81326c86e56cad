#!/usr/bin/env node
// The `kaizen` executable (package.json "bin"): runs the TypeScript CLI through tsx from this package's own
// node_modules, so `npx kaizen lint` works from any directory.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve("tsx");
const r = spawnSync(process.execPath, ["--import", tsx, path.join(here, "kaizen.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
