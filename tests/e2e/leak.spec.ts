import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { E2E, type E2EUser } from "./env";
import { LEAK } from "./leak-env";

// "Restricted means invisible", checked as a whole: two production servers from the same build, A over the sample
// knowledge base with its restricted incidents, B over the same repository in which the restricted files never
// existed (tests/e2e/leak-fixture.ts). Whatever a person outside the security group asks, A must answer exactly as B
// does: every page reachable from the overview, the API, search scores, facets and suggestions, the feeds and the
// editor's answers. Any difference is something A knows only from a restricted file.
//
// What is normalised before comparing, and why that cannot hide a leak:
// - the server's own origin (the two ports differ);
// - commit hashes, replaced by their position in the repository's history (`<commit 2>`): B's commits are A's with
//   the restricted files left out, so the same position is the same commit, while a hash that is not a commit of the
//   answering server's repository stays as it is. Blob ids are not normalised: a visible file is byte-identical in A
//   and B, so its blob id is too;
// - an iCalendar DTSTAMP (the time the feed was generated) and the editor's row keys (the time the page was rendered
//   and a per-process counter, lib/editor/form.ts rowKey).

const TIMEOUT = 170_000;
const MAX_PAGES = 260;

type Server = { name: "A" | "B"; base: string; contentDir: string; dataDir: string; child: ChildProcess; stderr: string[] };
type Answer = { status: number; type: string; location: string; body: string };
const nonceOf = (html: string) => /\snonce="([A-Za-z0-9+/=]{16,})"/.exec(html)?.[1];
type Probe = { method: "GET" | "POST" | "PUT"; url: string; data?: unknown };

