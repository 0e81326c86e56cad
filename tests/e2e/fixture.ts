// Prepares the content repository and accounts the browser tests run against: a fresh git repository holding the
// sample knowledge base, a second revision of one incident (for history and diff), one deliberately broken incident,
// and one account per role. Run by playwright.config.ts before the production server starts.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { addUser } from "../../lib/auth/users";
import { E2E } from "./env";

const git = (args: string[], env: Record<string, string> = {}) =>
  execFileSync("git", args, { cwd: E2E.contentDir, env: { ...process.env, GIT_AUTHOR_NAME: "Ada Example", GIT_AUTHOR_EMAIL: "ada@lumen.example", GIT_COMMITTER_NAME: "Kaizen", GIT_COMMITTER_EMAIL: "kaizen@localhost", ...env } });

async function main() {
  fs.rmSync(E2E.root, { recursive: true, force: true });
  fs.mkdirSync(E2E.contentDir, { recursive: true });
  fs.cpSync(path.resolve("content"), E2E.contentDir, { recursive: true });
  git(["init", "-q", "-b", "main"]);
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "Import the sample knowledge base"]);

  const file = path.join(E2E.contentDir, "incidents", `${E2E.historyIncident}.mdx`);
  const text = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, text.replace(/^## Lessons\n/m, "## Lessons\n\nReviewed again at the quarterly resilience review: the runbook link now points at the new dashboard.\n"));
  git(["commit", "-q", "-am", `incident(${E2E.historyIncident}): add a note from the quarterly review`], { GIT_AUTHOR_NAME: "Grace Example", GIT_AUTHOR_EMAIL: "grace@lumen.example" });

  fs.writeFileSync(
    path.join(E2E.contentDir, "incidents", `${E2E.brokenIncident}.mdx`),
    ["---", "title: Queue consumer stalls", "status: published", "severity: sev 1", "started_at: 2026-05-01T10:00:00Z", "---", "", "## Summary", "", "The consumer stalled.", ""].join("\n"),
  );
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "Add an incident with a frontmatter mistake"]);

  for (const u of E2E.users) {
    await addUser({ username: u.username, role: u.role, groups: u.groups, name: u.name, email: `${u.username}@lumen.example`, password: u.password }, E2E.dataDir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
