import { expect, test, type Page } from "@playwright/test";
import { stateFile } from "./env";

// The editor's second-wave behaviour, as an author sees it on /incidents/new. Nothing here saves.
async function openNew(page: Page) {
  await page.goto("/incidents/new");
  await expect(page.getByRole("button", { name: /^Save/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Save" })).toContainText(/Ready to save|problem|To fill in/);
}

test.describe("the editor, as an author", () => {
  test.use({ storageState: stateFile("author") });

  test("a new post-mortem marks its empty required fields when the writer tries to save, not before", async ({ page }) => {
    await openNew(page);
    const bar = page.getByRole("region", { name: "Save" });
    const title = page.locator(".field").filter({ has: page.getByRole("textbox", { name: "Title", exact: true }) });
    await expect(bar).toContainText("To fill in: Title");
    await expect(bar).not.toContainText("problem");
    await expect(title.locator(".field-error")).toHaveCount(0);
    // A bad value still shows while typing.
    await page.getByLabel(/^Started/).fill("2026-03-14T10:00");
    await page.getByLabel(/^Detected/).fill("2026-03-14T09:00");
    await expect(page.locator(".field").filter({ has: page.getByLabel(/^Detected/) }).locator(".field-error")).toHaveText(["must not be before started_at"]);
    await expect(bar).toContainText("1 problem to fix");
    // Save is refused (nothing is written) and now the title is marked too.
    await page.getByRole("button", { name: "Save post-mortem" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Not saved" })).toContainText("2 problems");
    await expect(title.locator(".field-error")).toContainText("required");
    await expect(bar).toContainText("2 problems to fix");
    await expect(bar).not.toContainText("To fill in");
  });

  test("a timeline paste reports the lines it could not read and keeps them in the box to fix", async ({ page }) => {
    await openNew(page);
    await page.getByLabel(/^Started/).fill("2026-03-14T14:00");
    await page.getByText("Paste lines from a chat log or notes").click();
    const box = page.getByLabel("Lines to turn into timeline rows");
    await box.fill("14:22 UTC paged on-call\n25:99 restarted the spooler\nsomeone looked at the dashboard");
    await page.getByRole("button", { name: "Add rows" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Added 1 row; 2 lines could not be read" })).toBeVisible();
    const unread = page.getByRole("alert").filter({ hasText: "Not added" });
    await expect(unread).toContainText("Line 2 of the paste");
    await expect(unread).toContainText("Line 3 of the paste");
    await expect(box).toHaveValue("25:99 restarted the spooler\nsomeone looked at the dashboard");
    await expect(page.getByRole("list", { name: "Timeline rows" }).getByRole("listitem")).toHaveCount(1);
  });

  test("removing a factor that a countermeasure addresses asks first, says what lost it, and can be undone", async ({ page }) => {
    await openNew(page);
    await page.getByLabel("Describe a factor in your words").fill("the print service ran out of connections to the spooler database");
    await page.getByRole("list", { name: "Suggested factors" }).getByRole("button", { name: /Connection pool exhaustion/ }).click();
    await page.getByRole("button", { name: "+ Add countermeasure" }).click();
    const cm = page.getByRole("listitem", { name: "Countermeasure cm-1" });
    await cm.getByLabel("What will be done").fill("Cap the spooler pool per host");
    await cm.getByRole("checkbox", { name: "Connection pool exhaustion" }).check();

    await page.getByRole("button", { name: "Remove factor Connection pool exhaustion" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "A countermeasure addresses this factor" })).toContainText("Cap the spooler pool per host");
    await page.getByRole("button", { name: "Remove anyway" }).click();
    const removed = page.getByRole("status").filter({ hasText: "Removed Connection pool exhaustion" });
    await expect(removed).toContainText("This countermeasure no longer addresses it");
    await expect(page.getByRole("list", { name: "Chosen factors" })).toHaveCount(0);

    await removed.getByRole("button", { name: "Undo" }).click();
    await expect(page.getByRole("list", { name: "Chosen factors" })).toContainText("Connection pool exhaustion");
    await expect(cm.getByRole("checkbox", { name: "Connection pool exhaustion" })).toBeChecked();
  });
});
