import { defineConfig } from "@playwright/test";
import { E2E } from "./tests/e2e/env";

const WRITES = /(editor|countermeasures|factors-admin|review|proof|conflict-history)\.spec\.ts/;
// Starts two servers of its own (and a redis-server): last, so it never competes with the main suite for the CPU.
const REPLICAS = /replicas\.spec\.ts/;
const chromium = process.env.KAIZEN_CHROMIUM ?? "/usr/bin/chromium";
const baseURL = `http://localhost:${E2E.port}`;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: `${E2E.root}/test-results`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    // Specs that commit to the shared content repository (new incidents, countermeasure updates) run after the
    // others, so counts a reading spec asserts never race with a save.
    { name: "e2e", testMatch: /.*\.spec\.ts/, testIgnore: [WRITES, REPLICAS], dependencies: ["setup"] },
    { name: "e2e-writes", testMatch: WRITES, dependencies: ["e2e"] },
    { name: "replicas", testMatch: REPLICAS, dependencies: ["e2e-writes"] },
  ],
  webServer: {
    command: `node_modules/.bin/tsx tests/e2e/fixture.ts && node scripts/serve.mjs -p ${E2E.port} -H 127.0.0.1`,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      KAIZEN_CONTENT_DIR: E2E.contentDir,
      KAIZEN_DATA_DIR: E2E.dataDir,
      AUTH_SECRET: E2E.secret,
      NEXTAUTH_URL: baseURL,
      // One worker: the suite's counts and sign-outs are checked against one process; the replicas project starts a
      // server with two workers of its own.
      KAIZEN_WORKERS: "1",
      // A spec run may set another zone (KAIZEN_E2E_TIME_ZONE=Europe/Berlin) to see times shown and named in it.
      KAIZEN_TIME_ZONE: process.env.KAIZEN_E2E_TIME_ZONE || "UTC",
    },
  },
});
