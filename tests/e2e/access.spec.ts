import { expect, test, type Page } from "@playwright/test";
import { E2E, stateFile } from "./env";

const restricted = E2E.restrictedIncident;
const restrictedTitle = /deploy token/i;
// Words from the restricted incident's title and summary that no other incident uses.
const secret = /deploy token|open-source (tracking )?SDK/i;

async function incidentCount(page: Page): Promise<number> {
  await page.goto("/incidents");
  const text = await page.getByText(/\d+ of \d+ post-mortems/).textContent();
  return Number(/of (\d+)/.exec(text ?? "")?.[1]);
}

test.describe("signed out", () => {
  test("pages redirect to sign-in and the API answers 401", async ({ page }) => {
    await page.goto(`/incidents/${E2E.historyIncident}`);
    await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    const api = await page.request.get("/api/incidents");
    expect(api.status()).toBe(401);
    const health = await page.request.get("/api/health");
    expect(health.status()).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
  });

  test("a wrong password is refused with a clear message", async ({ page }) => {
    await page.goto("/signin");
    await page.getByLabel("Username").fill("reader");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  });
});

test.describe("a reader outside the security group", () => {
  test.use({ storageState: stateFile("reader") });

  test("never sees the restricted incident: list, counts, factor page, URL and API", async ({ page }) => {
    await page.goto("/incidents");
    await expect(page.getByRole("region", { name: "Incident list" }).getByRole("listitem").first()).toBeVisible();
    await expect(page.getByRole("link", { name: restrictedTitle })).toHaveCount(0);
    const count = await incidentCount(page);
    expect(count).toBe(18 - 1);
    await page.goto("/");
    await expect(page.getByText(`${count} in the knowledge base`)).toBeVisible();
    await expect(page.getByText(restrictedTitle)).toHaveCount(0);
    const direct = await page.goto(`/incidents/${restricted}`);
    expect(direct?.status()).toBe(404);
    await expect(page.getByText(restrictedTitle)).toHaveCount(0);
    const history = await page.goto(`/incidents/${restricted}/history`);
    expect(history?.status()).toBe(404);
    const api = await page.request.get(`/api/incidents/${restricted}`);
    expect(api.status()).toBe(404);
    const list = await (await page.request.get("/api/incidents")).json();
    expect(list.incidents.map((i: { id: string }) => i.id)).not.toContain(restricted);
    const health = await (await page.request.get("/api/health")).json();
    expect(health.incidents).toBe(count);
  });

  test("tricks with Next internals get nothing restricted", async ({ page }) => {
    // RSC flight responses stream with status 200 whatever the page decides, so for those only the body counts.
    const tries: [string, Record<string, string>, "404" | "body"][] = [
      [`/incidents/${restricted}`, { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" }, "404"],
      [`/incidents/${restricted}`, { RSC: "1" }, "body"],
      [`/incidents/${restricted}`, { "Next-Router-Prefetch": "1", RSC: "1" }, "body"],
      [`/incidents/${restricted}?_rsc=abc`, {}, "body"],
      [`/incidents/${encodeURIComponent(restricted).replace(/-/g, "%2D")}`, {}, "404"],
      [`/incidents/${restricted}/history`, { "x-middleware-subrequest": "middleware" }, "404"],
      [`/api/incidents/${restricted}`, { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" }, "404"],
      [`/api/incidents/${restricted.toUpperCase()}`, {}, "404"],
      [`/api/incidents/..%2F${restricted}`, {}, "404"],
    ];
    for (const [url, headers, expectation] of tries) {
      const res = await page.request.get(url, { headers });
      const body = await res.text();
      expect(body, `${url} ${JSON.stringify(headers)}`).not.toMatch(secret);
      if (expectation === "404") expect(res.status(), url).toBe(404);
    }
  });

  test("the audit log is for admins only", async ({ page }) => {
    const res = await page.goto("/admin/audit");
    expect(res?.status()).toBe(404);
  });
});

test.describe("a member of the security group", () => {
  test.use({ storageState: stateFile("secreader") });

  test("sees the restricted incident, marked as restricted", async ({ page }) => {
    expect(await incidentCount(page)).toBe(18);
    await page.goto(`/incidents/${restricted}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(restrictedTitle);
    await expect(page.locator(".incident-head").getByText("Restricted", { exact: true })).toBeVisible();
    const res = await page.request.get(`/api/incidents/${restricted}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["cache-control"]).toContain("no-store");
  });
});

test("responses carry the security headers", async ({ page }) => {
  const res = await page.request.get("/signin");
  const h = res.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"]).not.toContain("unsafe-eval");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBeTruthy();
});

test("signing out ends access", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("Username").fill("reader");
  await page.getByLabel("Password").fill("reader-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/incidents");
  await expect(page).toHaveURL(/\/signin/);
  expect((await page.request.get("/api/incidents")).status()).toBe(401);
  await context.close();
});

test.describe("an admin", () => {
  test.use({ storageState: stateFile("admin") });
  test("reads the audit log with sign-ins and denials", async ({ page }) => {
    await page.goto("/admin/audit");
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    const records = page.getByRole("region", { name: "Audit records" });
    await expect(records.getByText("signed in (password)").first()).toBeVisible();
    // The reader's attempts on the restricted incident (earlier tests) are recorded as denials.
    await expect(records.getByText(/denied read on incidents\/2026-04-21-deploy-token-exposed-in-ci-logs/).first()).toBeVisible();
  });
});
