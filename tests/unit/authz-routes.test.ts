import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// ARCHITECTURE §7.3: every page, route handler and server action authorizes for itself; the proxy is only a convenience.
// This is a static check on the source, so a new route without an authorization call fails here before it ships.

const ROOT = path.resolve(__dirname, "../..");
const APP = path.join(ROOT, "app");
const ROUTE_FILE = /^(page\.tsx|route\.ts|actions\.ts)$/;
const AUTH_CALL = /\b(requireViewer|requireApiViewer)\(/;
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** The only files that may skip authorization, each with its reason in a leading `// public:` comment. */
const PUBLIC_FILES = new Set([
  "app/signin/page.tsx",
  "app/api/auth/[...nextauth]/route.ts",
  "app/api/health/route.ts",
  "app/api/countermeasures.ics/route.ts", // authenticated by the per-user feed token
  "app/api/incidents.atom/route.ts", // authenticated by the per-user feed token
  "app/api/git/webhook/route.ts", // called by GitHub/GitLab; authenticated by the signature against KAIZEN_WEBHOOK_SECRET
  "app/api/hooks/tickets/route.ts", // called by ticket systems; authenticated by HMAC (KAIZEN_TICKETS_SECRET) or bearer token (KAIZEN_TICKETS_TOKEN)
]);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (ROUTE_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

/** Source without comments, so an authorization call that is only mentioned in a comment does not count. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** True when `getViewer()`'s result decides something: tested in a condition, or kept in a variable that is read. */
function getViewerDecides(code: string): boolean {
  if (/\b(if|while)\s*\([^;{]*getViewer\(/.test(code) || /getViewer\(\)\)?\s*(\?|&&|\|\|)/.test(code)) return true;
  for (const m of code.matchAll(/\b(?:const|let)\s+(\w+)\s*=\s*await\s+getViewer\(/g)) {
    const name = m[1] ?? "";
    const uses = code.match(new RegExp(`\\b${name}\\b`, "g")) ?? [];
    if (uses.length > 1) return true;
  }
  return false;
}

/** Each exported handler (HTTP methods of a route, or every server action), with its source up to the next export. */
function handlers(code: string, names: string): { name: string; body: string }[] {
  const re = new RegExp(`^export\\s+(?:async\\s+)?function\\s+(${names})\\b|^export\\s+const\\s+(${names})\\b`, "gm");
  const starts = [...code.matchAll(re)].map((m) => ({ name: m[1] ?? m[2] ?? "", at: m.index ?? 0 }));
  return starts.map((s, i) => {
    const next = code.slice(s.at + 1).search(/^export\s/m);
    const end = next === -1 ? code.length : s.at + 1 + next;
    return { name: s.name, body: code.slice(s.at, Math.min(end, starts[i + 1]?.at ?? code.length)) };
  });
}

/** Problems with one route file's authorization; empty when it authorizes (or is an allowed public file). */
function checkRouteSource(rel: string, source: string, publicFiles: ReadonlySet<string> = PUBLIC_FILES): string[] {
  if (/^\s*\/\/ public:[ \t]*\S/.test(source)) {
    return publicFiles.has(rel) ? [] : [`${rel}: marked "// public:" but not on the list of public routes in this test`];
  }
  const code = stripComments(source);
  const authorizes = AUTH_CALL.test(code) || (/\bgetViewer\(/.test(code) && getViewerDecides(code));
  if (!authorizes) {
    return [`${rel}: no requireViewer(, requireApiViewer( or getViewer( that decides; authorize, or start with "// public: <reason>" and list it here`];
  }
  if (rel.endsWith("route.ts") || rel.endsWith("actions.ts")) {
    return handlers(code, rel.endsWith("route.ts") ? HTTP_METHODS.join("|") : "\\w+")
      .filter((h) => !AUTH_CALL.test(h.body) && !/\bgetViewer\(/.test(h.body))
      .map((h) => `${rel}: handler ${h.name} does not authorize`);
  }
  return [];
}

describe("every route authorizes for itself", () => {
  const files = walk(APP).map((f) => path.relative(ROOT, f).split(path.sep).join("/")).sort();

  it("finds the route files (the check is not vacuous)", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(files).toContain("app/page.tsx");
    expect(files).toContain("app/api/incidents/route.ts");
  });

  it("has an authorization call or an allowed public reason in each file", () => {
    const problems = files.flatMap((rel) => checkRouteSource(rel, fs.readFileSync(path.join(ROOT, rel), "utf8")));
    expect(problems).toEqual([]);
  });

  it("lists only public files that start with a reason when they exist", () => {
    for (const rel of PUBLIC_FILES) {
      const abs = path.join(ROOT, rel);
      if (!fs.existsSync(abs)) continue;
      const source = fs.readFileSync(abs, "utf8");
      const hasReason = /^\s*\/\/ public:[ \t]*\S/.test(source);
      // A listed file may still authorize normally; if it does not, it must say why it is public.
      expect(hasReason || checkRouteSource(rel, source, new Set()).length === 0, rel).toBe(true);
    }
  });
});

describe("the checker itself", () => {
  it("flags a page without an authorization call", () => {
    const source = 'import { getStore } from "@/lib/content";\nexport default async function Page() {\n  const s = await getStore().snapshot();\n  return <p>{s.incidents.length}</p>;\n}\n';
    expect(checkRouteSource("app/secret/page.tsx", source)).toHaveLength(1);
  });

  it("does not count a call that only appears in a comment", () => {
    const source = "// TODO: requireViewer(\n/* requireApiViewer() */\nexport async function GET() {\n  return Response.json([]);\n}\n";
    expect(checkRouteSource("app/api/x/route.ts", source)).toHaveLength(1);
  });

  it("flags getViewer() whose result decides nothing", () => {
    const source = 'export default async function Page() {\n  await getViewer();\n  return <p>secret</p>;\n}\n';
    expect(checkRouteSource("app/x/page.tsx", source)).toHaveLength(1);
    const deciding = 'export default async function Page() {\n  const viewer = await getViewer();\n  if (!viewer) redirect("/signin");\n  return <p>ok</p>;\n}\n';
    expect(checkRouteSource("app/x/page.tsx", deciding)).toEqual([]);
  });

  it("flags a route handler that does not authorize when another one does", () => {
    const source = [
      "export async function GET() {",
      "  const viewer = await requireApiViewer();",
      "  return Response.json(viewer);",
      "}",
      "export async function DELETE() {",
      "  return new Response(null, { status: 204 });",
      "}",
    ].join("\n");
    expect(checkRouteSource("app/api/x/route.ts", source)).toEqual(["app/api/x/route.ts: handler DELETE does not authorize"]);
  });

  it("accepts a public reason only for listed files", () => {
    const source = "// public: nothing to see\nexport async function GET() {\n  return Response.json({ ok: true });\n}\n";
    expect(checkRouteSource("app/api/health/route.ts", source)).toEqual([]);
    expect(checkRouteSource("app/api/incidents/route.ts", source)).toHaveLength(1);
    expect(checkRouteSource("app/api/health/route.ts", "// public:\nexport async function GET() {}\n")).toHaveLength(1);
  });

  it("flags a server action that does not authorize", () => {
    const source = '"use server";\nexport async function save() {\n  await requireViewer();\n}\nexport async function remove(id: string) {\n  await drop(id);\n}\n';
    expect(checkRouteSource("app/x/actions.ts", source)).toEqual(["app/x/actions.ts: handler remove does not authorize"]);
  });

  it("accepts an authorized page and server actions", () => {
    expect(checkRouteSource("app/x/page.tsx", 'export default async function Page() {\n  const viewer = await requireViewer("/x");\n  return viewer.name;\n}\n')).toEqual([]);
    expect(checkRouteSource("app/x/actions.ts", '"use server";\nexport async function save() {\n  const viewer = await requireViewer();\n}\n')).toEqual([]);
  });
});
