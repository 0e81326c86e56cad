import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Dark mode changes only the theme tokens (app/globals.css); a colour written anywhere else stays the same in both
// schemes and breaks one of them (a light badge on a dark page). Every stylesheet reads colours from the tokens.
const root = path.resolve(__dirname, "../..");
const COLOUR = /#[0-9a-f]{3,8}\b|\b(?:rgb|rgba|hsl|hsla|hwb|lab|lch|oklab|oklch)\(|:\s*(?:white|black)\b/i;

function stylesheets(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? stylesheets(p) : e.name.endsWith(".css") ? [p] : [];
  });
}

/** The text of a stylesheet outside its token blocks (`:root { … }` and `:root[data-theme="dark"] { … }`), comments removed. */
function outsideTokens(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^:root(?:\[data-theme="dark"\])?\s*\{[^}]*\}/gm, "");
}

describe("theme tokens", () => {
  const files = [...stylesheets(path.join(root, "app")), path.join(root, "lib/export/assets/export.css")];

  it("finds the stylesheets", () => {
    expect(files.map((f) => path.relative(root, f))).toContain("app/globals.css");
    expect(files.length).toBeGreaterThan(5);
  });

  it("no stylesheet writes a colour outside the token blocks", () => {
    const found = files.flatMap((f) =>
      outsideTokens(fs.readFileSync(f, "utf8"))
        .split("\n")
        .filter((line) => COLOUR.test(line))
        .map((line) => `${path.relative(root, f)}: ${line.trim().slice(0, 120)}`),
    );
    expect(found).toEqual([]);
  });

  it("gives the dark scheme a value for every colour token the light one sets", () => {
    const css = fs.readFileSync(path.join(root, "app/globals.css"), "utf8");
    const block = (sel: RegExp) => Object.fromEntries([...(css.match(sel)?.[1] ?? "").matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2]]));
    const light = block(/^:root\s*\{([^}]*)\}/m);
    const dark = block(/^:root\[data-theme="dark"\]\s*\{([^}]*)\}/m);
    // The header is dark in both schemes, and white on a saturated fill reads in both: those tokens are shared on purpose.
    const shared = /^--(header-(?!border)|brand-|sync-|on-accent|restricted-|code-text|radius|font|mono|focus)/;
    const missing = Object.keys(light).filter((k) => /#|rgba?\(/.test(light[k] ?? "") && !shared.test(k) && !(k in dark));
    expect(missing).toEqual([]);
  });
});
