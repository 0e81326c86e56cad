// `npm start`: install what is missing, create the demo content repository, build if needed, serve on :3000
// (loopback only unless KAIZEN_HOST or HOSTNAME says otherwise).
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureDeps, ensureBuild, ensureContentRepo, ensureAuthSecret, defaultContentDir, defaultDataDir, root, run } from "./setup.mjs";

try {
  ensureDeps();
  const contentDir = process.env.KAIZEN_CONTENT_DIR ? path.resolve(process.env.KAIZEN_CONTENT_DIR) : defaultContentDir;
  const dataDir = process.env.KAIZEN_DATA_DIR ? path.resolve(process.env.KAIZEN_DATA_DIR) : defaultDataDir;
  if (!process.env.KAIZEN_CONTENT_DIR) ensureContentRepo(contentDir);
  const port = process.env.PORT ?? "3000";
  const host = process.env.KAIZEN_HOST || process.env.HOSTNAME || "127.0.0.1";
  const env = {
    ...process.env,
    KAIZEN_CONTENT_DIR: contentDir,
    KAIZEN_DATA_DIR: dataDir,
    AUTH_SECRET: ensureAuthSecret(dataDir),
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    // next-auth needs an address; links in pages and exports follow the request when this one is only the default.
    KAIZEN_NEXTAUTH_URL_DEFAULTED: process.env.NEXTAUTH_URL ? "" : "1",
  };
  // Demo accounts are created on the very first start only; their passwords are printed after the build.
  run(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/kaizen.ts", "users", "ensure-demo"], { env });
  ensureBuild();
  // After the build output, so the demo passwords and the address are the last thing on screen.
  run(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/kaizen.ts", "users", "demo"], { env });
  console.log(`\x1b[36m[kaizen]\x1b[0m serving ${contentDir} on http://localhost:${port} (bound to ${host})`);
  if (!process.env.NEXTAUTH_URL) {
    console.log(`\x1b[36m[kaizen]\x1b[0m sign-in callbacks use ${env.NEXTAUTH_URL}; for a team, set NEXTAUTH_URL to the address people open (e.g. https://kaizen.example.com): single sign-on providers redirect there. Calendar, CSV and export links follow the address each request came to until then.`);
  }
  const child = spawn(process.execPath, [path.join(root, "scripts", "serve.mjs"), "-p", port, "-H", host], { stdio: "inherit", cwd: root, env });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code) => process.exit(code ?? 0));
} catch (err) {
  console.error(`[kaizen] ${err.message}`);
  process.exit(err.exitCode ?? 1);
}
