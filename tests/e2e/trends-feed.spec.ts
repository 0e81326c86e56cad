import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E, stateFile } from "./env";

const RESTRICTED_TITLE = /Deploy token exposed/i;
const shots = path.join(E2E.root, "screens");

async function noSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll).toBeLessThanOrEqual(client);
}

test.describe("as a reader", () => {
  test.use({ storageState: stateFile("reader") });

  test("/trends shows the three duration distributions, the repeat rate and on-time countermeasures", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation").getByRole("link", { name: "Trends" }).click();
    await expect(page.getByRole("heading", { name: "Trends", level: 1 })).toBeVisible();
    for (const name of ["Time to detect", "Time to mitigate", "Time to resolve"]) {
      const section = page.getByRole("region", { name });
      await expect(section.getByRole("img", { name: new RegExp(`^${name} per quarter\\. \\d{4}-Q\\d: (median|no data)`) })).toBeVisible();
      await expect(section.getByRole("table")).toContainText(/\d{4}-Q\d/);
    }
    await expect(page.getByRole("region", { name: "Repeat incidents" }).getByRole("table")).toContainText(/\d+ \(\d+%\)/);
    await expect(page.getByRole("region", { name: "On-time countermeasures by team" })).toBeVisible();
    fs.mkdirSync(shots, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(shots, "trends-1280.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: path.join(shots, "trends-1280-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page);
    await page.screenshot({ path: path.join(shots, "trends-390.png"), fullPage: true });
  });

  test("the Atom link on the incidents list returns a well-formed feed without restricted incidents", async ({ page }) => {
    await page.goto("/incidents");
    const link = page.getByRole("link", { name: "Atom feed" });
    await expect(link).toBeVisible();
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page);
    await page.screenshot({ path: path.join(shots, "incidents-390.png") });
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(/\/api\/incidents\.atom\?token=/);
    const res = await page.request.get(href);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/atom+xml");
    const xml = await res.text();
    // The browser's own XML parser: a feed it cannot parse is a broken feed.
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "application/xml");
      return { error: doc.getElementsByTagName("parsererror").length, root: doc.documentElement.namespaceURI, entries: doc.getElementsByTagName("entry").length };
    }, xml);
    expect(parsed).toEqual({ error: 0, root: "http://www.w3.org/2005/Atom", entries: expect.any(Number) });
    expect(parsed.entries).toBeGreaterThan(0);
    expect(xml).not.toMatch(RESTRICTED_TITLE);
  });

  test("the feed rejects a missing token with 400 and an unknown one with 401", async ({ request }) => {
    const missing = await request.get("/api/incidents.atom");
    expect(missing.status()).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toContain("token");
    expect((await request.get("/api/incidents.atom?token=nope")).status()).toBe(401);
    expect((await request.get("/api/incidents.atom?token=x&limit=0")).status()).toBe(400);
  });
});

test.describe("as a member of the restricted incident's group", () => {
  test.use({ storageState: stateFile("secreader") });

  test("the feed includes the restricted incident", async ({ page }) => {
    await page.goto("/incidents");
    const href = (await page.getByRole("link", { name: "Atom feed" }).getAttribute("href")) ?? "";
    const xml = await (await page.request.get(href)).text();
    expect(xml).toMatch(RESTRICTED_TITLE);
  });
});
