import { expect, test, type Page } from "@playwright/test";
import { E2E, stateFile } from "./env";

const list = (page: Page) => page.getByRole("list", { name: "Countermeasures" });

test.describe("countermeasure proof, as an author", () => {
  test.use({ storageState: stateFile("author") });

  test("marks a countermeasure done with a note and an evidence link, and sees the evidence on the row and the incident page", async ({ page }) => {
    await page.goto("/countermeasures?status=open");
    // No edit form is open on the rows: the controls are one "Mark done" button and a collapsed "Change …".
    await expect(page.getByRole("combobox", { name: "Status" }).first()).toBeHidden();
    const item = list(page)
      .getByRole("listitem")
      .filter({ hasNot: page.locator(`a[href^="/incidents/${E2E.historyIncident}"]`) })
      .filter({ has: page.getByRole("button", { name: "Mark done" }) })
      .first();
    const title = (await item.getAttribute("aria-label")) ?? "";
    const href = (await item.getByRole("link").first().getAttribute("href")) ?? "";
    const incidentId = /^\/incidents\/([^#?]+)/.exec(href)?.[1] ?? "";
    expect(incidentId).not.toBe("");

    await item.getByRole("button", { name: "Mark done" }).click();
    const dialog = page.getByRole("dialog", { name: "Mark done" });
    await expect(dialog).toBeVisible();
    // A link with another scheme is refused in the browser before anything is sent.
    await dialog.getByLabel(/Evidence link/).fill("javascript:alert(1)");
    await dialog.getByRole("button", { name: "Mark done" }).click();
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(/Evidence link/).fill("https://github.com/lumen-freight/ops/pull/4242");
    await dialog.getByLabel(/Note/).fill("Backoff with jitter merged and deployed");
    await dialog.getByRole("button", { name: "Mark done" }).click();
    await expect(dialog).toBeHidden();

    await page.goto("/countermeasures?status=done");
    const row = list(page).getByRole("listitem", { name: title, exact: true });
    const evidence = row.getByRole("list", { name: "Evidence" });
    await expect(evidence).toContainText("github.com/lumen-freight/ops/pull/4242");
    await expect(evidence).toContainText("Backoff with jitter merged and deployed");
    await expect(evidence.getByRole("link")).toHaveAttribute("href", "https://github.com/lumen-freight/ops/pull/4242");
    await expect(row.getByTestId("cm-outcome")).toContainText(/Unverified|Verified|Failed/);

    await page.goto(`/incidents/${incidentId}`);
    const onIncident = page.getByRole("list", { name: `Evidence for ${title}` });
    await expect(onIncident).toContainText("Backoff with jitter merged and deployed");
    await expect(onIncident.getByRole("link", { name: "github.com/lumen-freight/ops/pull/4242" })).toBeVisible();
  });
});
