import { execFile } from "node:child_process";
import { createHash } from "node:crypto";

export interface GitResult {
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = "GitError";
  }
}

/** Runs git in `cwd` without a shell. Callers always put `--` before paths. */
export function runGit(cwd: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      {
        cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...opts.env },
        maxBuffer: 256 * 1024 * 1024,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        if (err) {
          const code = typeof (err as NodeJS.ErrnoException).code === "number" ? ((err as unknown as { code: number }).code) : null;
          reject(new GitError(`git ${args[0]} failed: ${stderr.trim() || err.message}`, stderr, code));
        } else resolve({ stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** The blob id git gives this content (sha1 of `blob <len>\0<content>`), computed without spawning git. */
export function blobId(content: string | Buffer): string {
  const buf = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return createHash("sha1").update(`blob ${buf.length}\0`).update(buf).digest("hex");
}

export function isLockContention(err: unknown): boolean {
  return err instanceof GitError && /index\.lock|Unable to create .*\.lock|cannot lock ref/i.test(err.stderr);
}
