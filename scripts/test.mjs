// `npm test`: install what is missing (npm packages, Debian's chromium and redis-server), then typecheck, lint, unit tests,
// a production build and the Playwright suite against it. Stops at the first failing step.
import path from "node:path";
import { ensureDeps, ensureChromium, ensureRedisServer, ensureBuild, root, run } from "./setup.mjs";

const bin = (name) => path.join(root, "node_modules", ".bin", name);
const step = (title) => console.log(`\n\x1b[1m▶ ${title}\x1b[0m`);

try {
  ensureDeps();
  ensureChromium();
  ensureRedisServer();
  step("typecheck");
  run(bin("tsc"), ["--noEmit"]);
  step("lint");
  run(bin("eslint"), [".", "--max-warnings=0"]);
  step("unit tests (vitest)");
  run(bin("vitest"), ["run"]);
  step("production build");
  // tsc above covered every file the build compiles; the build need not check them again.
  process.env.KAIZEN_TYPECHECKED = "1";
  ensureBuild({ force: process.env.CI === "true" });
  step("browser tests (playwright, headless Chromium)");
  run(bin("playwright"), ["test"]);
} catch (err) {
  console.error(`\n[kaizen] ${err.message}`);
  process.exit(err.exitCode ?? 1);
}
