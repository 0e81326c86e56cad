import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppError } from "../errors";

/** How this instance talks to the team's git remote (ARCHITECTURE §8); null when no remote is configured. */
export interface SyncConfig {
  remote: string;
  branch: string;
  intervalMs: number;
  /** For https remotes: handed to git through GIT_ASKPASS only, never written anywhere. */
  token: string | null;
  webhookSecret: string | null;
}

const BRANCH = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;

/** Reads KAIZEN_GIT_* from the environment; a misconfiguration is a clear error, never a silent local-only mode. */
export function readSyncConfig(env: Record<string, string | undefined> = process.env): SyncConfig | null {
  const remote = env.KAIZEN_GIT_REMOTE?.trim();
  if (!remote) return null;
  const branch = env.KAIZEN_GIT_BRANCH?.trim() || "main";
  if (!BRANCH.test(branch)) throw new AppError("bad_request", `KAIZEN_GIT_BRANCH is not a branch name: ${branch}`);
  const seconds = env.KAIZEN_SYNC_INTERVAL?.trim() ? Number(env.KAIZEN_SYNC_INTERVAL) : 60;
  if (!Number.isFinite(seconds) || seconds < 1) throw new AppError("bad_request", `KAIZEN_SYNC_INTERVAL must be a number of seconds ≥ 1, got "${env.KAIZEN_SYNC_INTERVAL}"`);
  if (remote.startsWith("-")) throw new AppError("bad_request", "KAIZEN_GIT_REMOTE must be a URL");
  if (/^https?:\/\//i.test(remote)) {
    let url: URL;
    try {
      url = new URL(remote);
    } catch {
      throw new AppError("bad_request", "KAIZEN_GIT_REMOTE is not a valid URL");
    }
    // A credential in the URL would end up in .git/config and in git's messages: it belongs in KAIZEN_GIT_TOKEN.
    if (url.password || (url.username && env.KAIZEN_GIT_TOKEN)) throw new AppError("bad_request", "KAIZEN_GIT_REMOTE must not contain credentials: put the token in KAIZEN_GIT_TOKEN");
  }
  return {
    remote,
    branch,
    intervalMs: Math.round(seconds * 1000),
    token: env.KAIZEN_GIT_TOKEN?.trim() || null,
    webhookSecret: env.KAIZEN_WEBHOOK_SECRET?.trim() || null,
  };
}

/**
 * Removes anything credential-like from text that git printed before it reaches a log, an error, the state file or
 * the audit log: the configured secrets themselves, userinfo in URLs, and the shapes of common forge tokens.
 */
export function redact(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  return out
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1***@")
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,})\b/g, "***")
    .replace(/(authorization:\s*)(basic|bearer|token)\s+\S+/gi, "$1$2 ***");
}

const ASKPASS = `#!/bin/sh
# Kaizen's askpass: answers git's prompts from its environment only; it holds no secret itself.
case "$1" in
  Username*) printf '%s\\n' "\${KAIZEN_ASKPASS_USER:-x-access-token}" ;;
  *) printf '%s\\n' "$KAIZEN_ASKPASS_TOKEN" ;;
esac
`;

let askpassPath: string | null = null;

function askpassScript(): string {
  if (askpassPath && fs.existsSync(askpassPath)) return askpassPath;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kaizen-askpass-"));
  const file = path.join(dir, "askpass.sh");
  fs.writeFileSync(file, ASKPASS, { mode: 0o700 });
  askpassPath = file;
  return file;
}

/**
 * Environment and leading options for a git command that talks to the remote. With a token: git asks the askpass
 * script, which reads it from this child's environment; `credential.helper=` (an empty list) keeps any configured
 * helper from storing it on disk after a successful push.
 */
export function remoteGit(cfg: SyncConfig): { env: Record<string, string>; pre: string[] } {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0" };
  if (!cfg.token) return { env, pre: [] };
  env.GIT_ASKPASS = askpassScript();
  env.KAIZEN_ASKPASS_TOKEN = cfg.token;
  return { env, pre: ["-c", "credential.helper="] };
}
