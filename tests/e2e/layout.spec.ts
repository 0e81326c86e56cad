import { expect, test, type Page } from "@playwright/test";
import { E2E, MAIN_PAGES, NOT_FOUND_PAGE, stateFile } from "./env";

// What a person sees at phone and desktop widths: nothing scrolls sideways, charts stay readable, the header shows
// who is signed in, tab titles are titles, and the theme follows the system or the person's choice.

const INCIDENT_TITLE = "Checkout latency spikes as the checkout-api Redis connection pool";

async function horizontalOverflow(page: Page) {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !el.closest(".table-wrap, .prose table, .nav, .diff"))
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
  });
}

test.describe("at 390 × 844 (phone)", () => {
  test.use({ storageState: stateFile("author"), viewport: { width: 390, height: 844 } });

  for (const path of MAIN_PAGES) {
    test(`${path} does not scroll sideways and wraps wide tables`, async ({ page }) => {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      if (path.startsWith("/search")) await expect(page.locator(".search-results li").first()).toBeVisible();
      const o = await horizontalOverflow(page);
      expect(o.scrollWidth, `${path} is wider than the screen: ${o.wide.join(", ")}`).toBeLessThanOrEqual(o.clientWidth);
      const bare = await page.evaluate(() => [...document.querySelectorAll("table")].filter((t) => !t.closest(".table-wrap, .prose")).length);
      expect(bare, "tables outside a .table-wrap").toBe(0);
    });
  }

  test("the header shows the signed-in user and role, and folds the navigation into a menu", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator(".user-chip")).toContainText("Ari Author");
    await expect(page.locator(".user-chip__role")).toHaveText("author");
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Countermeasures" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await menu.click();
    await nav.getByRole("link", { name: "Learnings" }).click();
    await expect(page).toHaveURL(/\/learnings$/);
    await expect(page.getByRole("heading", { name: "Global learnings" })).toBeVisible();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
  });

  test("the countermeasures chart shows all 12 months with a y-axis, in readable type", async ({ page }) => {
    await page.goto("/countermeasures");
    const chart = page.locator("section", { has: page.getByRole("heading", { name: "Open and done, last 12 months" }) });
    const labels = chart.locator(".bars__label");
    await expect(labels).toHaveCount(12);
    const boxes = await labels.evaluateAll((els) => els.map((el) => ({ ...el.getBoundingClientRect().toJSON(), size: parseFloat(getComputedStyle(el).fontSize), hidden: getComputedStyle(el).visibility === "hidden" })));
    for (const b of boxes) {
      expect(b.hidden).toBe(false);
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(390);
      expect(b.size).toBeGreaterThanOrEqual(11);
    }
    expect(await chart.locator(".bars__tick").count()).toBeGreaterThanOrEqual(2);
    await expect(chart.locator(".bars__tick").first()).toHaveText("0");
  });

  test("the overview's month labels are at least 11 px", async ({ page }) => {
    await page.goto("/");
    const sizes = await page.locator(".bars__label").evaluateAll((els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)));
    expect(sizes).toHaveLength(12);
    for (const s of sizes) expect(s).toBeGreaterThanOrEqual(11);
  });

  test("a long search query stays clear of the search box's right edge", async ({ page }) => {
    await page.goto("/search");
    const box = page.getByRole("searchbox").last();
    await box.fill("connection pool exhaustion after the reconciliation query held ledger-db connections for forty seconds");
    const padding = await box.evaluate((el) => parseFloat(getComputedStyle(el).paddingRight));
    expect(padding).toBeGreaterThanOrEqual(36);
  });
});

