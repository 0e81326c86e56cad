import path from "node:path";

const root = path.resolve(process.env.KAIZEN_E2E_DIR ?? path.join(".kaizen", "e2e"));

/** Shared facts of the browser-test environment (fixture, server and tests agree on them). */
export const E2E = {
  root,
  contentDir: path.join(root, "content"),
  dataDir: path.join(root, "data"),
  port: Number(process.env.KAIZEN_E2E_PORT ?? 3100),
  secret: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
  historyIncident: "2026-03-14-checkout-latency-from-connection-pool",
  brokenIncident: "2026-05-01-queue-consumer-stall",
  restrictedIncident: "2026-04-21-deploy-token-exposed-in-ci-logs",
  users: [
    { username: "admin", role: "admin" as const, groups: [], name: "Alex Admin", password: "admin-password-123" },
    { username: "author", role: "author" as const, groups: [], name: "Ari Author", password: "author-password-123" },
    { username: "author2", role: "author" as const, groups: [], name: "Bo Author", password: "author2-password-123" },
    { username: "reader", role: "reader" as const, groups: [], name: "Rae Reader", password: "reader-password-123" },
    { username: "secreader", role: "reader" as const, groups: ["security"], name: "Sam Security", password: "secreader-password-123" },
  ],
};

export type E2EUser = (typeof E2E.users)[number]["username"];
export const stateFile = (user: string) => path.join(root, `state-${user}.json`);

/**
 * Every main page a signed-in person reaches from the header (and the pages one level below): the one list the
 * overflow (390 px), accessibility and screenshot specs walk. Each shows an h1.
 */
export const MAIN_PAGES = [
  "/",
  "/incidents",
  `/incidents/${E2E.historyIncident}`,
  `/incidents/${E2E.historyIncident}/history`,
  "/search?q=connection%20pool",
  "/factors",
  "/factors/missing-monitoring",
  "/learnings",
  "/trends",
  "/countermeasures",
  "/reviews",
  "/incidents/new",
] as const;

/** An address that answers with the not-found page (an unknown incident looks like one the viewer may not read). */
export const NOT_FOUND_PAGE = "/incidents/no-such-incident";
