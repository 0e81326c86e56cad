import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { restoreServerEnv, serveContentFrom } from "../fixtures/server-env";

// GET /api/search answers repeated queries from a cache of serialized answers (lib/pages/search.ts): over a real
// content repository, the cached answer must be the one a fresh search gives, per viewer and per content version.
const RAE: Viewer = { id: "rae", name: "Rae Reader", email: "rae@example.com", role: "reader", groups: [] };
const SOL: Viewer = { id: "sol", name: "Sol Security", email: "sol@example.com", role: "reader", groups: ["security"] };
const who: { viewer: Viewer } = { viewer: RAE };
vi.mock("@/lib/auth/session", () => ({ requireApiViewer: async () => who.viewer }));

const route = await import("../../app/api/search/route");
const { searchFor } = await import("../../lib/pages/search");
const { getStore } = await import("../../lib/content");

const FACTORS = "- id: secret-leak\n  name: Secret leak\n  category: ops\n  description: A secret leaked.\n";
const dirs: string[] = [];
let root = "";

const incident = (title: string, extra: string[] = []) =>
  ["---", `title: ${title}`, "status: published", "severity: SEV3", "started_at: 2026-02-03T10:00:00Z", ...extra, "contributing_factors:", "  - factor: secret-leak", "---", "", `${title}.`, ""].join("\n");
const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], { cwd: root });

async function ask(viewer: Viewer, qs: string): Promise<{ status: number; text: string; type: string | null; cache: string | null }> {
  who.viewer = viewer;
  const res = await route.GET(new Request(`http://kaizen.test/api/search${qs}`));
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type"), cache: res.headers.get("cache-control") };
}

const ids = (text: string) => (JSON.parse(text) as { results: { id: string }[] }).results.map((r) => r.id).sort();

beforeAll(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-answers-")));
  const data = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-answers-data-"));
  dirs.push(root, data);
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: root });
  await fs.mkdir(path.join(root, "incidents"));
  await fs.writeFile(path.join(root, "factors.yml"), FACTORS);
  await fs.writeFile(path.join(root, "incidents", "token-in-ci-logs.mdx"), incident("Deploy token printed in the build logs"));
  await fs.writeFile(path.join(root, "incidents", "vault-token-exfiltrated.mdx"), incident("Vault token exfiltrated from the build cache", ["visibility: restricted", "groups: [security]"]));
  git("add", "-A");
  git("commit", "-qm", "content");
  serveContentFrom(root, data);
  await getStore(root).forceRefresh();
});

afterAll(async () => {
  restoreServerEnv();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe("GET /api/search answers", () => {
  it("answers a repeated query with the same JSON a fresh search gives, as private JSON", async () => {
    const first = await ask(RAE, "?q=token&limit=5");
    const again = await ask(RAE, "?q=token&limit=5");
    expect(first.status).toBe(200);
    expect(first.type).toBe("application/json");
    expect(first.cache).toBe("private, no-store");
    expect(again.text).toBe(first.text);
    expect(JSON.parse(first.text)).toEqual(JSON.parse(JSON.stringify(await searchFor(RAE, "token", { limit: 5, offset: 0, asYouType: false }))));
  });

  it("never gives a viewer the answer cached for another: the restricted incident stays out of Rae's", async () => {
    const sol = await ask(SOL, "?q=token");
    expect(ids(sol.text)).toEqual(["token-in-ci-logs", "vault-token-exfiltrated"]);
    const rae = await ask(RAE, "?q=token");
    expect(ids(rae.text)).toEqual(["token-in-ci-logs"]);
    expect(rae.text).not.toContain("Vault");
    expect(JSON.parse(rae.text)).toMatchObject({ total: 1 });
  });

  it("shares an answer between viewers who may read the same incidents, and only between them", async () => {
    // Keyed on what a viewer may read (lib/search/visibility.ts accessKey), not on who asks.
    const ray: Viewer = { ...RAE, id: "ray", name: "Ray", role: "author" };
    const sam: Viewer = { ...SOL, id: "sam", name: "Sam", groups: ["security", "security"] };
    const ada: Viewer = { ...RAE, id: "ada", name: "Ada", role: "admin" };
    const rae = await ask(RAE, "?q=build&limit=7");
    expect(ids(rae.text)).toEqual(["token-in-ci-logs"]);
    expect((await ask(ray, "?q=build&limit=7")).text).toBe(rae.text);
    const sol = await ask(SOL, "?q=build&limit=7");
    expect(ids(sol.text)).toEqual(["token-in-ci-logs", "vault-token-exfiltrated"]);
    expect((await ask(sam, "?q=build&limit=7")).text).toBe(sol.text);
    expect(ids((await ask(ada, "?q=build&limit=7")).text)).toEqual(["token-in-ci-logs", "vault-token-exfiltrated"]);
    // Asked again after the others, Rae's answer is still hers: no restricted incident, no facet counting it.
    const again = await ask(RAE, "?q=build&limit=7");
    expect(again.text).toBe(rae.text);
    expect(again.text).not.toContain("Vault");
    expect(JSON.parse(again.text)).toMatchObject({ total: 1 });
  });

  it("answers from the new content once a commit changed it", async () => {
    expect(ids((await ask(RAE, "?q=token")).text)).toEqual(["token-in-ci-logs"]);
    // Another process's save (a second worker, the CLI): a commit to the clone, seen through HEAD.
    await fs.writeFile(path.join(root, "incidents", "token-in-ci-logs.mdx"), incident("Deploy password printed in the build logs"));
    await fs.writeFile(path.join(root, "incidents", "signing-token-expired.mdx"), incident("Signing token expired during the release"));
    git("add", "-A");
    git("commit", "-qm", "edit");
    await getStore(root).forceRefresh();
    expect(ids((await ask(RAE, "?q=token")).text)).toEqual(["signing-token-expired"]);
  });

  it("still refuses an over-long query, and a cached answer still counts against the viewer's rate limit", async () => {
    expect((await ask(RAE, `?q=${"a".repeat(5000)}`)).status).toBe(400);
    const lee: Viewer = { ...RAE, id: "lee", name: "Lee" };
    const statuses: number[] = [];
    for (let i = 0; i < 241; i++) statuses.push((await ask(lee, "?q=token")).status);
    // 240 a minute (lib/pages/search.ts): the same query answered from the cache is refused like any other.
    expect(statuses.slice(0, 240).every((s) => s === 200)).toBe(true);
    expect(statuses[240]).toBe(429);
  });
});
