import fs from "node:fs";
import path from "node:path";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Imports only go downward: schema → content → knowledge → followups → notify/search → reviews (and the write path:
// editor, import, lint) → pages → app. Each folder lists the layers above it; importing one of them is an error.
const layer = (name) => [`**/${name}`, `**/${name}/**`, `@/lib/${name}`, `@/lib/${name}/**`];
const APP = ["@/app/**", "**/app/**"];
const above = {
  "lib/text": ["schema", "content", "knowledge", "followups", "notify", "search", "reviews", "editor", "import", "lint", "pages", "publish", "export", "sync"],
  "lib/schema": ["content", "knowledge", "followups", "notify", "search", "reviews", "editor", "import", "lint", "pages", "publish", "export", "sync"],
  "lib/content": ["knowledge", "followups", "notify", "search", "reviews", "editor", "import", "lint", "pages", "publish", "export", "sync"],
  "lib/knowledge": ["followups", "notify", "search", "reviews", "editor", "import", "lint", "pages", "publish", "export", "sync"],
  "lib/followups": ["notify", "reviews", "editor", "pages"],
  "lib/notify": ["search", "reviews", "editor", "pages"],
  "lib/search": ["followups", "notify", "reviews", "editor", "pages"],
  // Reviews build on followups (notifications) and search (the index after a status change).
  "lib/reviews": ["editor", "pages"],
  "lib/editor": ["pages"],
  "lib/import": ["pages"],
  "lib/lint": ["pages"],
  "lib/pages": [],
  // Safe MDX sits below the content store (which checks bodies with it); public versions and the static export build
  // on it, and nothing below them imports them.
  "lib/mdx": ["content", "knowledge", "followups", "notify", "search", "reviews", "editor", "import", "lint", "pages", "publish", "export", "sync"],
  "lib/publish": ["content", "knowledge", "followups", "notify", "search", "reviews", "editor", "import", "lint", "pages", "export", "sync"],
  "lib/export": ["followups", "notify", "search", "reviews", "editor", "import", "lint", "pages", "sync"],
};
const layerRules = Object.entries(above).map(([dir, names]) => ({
  files: [`${dir}/**/*.ts`, `${dir}/**/*.tsx`],
  rules: {
    "no-restricted-imports": [
      "error",
      // A sibling file that shares a layer's name (lib/followups/notify.ts next to lib/notify) is not that layer.
      { patterns: [{ group: [...names.flatMap(layer), ...APP, "!./*"], message: `${dir} may only import layers below it (schema → content → knowledge → followups → notify/search → reviews → pages → app).` }] },
    ],
  },
}));

// Modules that must never reach the browser: those marked `import "server-only"`, found afresh at each lint.
function serverModules(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...serverModules(p));
    else if (/\.tsx?$/.test(entry.name) && /^import "server-only";/m.test(fs.readFileSync(p, "utf8"))) out.push(p.replace(/\.tsx?$/, "").replace(/\/index$/, ""));
  }
  return out;
}
const SERVER = new Set(serverModules(path.join(import.meta.dirname, "lib")));

const clientBoundary = {
  meta: { type: "problem", schema: [], messages: { server: '"use client" module imports the server-only module {{name}}' } },
  create(context) {
    const source = context.sourceCode ?? context.getSourceCode();
    const isClient = source.ast.body.some((n) => n.type === "ExpressionStatement" && n.directive === "use client");
    if (!isClient) return {};
    const dir = path.dirname(context.filename ?? context.getFilename());
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== "string" || node.importKind === "type") return;
      const target = spec.startsWith("@/") ? path.join(import.meta.dirname, spec.slice(2)) : spec.startsWith(".") ? path.resolve(dir, spec) : null;
      if (spec === "server-only" || spec.startsWith("node:") || (target && SERVER.has(target.replace(/\/index$/, "")))) context.report({ node, messageId: "server", data: { name: spec } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  { ignores: [".next/**", ".next-*/**", ".scratch*/**", ".kaizen/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...layerRules,
  { files: ["**/*.ts", "**/*.tsx"], plugins: { kaizen: { rules: { "client-boundary": clientBoundary } } }, rules: { "kaizen/client-boundary": "error" } },
];

export default config;
