import path from "node:path";
import { E2E } from "./env";

const extraRestricted = [
  // Each id is what the editor derives from the title and start date, so creating "the same" incident collides.
  { id: "2026-04-21-signing-key-copied-into-a-support-ticket", title: "Signing key copied into a support ticket" },
  { id: "2026-04-21-registry-credentials-in-a-crash-dump", title: "Registry credentials in a crash dump" },
  { id: "2026-04-21-webhook-secret-in-a-shared-dashboard", title: "Webhook secret in a shared dashboard" },
];

/** Shared facts of the leak test's two content repositories (fixture and spec agree on them). */
export const LEAK = {
  root: path.join(E2E.root, "leak"),
  extraRestricted,
  restrictedIds: [E2E.restrictedIncident, ...extraRestricted.map((r) => r.id)],
  restrictedPaths: [E2E.restrictedIncident, ...extraRestricted.map((r) => r.id)].map((id) => `incidents/${id}.mdx`),
  server: (root: string, name: "a" | "b") => ({ contentDir: path.join(root, name, "content"), dataDir: path.join(root, name, "data") }),
};