test.describe("at 1280 × 800", () => {
  test.use({ storageState: stateFile("reader"), viewport: { width: 1280, height: 800 } });

  test("a long author e-mail wraps inside its column instead of running into the next", async ({ page }) => {
    await page.goto(`/incidents/${E2E.historyIncident}`);
    const authors = page.locator(".meta-grid > div", { has: page.getByText("Authors", { exact: true }) }).locator("dd");
    await authors.evaluate((el) => {
      el.textContent = "maria.fernanda.gonzalez-rodriguez.site-reliability@payments-platform.lumen-freight.example";
    });
    const fits = await authors.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= (el.parentElement?.getBoundingClientRect().right ?? 0) + 1);
    expect(fits).toBe(true);
  });

  test("a reader sees no New post-mortem button; the name and role are in the header", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator(".user-chip")).toContainText("Rae Reader");
    await expect(page.locator(".user-chip__role")).toHaveText("reader");
    await expect(page.getByRole("link", { name: "New post-mortem" })).toHaveCount(0);
    await page.goto("/incidents");
    await expect(page.getByRole("link", { name: "New post-mortem" })).toHaveCount(0);
  });

  test("tab titles are titles, never slugs", async ({ page }) => {
    await page.goto(`/incidents/${E2E.historyIncident}`);
    await expect(page).toHaveTitle(new RegExp(`^${INCIDENT_TITLE}`, "i"));
    await expect(page).not.toHaveTitle(new RegExp(E2E.historyIncident));
    await page.goto(`/incidents/${E2E.historyIncident}/history`);
    await expect(page).toHaveTitle(new RegExp(`^History: ${INCIDENT_TITLE}`, "i"));
    await page.goto("/factors/missing-monitoring");
    await expect(page).toHaveTitle(/^Missing monitoring or alert · Factors · Kaizen$/);
    await page.goto("/");
    await expect(page).toHaveTitle(/Kaizen/);
  });
});

test.describe("authors", () => {
  test.use({ storageState: stateFile("author"), viewport: { width: 1280, height: 800 } });

  test("see a New post-mortem button on the overview and the incident list", async ({ page }) => {
    for (const path of ["/", "/incidents"]) {
      await page.goto(path);
      await page.getByRole("link", { name: "New post-mortem" }).click();
      await expect(page).toHaveURL(/\/incidents\/new$/);
    }
  });
});

test.describe("theme", () => {
  test.use({ storageState: stateFile("reader") });

  test("follows the system's dark setting with no choice saved", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe("rgb(246, 247, 249)");
    await page.emulateMedia({ colorScheme: "light" });
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  });

  test("a chosen theme is remembered and applied before the page is shown, under the CSP", async ({ page }) => {
    const refused: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to execute/i.test(m.text())) refused.push(m.text());
    });
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/incidents");
    const group = page.getByRole("group", { name: "Colour theme" });
    await group.getByRole("button", { name: /Dark/ }).click();
    await expect(group.getByRole("button", { name: /Dark/ })).toHaveAttribute("aria-pressed", "true");
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    // The attribute is already set in the first HTML the browser paints, before any React code runs.
    await page.goto("/factors", { waitUntil: "commit" });
    await page.waitForSelector("html[data-theme]", { state: "attached" });
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await page.waitForLoadState("load");
    await expect(page.getByRole("group", { name: "Colour theme" }).getByRole("button", { name: /Dark/ })).toHaveAttribute("aria-pressed", "true");
    await page.getByRole("group", { name: "Colour theme" }).getByRole("button", { name: /System/ }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
    expect(await page.evaluate(() => localStorage.getItem("kaizen-theme"))).toBeNull();
    expect(refused).toEqual([]);
  });

  test("the not-found page follows the system's setting and the saved choice too, and its toggle works", async ({ page }) => {
    const refused: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to execute/i.test(m.text())) refused.push(m.text());
    });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(NOT_FOUND_PAGE);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("This page is not here");
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await page.emulateMedia({ colorScheme: "light" });
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
    // A choice saved on another page holds here, and the toggle on this page changes it.
    await page.evaluate(() => localStorage.setItem("kaizen-theme", "dark"));
    await page.goto("/no-such-page-at-all");
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe("rgb(246, 247, 249)");
    const group = page.getByRole("group", { name: "Colour theme" });
    await group.getByRole("button", { name: /Light/ }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
    expect(await page.evaluate(() => localStorage.getItem("kaizen-theme"))).toBe("light");
    expect(refused).toEqual([]);
  });
});