const servers: Server[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function start(name: "A" | "B"): Promise<Server> {
  const { contentDir, dataDir } = LEAK.server(LEAK.root, name === "A" ? "a" : "b");
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const child = spawn("node_modules/.bin/next", ["start", "-p", String(port)], {
    env: { ...process.env, KAIZEN_CONTENT_DIR: contentDir, KAIZEN_DATA_DIR: dataDir, AUTH_SECRET: E2E.secret, NEXTAUTH_URL: base, KAIZEN_TIME_ZONE: "UTC" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const server = { name, base, contentDir, dataDir, child, stderr };
  servers.push(server);
  return server;
}

async function ready(server: Server): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (server.child.exitCode !== null) throw new Error(`server ${server.name} exited: ${server.stderr.join("")}`);
    const ok = await fetch(`${server.base}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server ${server.name} did not answer /api/health: ${server.stderr.join("")}`);
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once("exit", r));
  server.child.kill("SIGTERM");
  await exited;
}

async function signIn(server: Server, username: E2EUser): Promise<APIRequestContext> {
  const user = E2E.users.find((u) => u.username === username);
  if (!user) throw new Error(`no e2e user ${username}`);
  const ctx = await request.newContext({ baseURL: server.base });
  const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await ctx.post("/api/auth/callback/credentials", { form: { username: user.username, password: user.password, csrfToken, callbackUrl: `${server.base}/`, json: "true" }, maxRedirects: 0 });
  const session = (await (await ctx.get("/api/auth/session")).json()) as { user?: { name?: string } };
  expect(session.user?.name, `${username} signed in on ${server.name}`).toBe(user.name);
  return ctx;
}

function commitsOf(server: Server): string[] {
  return execFileSync("git", ["rev-list", "--reverse", "--all"], { cwd: server.contentDir, encoding: "utf8" }).split("\n").filter(Boolean);
}

function normalise(server: Server, answer: Answer): Answer {
  const commits = commitsOf(server);
  const origin = new URL(server.base);
  const text = (s: string) =>
    s
      // A fresh CSP nonce per response (see proxy.ts), also among the page data: random, so it carries nothing.
      .replaceAll(nonceOf(answer.body) ?? "\u0000no nonce\u0000", "<nonce>")
      // iCalendar folds lines at 75 octets, so the origin may be cut anywhere; unfold first.
      .replace(/\r\n[ \t]/g, "")
      .replaceAll(server.base, "<origin>")
      .replaceAll(encodeURIComponent(server.base), "<origin>")
      .replaceAll(origin.host, "<host>")
      .replace(/\b[0-9a-f]{7,40}\b/g, (hex) => {
        const n = commits.findIndex((c) => c.startsWith(hex));
        return n < 0 ? hex : `<commit ${n + 1}>`;
      })
      .replace(/^DTSTAMP:\d{8}T\d{6}Z$/gm, "DTSTAMP:<now>")

      .replace(/\b[a-z]([0-9a-z]{8})\d+\b/g, (key, time: string) => (Math.abs(parseInt(time, 36) - Date.now()) < 86_400_000 ? "<row key>" : key));
  return { status: answer.status, type: answer.type, location: text(answer.location), body: text(answer.body) };
}

async function ask(ctx: APIRequestContext, server: Server, probe: Probe): Promise<Answer> {
  const headers: Record<string, string> = probe.method === "GET" ? {} : { origin: server.base, "content-type": "application/json" };
  const res = await ctx.fetch(probe.url, { method: probe.method, headers, data: probe.data === undefined ? undefined : JSON.stringify(probe.data), maxRedirects: 0 });
  return normalise(server, { status: res.status(), type: res.headers()["content-type"] ?? "", location: res.headers()["location"] ?? "", body: await res.text() });
}

/**
 * Lines to compare: JSON pretty-printed; HTML broken between tags, then the React flight payload (the page's data for
 * the client router, taken out of its scripts) as the sorted list of its string and number literals. React streams
 * rows in the order server components finish and outlines an element into a row of its own when it arrives late, so
 * row ids, references and nesting differ from one request to the next; the literals do not, and every string or
 * number a client component receives is one of them.
 */
function lines(answer: Answer): string[] {
  let body = answer.body;
  if (answer.type.includes("json")) {
    try {
      body = JSON.stringify(JSON.parse(body), null, 1);
    } catch {
      // not JSON after all: compared as text
    }
  } else if (answer.type.includes("html")) {
    let flight = "";
    const html = body.replace(/<script\b[^>]*>([\s\S]*?)<\/script>/g, (_all, code: string) => {
      for (const m of code.matchAll(/self\.__next_f\.push\(\[1,("(?:[^"\\]|\\.)*")\]\)/g)) flight += JSON.parse(m[1] ?? '""') as string;
      // Where a script lands among the head's and body's tags depends on when the stream flushed, not on the data:
      // its flight text is compared below, its position is not.
      return "";
    });
    const literals = [...flight.replace(/(^|\n)[0-9a-f]+:/g, "$1").matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/g)]
      .map((m) => m[0])
      .filter((lit) => !/^"\$[A-Za-z@]?[0-9a-f]*"$/.test(lit))
      .sort();
    // React's text separators (<!-- -->) mark where the stream split adjacent text, which depends on timing, not data.
    body = [html.replaceAll("<!-- -->", "").replace(/></g, ">\n<"), "--- flight literals, sorted ---", ...literals].join("\n");
  }
  return [`status ${answer.status}`, `type ${answer.type}`, `location ${answer.location}`, ...body.split("\n")];
}

const clip = (s: string, at: number) => (at > 120 ? "…" : "") + s.slice(Math.max(0, at - 120), at + 200);

/** Null when equal, otherwise the first differing line of each side. */
function firstDifference(a: Answer, b: Answer): string | null {
  const la = lines(a);
  const lb = lines(b);
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    const x = la[i] ?? "<end>";
    const y = lb[i] ?? "<end>";
    if (x === y) continue;
    let at = 0;
    while (at < x.length && x[at] === y[at]) at++;
    return `line ${i + 1}\n    A (with restricted):    ${clip(x, at)}\n    B (without restricted): ${clip(y, at)}`;
  }
  return null;
}

/** Hrefs of an HTML page that stay on the server: paths with their query, without the fragment. */
function links(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/href="([^"]+)"/g)) {
    const raw = (m[1] ?? "").replaceAll("&amp;", "&").replace(/^<origin>/, "");
    if (!raw.startsWith("/") || raw.startsWith("//")) continue;
    const url = raw.split("#")[0] ?? "";
    if (!url || /^\/(_next|api\/auth|signin)\b/.test(url)) continue;
    out.push(url);
  }
  return out;
}

const differences: string[] = [];

