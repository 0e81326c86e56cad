import { expect, test } from "@playwright/test";
import fs from "node:fs/promises";
import { E2E, stateFile } from "./env";

const incident = `/incidents/${E2E.historyIncident}`;

test.describe("a reader", () => {
  test.use({ storageState: stateFile("reader") });

  test("downloads the incident as its .mdx file", async ({ page }) => {
    await page.goto(incident);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download .mdx" }).click()]);
    expect(download.suggestedFilename()).toBe(`${E2E.historyIncident}.mdx`);
    const text = await fs.readFile((await download.path())!, "utf8");
    expect(text.startsWith("---\n")).toBe(true);
    expect(text).toContain("title: Checkout latency spikes");
    expect(text).toContain("Reviewed again at the quarterly resilience review");
    const res = await page.request.get(`${incident}/download`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-disposition"]).toBe(`attachment; filename="${E2E.historyIncident}.mdx"`);
    expect(res.headers()["cache-control"]).toContain("no-store");
  });

  test("gets a 404 for a restricted incident's file, the same as for an unknown one, and a 400 for a bad id", async ({ page }) => {
    const restricted = await page.request.get(`/incidents/${E2E.restrictedIncident}/download`);
    expect(restricted.status()).toBe(404);
    const body = await restricted.text();
    expect(body).not.toMatch(/deploy token/i);
    expect((await page.request.get("/incidents/no-such-incident/download")).status()).toBe(404);
    const bad = await page.request.get("/incidents/Not_An_Id/download");
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ message: expect.stringMatching(/^id: /) });
  });

  test("gets a 404 status and a styled page for an unknown incident", async ({ page }) => {
    const res = await page.goto("/incidents/no-such-incident");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This page is not here" })).toBeVisible();
    await expect(page.getByRole("link", { name: "All incidents" })).toBeVisible();
  });

  test("is told that writing needs the author role, in the product's design", async ({ page }) => {
    await page.goto("/incidents/new");
    await expect(page.getByRole("heading", { name: "Writing a post-mortem needs the author role" })).toBeVisible();
    await page.goto(`${incident}/edit`);
    await expect(page.getByRole("heading", { name: "Editing a post-mortem needs the author role" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the incident" })).toBeVisible();
  });

  test("the favicon is served", async ({ page }) => {
    const res = await page.request.get("/favicon.ico");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/icon/);
  });

  test("copies a link to a section from its heading", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto(incident);
    await page.getByRole("link", { name: "Copy link to section: Timeline" }).click();
    await expect(page).toHaveURL(/#h-timeline$/);
    await expect(page.getByRole("status").filter({ hasText: "Link copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(new RegExp(`${incident}#h-timeline$`));
    // Body headings have one too.
    await expect(page.getByRole("link", { name: "Copy link to section: Lessons" })).toHaveAttribute("href", "#lessons");
  });

  test("prints the incident without navigation or buttons, keeping timeline rows whole and writing links out", async ({ page }) => {
    await page.goto(incident);
    await expect(page.getByRole("button", { name: "Print / PDF" })).toBeVisible();
    await page.emulateMedia({ media: "print" });
    await expect(page.locator(".site-header")).toBeHidden();
    await expect(page.getByRole("button", { name: "Print / PDF" })).toBeHidden();
    await expect(page.getByRole("link", { name: "Download .mdx" })).toBeHidden();
    await expect(page.getByRole("navigation", { name: "On this page" })).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await page.locator(".tl-item").first().evaluate((el) => getComputedStyle(el).breakInside)).toBe("avoid");
    const external = page.locator('.card a[href^="http"]').first();
    if ((await external.count()) > 0) {
      const after = await external.evaluate((el) => getComputedStyle(el, "::after").content);
      expect(after).toContain("http");
    }
  });
});

test.describe("a member of the restricted incident's group", () => {
  test.use({ storageState: stateFile("secreader") });

  test("downloads it", async ({ page }) => {
    const res = await page.request.get(`/incidents/${E2E.restrictedIncident}/download`);
    expect(res.status()).toBe(200);
    expect(await res.text()).toMatch(/deploy token/i);
  });
});
