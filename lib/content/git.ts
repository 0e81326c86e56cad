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
export function runGit(cwd: string, args: string[], opts: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<GitResult> {
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

/** Reads many objects with one `git cat-file --batch`; ids missing from the repository are absent from the result. */
export function catBlobs(cwd: string, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      ["cat-file", "--batch"],
      { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" }, maxBuffer: 1024 * 1024 * 1024, encoding: "buffer" },
      (err, stdout, stderr) => {
        if (err) return reject(new GitError(`git cat-file failed: ${stderr.toString().trim() || err.message}`, stderr.toString(), null));
        // Each answer is "<id> <type> <size>\n<content>\n", or "<id> missing\n".
        const out = new Map<string, Buffer>();
        let at = 0;
        while (at < stdout.length) {
          const nl = stdout.indexOf(10, at);
          if (nl < 0) break;
          const [id = "", type = "", size = ""] = stdout.subarray(at, nl).toString().split(" ");
          at = nl + 1;
          if (type === "missing") continue;
          const n = Number(size);
          out.set(id, stdout.subarray(at, at + n));
          at += n + 1;
        }
        resolve(out);
      },
    );
    child.stdin?.end(`${unique.join("\n")}\n`);
  });
}