/** Asks A and B the same thing as the same user; a difference is a failing (soft) assertion naming the URL. */
async function compare(user: string, ctx: { A: APIRequestContext; B: APIRequestContext }, probe: Probe): Promise<Answer> {
  const [a, b] = [servers[0], servers[1]] as [Server, Server];
  const answerA = await ask(ctx.A, a, probe);
  const answerB = await ask(ctx.B, b, probe);
  const diff = firstDifference(answerA, answerB);
  const label = `${user}: ${probe.method} ${probe.url}${probe.data === undefined ? "" : ` ${JSON.stringify(probe.data).slice(0, 160)}`}`;
  // Phrases of the restricted files no visible file contains: when A's answer has one, the difference is the text itself.
  const tells = ["visibility: restricted", "lfdt_live", "open-source tracking SDK", ...LEAK.extraRestricted.map((r) => r.title), "Production deploy token exposed"];
  const carried = tells.filter((t) => answerA.body.includes(t) && !answerB.body.includes(t) && !JSON.stringify(probe.data ?? "").includes(t));
  if (diff) differences.push(`${label}\n  ${diff}${carried.length ? `\n    A's answer carries restricted text: ${carried.join(", ")}` : ""}`);
  expect.soft(diff, `${label} differs between A and B`).toBeNull();
  return answerB;
}

test.describe("restricted text never leaks", () => {
  test.describe.configure({ timeout: TIMEOUT });

  test.beforeAll(async () => {
    test.setTimeout(TIMEOUT);
    execFileSync("node_modules/.bin/tsx", ["tests/e2e/leak-fixture.ts", LEAK.root], { stdio: "inherit" });
    const started = [await start("A"), await start("B")];
    for (const s of started) await ready(s);
  });

  test.afterAll(async () => {
    for (const s of servers.splice(0)) await stop(s);
  });

  test("a reader and an author outside the group get the same answers with and without the restricted files", async () => {
    const [a, b] = servers as [Server, Server];
    const as = async (user: E2EUser) => ({ A: await signIn(a, user), B: await signIn(b, user) });

    // The comparison can see a restricted incident at all: for a member of its group, A and B differ.
    const member = await as("secreader");
    const seen = await ask(member.A, a, { method: "GET", url: "/incidents" });
    expect(firstDifference(seen, await ask(member.B, b, { method: "GET", url: "/incidents" }))).not.toBeNull();
    expect(seen.body).toContain(E2E.restrictedIncident);

    const reader = await as("reader");
    const restricted = LEAK.restrictedIds;
    const sample = E2E.restrictedIncident;

    await test.step("every page reachable from the overview, plus the restricted URLs", async () => {
      const queue = [
        "/",
        "/incidents",
        "/incidents?page=2",
        "/incidents?q=token",
        "/incidents?team=security",
        "/incidents?service=edge-proxy",
        "/incidents?factor=credential-leak",
        "/incidents?factor=excessive-permissions",
        "/incidents?severity=SEV2",
        "/incidents?tag=secret",
        "/factors",
        "/factors/credential-leak",
        "/factors/excessive-permissions",
        "/factors/deploy-pipeline-gap",
        "/learnings",
        "/countermeasures",
        "/countermeasures?team=security",
        "/countermeasures?owner=hannah.berg%40lumen.example",
        "/countermeasures/review",
        "/api/countermeasures.csv",
        "/api/countermeasures.csv?status=open",
        ...restricted.flatMap((id) => [`/incidents/${id}`, `/incidents/${id}/history`, `/incidents/${id}/edit`]),
      ];
      const seenUrls = new Set(queue);
      while (queue.length && seenUrls.size <= MAX_PAGES) {
        const url = queue.shift() as string;
        const answerB = await compare("reader", reader, { method: "GET", url });
        // Links of B only: a link A alone shows is already a difference on the page that shows it.
        if (!answerB.type.includes("html")) continue;
        for (const next of links(answerB.body)) {
          if (seenUrls.has(next) || seenUrls.size >= MAX_PAGES) continue;
          seenUrls.add(next);
          queue.push(next);
        }
      }
      // The crawl reached the whole knowledge base, not just a sign-in page.
      expect(seenUrls.size).toBeGreaterThan(150);
    });

    await test.step("the JSON API, the feeds and factor suggestions", async () => {
      const feeds = JSON.parse(fs.readFileSync(path.join(a.dataDir, "users.json"), "utf8")) as { users: { username: string; feedToken: string }[] };
      const token = feeds.users.find((u) => u.username === "reader")?.feedToken ?? "";
      const probes = [
        "/api/health",
        "/api/incidents",
        "/api/incidents?team=security",
        "/api/incidents?factor=credential-leak",
        "/api/incidents?service=edge-proxy&severity=SEV2",
        ...restricted.map((id) => `/api/incidents/${id}`),
        `/api/incidents/${E2E.historyIncident}`,
        `/api/countermeasures.ics?token=${token}`,
        `/api/countermeasures.ics?token=${token}&owner=hannah.berg%40lumen.example`,
        ...[
          "credentials printed in CI logs",
          "token leaked in a public log with broad scope",
          "shared secret with org-wide permissions",
          "deploy token",
          "certificate expired",
          "retry storm",
        ].map((t) => `/api/factors/suggest?text=${encodeURIComponent(t)}`),
      ];
      const listed = (await (await reader.B.get("/api/incidents")).json()) as { incidents: { id: string }[] };
      for (const { id } of listed.incidents) probes.push(`/api/incidents/${id}`);
      for (const url of probes) await compare("reader", reader, { method: "GET", url });
    });

    await test.step("search: words only the restricted incidents use, their typos, shared words, long queries", async () => {
      const queries = [
        "deploy token",
        "deploy",
        "token",
        "lfdt_live",
        "cosign",
        "cosign signatures",
        "secret scanning",
        "github-actions",
        "open-source SDK",
        "DEPLOY_TOKEN",
        "deplyo tokn",
        "secrt scaning",
        "cosgin",
        "tokn",
        "signing key",
        "crash dump",
        "webhook secret",
        "certificate",
        "edge proxy",
        "retry storm",
        "connection pool exhaustion",
        "rotation",
        "audit logs",
        "token exposed in public CI logs",
        "printed the environment including a deploy token",
        "organization wide write scope far broader than needed",
        '"secret scanning"',
        '"deploy token"',
        "factor:credential-leak",
        "factor:excessive-permissions",
        "service:edge-proxy",
        "service:checkout-api token",
        "team:security",
        "severity:SEV2",
        "tag:secret",
        "security",
        "CI",
        "zzzz-nothing-matches",
      ];
      for (const q of queries) {
        const e = encodeURIComponent(q);
        await compare("reader", reader, { method: "GET", url: `/search?q=${e}` });
        await compare("reader", reader, { method: "GET", url: `/api/search?q=${e}` });
        await compare("reader", reader, { method: "GET", url: `/api/search?q=${e}&typing=1` });
      }
      await compare("reader", reader, { method: "GET", url: "/api/search?q=incident&limit=5&offset=5" });
      await compare("reader", reader, { method: "GET", url: "/search?q=edge&page=2" });
    });

    const author = await as("author");
    const restrictedText = execFileSync("git", ["show", `HEAD:incidents/${sample}.mdx`], { cwd: a.contentDir, encoding: "utf8" });
    const draftBody = restrictedText.split(/^---$/m)[2] ?? "";

    await test.step("the editor for an author outside the group", async () => {
      // Authors see edit links and drafts' badges a reader does not: their incident pages are compared too.
      const listed = (await (await author.B.get("/api/incidents")).json()) as { incidents: { id: string }[] };
      for (const { id } of listed.incidents) await compare("author", author, { method: "GET", url: `/incidents/${id}` });
      for (const url of ["/incidents/new", `/incidents/${E2E.historyIncident}/edit`, ...restricted.flatMap((id) => [`/incidents/${id}/edit`, `/incidents/${id}/history`])]) {
        await compare("author", author, { method: "GET", url });
      }
      // "Seen before?" for a draft that reads like the restricted incident.
      for (const data of [
        { text: draftBody, factors: ["credential-leak", "excessive-permissions"] },
        { text: "A deploy token was printed in public CI logs and revoked after secret scanning flagged it.", factors: [] },
        { text: "token", factors: ["deploy-pipeline-gap"] },
        { text: "Checkout latency", factors: [], exclude: sample },
      ]) {
        await compare("author", author, { method: "POST", url: "/api/incidents/similar", data });
      }
      for (const t of [draftBody.slice(0, 3000), "The token had organization-wide write scope"]) {
        await compare("author", author, { method: "GET", url: `/api/factors/suggest?text=${encodeURIComponent(t)}` });
      }
      // Writes aimed at a restricted incident's id that change nothing on either server.
      for (const id of restricted) {
        await compare("author", author, { method: "PUT", url: `/api/incidents/${id}`, data: { text: restrictedText, baseBlob: null } });
        await compare("author", author, { method: "PUT", url: `/api/incidents/${id}`, data: { text: restrictedText, baseBlob: "0".repeat(40) } });
        await compare("author", author, { method: "POST", url: "/api/countermeasures", data: { incidentId: id, cmId: "cm-1", baseBlob: "0".repeat(40), patch: { status: "done" } } });
      }
    });

    await test.step("saves whose id is a restricted incident's answer as for any unavailable id", async () => {
      // Here B cannot be the reference: on B the id is free and the save succeeds, and no answer on A can do that
      // (the id is taken). What must not show is *why* it is unavailable, so A's answer for an id a hidden incident
      // holds is compared with A's answer for an id a visible incident holds, the ids themselves and a generated id's
      // random suffix written out of both.
      const [auto, create, rename] = LEAK.extraRestricted as [(typeof LEAK.extraRestricted)[number], (typeof LEAK.extraRestricted)[number], (typeof LEAK.extraRestricted)[number]];
      const listed = (await (await author.B.get("/api/incidents")).json()) as { incidents: { id: string }[] };
      const others = listed.incidents.map((i) => i.id).filter((id) => id !== E2E.historyIncident && id !== E2E.brokenIncident);
      const taken = others[0] ?? E2E.brokenIncident;
      const textOf = (id: string) => execFileSync("git", ["show", `HEAD:incidents/${id}.mdx`], { cwd: a.contentDir, encoding: "utf8" });
      const visible = (title: string) => restrictedText.replace(/^title: .*$/m, `title: ${title}`).replace(/^visibility: restricted\ngroups: \[security\]\n/m, "visibility: internal\n");
      const alike = async (what: string, hidden: Probe, shown: Probe, ids: [string, string]) => {
        const out = (x: Answer, id: string) => ({ ...x, body: x.body.replaceAll(id, "<unavailable id>").replace(/<unavailable id>-[0-9a-z]{4}\b/g, "<unavailable id>-<suffix>").replace(/"(blob|commit|revision)": ?"[^"]*"/g, '"$1": "<rev>"') });
        const h = out(await ask(author.A, a, hidden), ids[0]);
        const v = out(await ask(author.A, a, shown), ids[1]);
        const diff = firstDifference(h, v);
        const label = `author: ${what}`;
        if (diff) differences.push(`${label}\n  ${diff}`);
        expect.soft(diff, `${label}: a hidden incident's id answers differently from a visible one's`).toBeNull();
      };
      const historyText = textOf(E2E.historyIncident);
      const historyRev = async () => ((await (await author.A.get(`/api/incidents/${E2E.historyIncident}`)).json()) as { revision: string }).revision;
      await alike("rename onto a taken id", { method: "PUT", url: `/api/incidents/${E2E.historyIncident}`, data: { text: historyText, baseBlob: await historyRev(), newId: rename.id } }, { method: "PUT", url: `/api/incidents/${E2E.historyIncident}`, data: { text: historyText, baseBlob: await historyRev(), newId: taken } }, [rename.id, taken]);
      await alike("create at a taken id", { method: "POST", url: "/api/incidents", data: { text: visible("A fresh write-up"), newId: create.id } }, { method: "POST", url: "/api/incidents", data: { text: visible("A fresh write-up"), newId: taken } }, [create.id, taken]);
      // Last, as both succeed: a new incident whose derived id a hidden incident holds gets a generated id of the same
      // shape as one whose derived id a visible incident holds.
      const first = (await (await author.A.post("/api/incidents", { headers: { origin: a.base, "content-type": "application/json" }, data: JSON.stringify({ text: visible("Signing keys in a visible write-up") }) })).json()) as { id: string };
      await alike("create whose derived id is taken", { method: "POST", url: "/api/incidents", data: { text: visible(auto.title) } }, { method: "POST", url: "/api/incidents", data: { text: visible("Signing keys in a visible write-up") } }, [auto.id, first.id]);
    });

    if (differences.length) console.log(`\n${differences.length} answers differ between A (with restricted files) and B (without):\n\n${differences.join("\n\n")}\n`);
  });
});
