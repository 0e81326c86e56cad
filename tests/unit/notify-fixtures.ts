import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ContentStore } from "../../lib/content/store";

export const FACTORS = `- id: missing-alert
  name: Missing alert
  category: observability
  description: No alert fired.
- id: bad-config-push
  name: Bad configuration push
  category: change
  description: A configuration change rolled out everywhere at once.
`;

/** An incident file: frontmatter lines after the defaults, and a short body. */
export function incidentText(title: string, lines: string[]): string {
  const has = (k: string) => lines.some((l) => l.startsWith(`${k}:`));
  return [
    "---",
    `title: ${title}`,
    ...(has("status") ? [] : ["status: published"]),
    ...(has("severity") ? [] : ["severity: SEV2"]),
    ...lines,
    "---",
    "",
    "## Summary",
    "",
    "Something happened.",
    "",
  ].join("\n");
}

export function git(root: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "Setup", GIT_AUTHOR_EMAIL: "setup@example.com", GIT_COMMITTER_NAME: "Setup", GIT_COMMITTER_EMAIL: "setup@example.com" },
  });
}

const dirs: string[] = [];

export async function tempDir(prefix: string): Promise<string> {
  const d = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
  dirs.push(d);
  return d;
}

export async function removeTempDirs(): Promise<void> {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
}

/** A committed content repository with a taxonomy, these incidents (id → text) and optional extra files. */
export async function makeContentRepo(incidents: Record<string, string>, extra: Record<string, string> = {}, commitDate?: string): Promise<{ root: string; store: ContentStore }> {
  const root = await tempDir("kaizen-notify-");
  git(root, "init", "-q", "-b", "main");
  await fs.mkdir(path.join(root, "incidents"));
  await fs.writeFile(path.join(root, "factors.yml"), FACTORS);
  for (const [id, text] of Object.entries(incidents)) await fs.writeFile(path.join(root, "incidents", `${id}.mdx`), text);
  for (const [rel, text] of Object.entries(extra)) await fs.writeFile(path.join(root, rel), text);
  git(root, "add", "-A");
  if (commitDate) {
    execFileSync("git", ["commit", "-q", "-m", "Initial content"], {
      cwd: root,
      env: { ...process.env, GIT_AUTHOR_NAME: "Setup", GIT_AUTHOR_EMAIL: "s@example.com", GIT_COMMITTER_NAME: "Setup", GIT_COMMITTER_EMAIL: "s@example.com", GIT_AUTHOR_DATE: commitDate, GIT_COMMITTER_DATE: commitDate },
    });
  } else git(root, "commit", "-q", "-m", "Initial content");
  return { root, store: new ContentStore(root) };
}

/** Commits the working tree with a given date (author and committer). */
export function commitAt(root: string, message: string, date: string): void {
  git(root, "add", "-A");
  execFileSync("git", ["commit", "-q", "-m", message], {
    cwd: root,
    env: { ...process.env, GIT_AUTHOR_NAME: "Setup", GIT_AUTHOR_EMAIL: "s@example.com", GIT_COMMITTER_NAME: "Setup", GIT_COMMITTER_EMAIL: "s@example.com", GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
}
