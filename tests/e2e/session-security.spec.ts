import { expect, test, type Page } from "@playwright/test";
import { E2E } from "./env";

// These tests sign in through the form themselves: signing out must not end the sessions other tests share.
const user = E2E.users.find((u) => u.username === "author2")!;

/** Collects the browser's Content-Security-Policy complaints (console errors and securitypolicyviolation events). */
function cspErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to (execute|load)/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

async function signIn(page: Page): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

test("after sign-out a copied session cookie is refused by the API and by pages", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page);
  const copied = await ctx.cookies();
  expect(copied.some((c) => c.name.includes("next-auth.session-token"))).toBe(true);

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  expect((await thief.request.get("/api/incidents")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  expect((await thief.request.get("/api/incidents")).status()).toBe(401);
  const write = await thief.request.post("/api/incidents/similar", { headers: { Origin: baseURL ?? "" }, data: { text: "pool exhaustion", factors: [] } });
  expect(write.status()).toBe(401);
  const stolen = await thief.newPage();
  await stolen.goto(`/incidents/${E2E.historyIncident}`);
  await expect(stolen).toHaveURL(/\/signin\?callbackUrl=/);
  await ctx.close();
  await thief.close();
});

test("pages carry a nonce-based CSP without 'unsafe-inline' scripts, and still hydrate", async ({ page }) => {
  const errors = cspErrors(page);
  const signin = await page.goto("/signin");
  const csp = signin?.headers()["content-security-policy"] ?? "";
  const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(scriptSrc).not.toContain("'unsafe-inline'");

  // The sign-in form only works once React has hydrated it (it signs in with fetch, not a plain form post).
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  const res = await page.goto(`/incidents/${E2E.historyIncident}`);
  const nonce = /'nonce-([^']+)'/.exec(res?.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(nonce).not.toBe(/'nonce-([^']+)'/.exec(csp)?.[1]);
  // Every script Next wrote into the page's HTML carries this response's nonce. (Chunks the client loads later are
  // trusted through 'strict-dynamic' and carry none; the CSP console check below catches any that would be refused.)
  const html = (await res?.text()) ?? "";
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => /\snonce="([^"]*)"/.exec(m[0])?.[1]);
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((n) => n === nonce)).toBe(true);
  // A client component reacts: the header search box navigates to the results page.
  await page.getByLabel("Search incidents").fill("connection pool");
  await page.getByLabel("Search incidents").press("Enter");
  await expect(page).toHaveURL(/\/search\?q=connection/);
  expect(errors).toEqual([]);
});
