import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { MAIN_PAGES, NOT_FOUND_PAGE, stateFile } from "./env";

// Every main page and the not-found page, light and dark, checked with axe: no serious or critical violation
// (contrast, names, landmarks).
const PAGES = [...MAIN_PAGES, NOT_FOUND_PAGE];

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ storageState: stateFile("author"), colorScheme: scheme });

    for (const path of PAGES) {
      test(`${path} has no serious accessibility violations`, async ({ page }) => {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("data-theme", scheme);
        await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
        if (path.startsWith("/search")) await expect(page.locator(".search-results li").first()).toBeVisible();
        const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        const serious = violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1, 2).join("")}`).join("\n  ")}`);
        expect(serious, serious.join("\n")).toEqual([]);
      });
    }
  });
}

test.describe("signed out", () => {
  test("the sign-in page has no serious accessibility violations", async ({ page }) => {
    await page.goto("/signin");
    const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  });
});
