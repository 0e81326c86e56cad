import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { addUser } from "../../lib/auth/users";
import { E2E, MAIN_PAGES, NOT_FOUND_PAGE, stateFile } from "./env";

// The screenshot sweep, for a person to look at: every main page at desktop and phone width, light and dark, as a
// reader, an author and an admin, and the same pages on an empty knowledge base (an empty git repository as
// KAIZEN_CONTENT_DIR, served by a second server of its own). Run it with KAIZEN_SHOTS=<dir>; without it, it is skipped.
const SHOTS = process.env.KAIZEN_SHOTS ? path.resolve(process.env.KAIZEN_SHOTS) : null;
const EMPTY_PORT = Number(process.env.KAIZEN_E2E_EMPTY_PORT ?? E2E.port + 3);
const VIEWPORTS = [
  { name: "1280", width: 1280, height: 800 },
  { name: "390", width: 390, height: 844 },
] as const;
const SCHEMES = ["light", "dark"] as const;
const ROLES = ["reader", "author", "admin"] as const;
const EXTRA: Record<(typeof ROLES)[number], string[]> = {
  reader: [],
  author: [`/incidents/${E2E.historyIncident}/edit`],
  admin: ["/admin/audit"],
};

test.skip(!SHOTS, "screenshots are taken when KAIZEN_SHOTS names a directory");
test.describe.configure({ timeout: 600_000 });

const slug = (p: string) => (p === "/" ? "overview" : p.replace(/^\//, "").replace(/[^a-z0-9]+/gi, "-").replace(/-+$/, "").slice(0, 60));

async function sweep(page: Page, prefix: string, paths: readonly string[], width: number) {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const p of paths) {
      await page.goto(p);
      await expect(page.getByRole("heading", { level: 1 }).first(), p).toBeVisible();
      await expect(page.locator("html"), p).toHaveAttribute("data-theme", scheme);
      if (p.startsWith("/search?q=")) await page.locator(".search-results li, .search-empty").first().waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(SHOTS!, `${prefix}-${scheme}-${slug(p)}.png`), fullPage: true });
      // What the shots are for, checked as well: nothing scrolls sideways on a phone.
      if (width < 500) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${p} scrolls sideways`).toBeLessThanOrEqual(width);
    }
  }
}

test.describe("screenshots of the sample knowledge base", () => {
  for (const role of ROLES) {
    for (const vp of VIEWPORTS) {
      test(`${role} at ${vp.name} px`, async ({ browser }) => {
        const context = await browser.newContext({ storageState: stateFile(role), viewport: { width: vp.width, height: vp.height } });
        await sweep(await context.newPage(), `full-${role}-${vp.name}`, [...MAIN_PAGES, ...EXTRA[role], NOT_FOUND_PAGE], vp.width);
        await context.close();
      });
    }
  }
});

test.describe("screenshots of an empty knowledge base", () => {
  const root = path.join(E2E.root, "empty");
  const users = E2E.users.filter((u) => u.username === "reader" || u.username === "author");
  let server: ChildProcess | undefined;

  test.beforeAll(async () => {
    if (!SHOTS) return;
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, "content"), { recursive: true });
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: path.join(root, "content") });
    for (const u of users) await addUser({ username: u.username, role: u.role, groups: u.groups, name: u.name, email: `${u.username}@lumen.example`, password: u.password }, path.join(root, "data"));
    server = spawn(process.execPath, ["scripts/serve.mjs", "-p", String(EMPTY_PORT), "-H", "127.0.0.1"], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NODE_ENV: "production", KAIZEN_CONTENT_DIR: path.join(root, "content"), KAIZEN_DATA_DIR: path.join(root, "data"), AUTH_SECRET: E2E.secret, NEXTAUTH_URL: `http://127.0.0.1:${EMPTY_PORT}`, KAIZEN_TIME_ZONE: "UTC" },
    });
    server.stderr?.on("data", (d: Buffer) => process.stderr.write(`[empty] ${d}`));
    for (let i = 0; i < 600; i++) {
      if (await fetch(`http://127.0.0.1:${EMPTY_PORT}/api/health`).then((r) => r.ok, () => false)) return;
      if (server.exitCode !== null) throw new Error(`the empty knowledge base's server exited with ${server.exitCode}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the empty knowledge base's server did not answer on port ${EMPTY_PORT}`);
  });
  test.afterAll(() => {
    server?.kill();
  });

  async function signedIn(browser: Browser, username: string, viewport: { width: number; height: number }) {
    const user = users.find((u) => u.username === username)!;
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${EMPTY_PORT}`, viewport });
    const page = await context.newPage();
    await page.goto("/signin");
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // At phone width "Sign out" sits in the folded menu: the name in the header says who is signed in.
    await page.waitForURL((u) => !u.pathname.startsWith("/signin"));
    await expect(page.locator(".user-chip")).toContainText(user.name);
    return { context, page };
  }

  // The sample's incident and factor pages do not exist here: each answers with the not-found page.
  const PAGES = ["/", "/incidents", "/search", "/search?q=connection%20pool", "/factors", "/learnings", "/trends", "/countermeasures", "/reviews", "/incidents/new"];
  for (const username of ["reader", "author"]) {
    for (const vp of VIEWPORTS) {
      test(`${username} at ${vp.name} px`, async ({ browser }) => {
        const { context, page } = await signedIn(browser, username, vp);
        await sweep(page, `empty-${username}-${vp.name}`, PAGES, vp.width);
        await context.close();
      });
    }
  }
});
