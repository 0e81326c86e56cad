// Prepares the two content repositories of the leak test (tests/e2e/leak.spec.ts): A holds the sample knowledge base
// with its restricted incidents, B is the same repository in which the restricted files never existed. Both get the
// same commits (messages, authors, dates), the same accounts (one users.json copied, so passwords and feed tokens are
// equal) and separate, empty data directories otherwise. Run with tsx: `tsx tests/e2e/leak-fixture.ts <root>`.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { addUser } from "../../lib/auth/users";
import { E2E } from "./env";
import { LEAK } from "./leak-env";

const SAMPLE_RESTRICTED = `incidents/${E2E.restrictedIncident}.mdx`;

/** Files of repository A at each commit; B's are the same minus every restricted path. */
function revisions(): { message: string; author: [string, string]; date: string; files: Record<string, string | null> }[] {
  const sample: Record<string, string> = {};
  const root = path.resolve("content");
  for (const rel of fs.readdirSync(root, { recursive: true, encoding: "utf8" })) {
    const abs = path.join(root, rel);
    if (fs.statSync(abs).isFile()) sample[rel.split(path.sep).join("/")] = fs.readFileSync(abs, "utf8");
  }
  const restrictedText = sample[SAMPLE_RESTRICTED];
  if (!restrictedText || !/^visibility: restricted$/m.test(restrictedText)) throw new Error(`${SAMPLE_RESTRICTED} is no longer a restricted sample incident`);
  // Copies under other ids and titles, so each write probe of the test has an id of its own to aim at.
  for (const extra of LEAK.extraRestricted) {
    sample[`incidents/${extra.id}.mdx`] = restrictedText.replace(/^title: .*$/m, `title: ${extra.title}`);
  }

  const historyFile = `incidents/${E2E.historyIncident}.mdx`;
  const historyText = sample[historyFile] ?? "";
  const broken = ["---", "title: Queue consumer stalls", "status: published", "severity: sev 1", "started_at: 2026-05-01T10:00:00Z", "---", "", "## Summary", "", "The consumer stalled.", ""].join("\n");
  return [
    { message: "Import the sample knowledge base", author: ["Ada Example", "ada@lumen.example"], date: "2026-05-02T09:00:00Z", files: sample },
    {
      // One commit touching a visible and a restricted file: the visible file's history must not tell.
      message: `incident(${E2E.historyIncident}): add a note from the quarterly review`,
      author: ["Grace Example", "grace@lumen.example"],
      date: "2026-05-03T10:30:00Z",
      files: {
        [historyFile]: historyText.replace(/^## Lessons\n/m, "## Lessons\n\nReviewed again at the quarterly resilience review: the runbook link now points at the new dashboard.\n"),
        [SAMPLE_RESTRICTED]: restrictedText.replace(/^## Lessons\n/m, "## Lessons\n\nRotation drill repeated at the quarterly review: every lfdt_live token now expires after 24 hours.\n"),
      },
    },
    { message: "Add an incident with a frontmatter mistake", author: ["Ada Example", "ada@lumen.example"], date: "2026-05-04T08:15:00Z", files: { [`incidents/${E2E.brokenIncident}.mdx`]: broken } },
  ];
}

function buildRepo(dir: string, withRestricted: boolean) {
  fs.mkdirSync(dir, { recursive: true });
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync("git", args, { cwd: dir, env: { ...process.env, GIT_COMMITTER_NAME: "Kaizen", GIT_COMMITTER_EMAIL: "kaizen@localhost", ...env } });
  git(["init", "-q", "-b", "main"]);
  for (const rev of revisions()) {
    for (const [rel, text] of Object.entries(rev.files)) {
      if (!withRestricted && LEAK.restrictedPaths.includes(rel)) continue;
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      if (text !== null) fs.writeFileSync(path.join(dir, rel), text);
    }
    git(["add", "-A"]);
    const [name, email] = rev.author;
    git(["commit", "-q", "-m", rev.message], { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: rev.date, GIT_COMMITTER_DATE: rev.date });
  }
}

async function main() {
  const root = process.argv[2];
  if (!root) throw new Error("usage: leak-fixture.ts <root>");
  fs.rmSync(root, { recursive: true, force: true });
  const a = LEAK.server(root, "a");
  const b = LEAK.server(root, "b");
  buildRepo(a.contentDir, true);
  buildRepo(b.contentDir, false);
  for (const u of E2E.users) {
    await addUser({ username: u.username, role: u.role, groups: u.groups, name: u.name, email: `${u.username}@lumen.example`, password: u.password }, a.dataDir);
  }
  fs.mkdirSync(b.dataDir, { recursive: true });
  fs.copyFileSync(path.join(a.dataDir, "users.json"), path.join(b.dataDir, "users.json"));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
