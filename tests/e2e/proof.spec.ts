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

// The sample's two done countermeasures with evidence and a verify_by in the past: review mode asks whether they held.
const SEARCH_OOM = "2026-02-04-search-api-oom-after-index-growth";
const CACHE = "Bound the facet cache by entries and bytes, with an eviction metric";
const RETRY = "2026-05-19-notifications-retry-storm-after-provider-outage";
const CLIENT = "Shared HTTP client library with jittered exponential backoff, retry budget (10%) and client-side token bucket";

test.describe("did it hold?, as an author", () => {
  test.use({ storageState: stateFile("author") });

  test("the policy requires a link to mark a prevent countermeasure done; the dialog keeps it open without one", async ({ page }) => {
    await page.goto("/countermeasures?status=open&type=prevent");
    const item = list(page).getByRole("listitem").filter({ has: page.getByRole("button", { name: "Mark done" }) }).first();
    await item.getByRole("button", { name: "Mark done" }).click();
    const dialog = page.getByRole("dialog", { name: "Mark done" });
    await expect(dialog.getByLabel("Evidence link (required by your team's policy)")).toBeVisible();
    await dialog.getByLabel(/Note/).fill("Deployed");
    await dialog.getByRole("button", { name: "Mark done" }).click();
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  });

  test("review mode asks once verify_by has passed; Held and Did not hold are committed and shown on the incident and the dashboard", async ({ page }) => {
    await page.goto("/countermeasures/review");
    const holds = page.getByRole("region", { name: "Did it hold?" });
    const cache = holds.getByRole("listitem", { name: CACHE, exact: true });
    const client = holds.getByRole("listitem", { name: CLIENT, exact: true });
    await expect(cache).toContainText("verify by 30 Apr 2026");
    await expect(client).toContainText("verify by 15 Aug 2026");

    await cache.getByRole("button", { name: "Held" }).click();
    await expect(cache).toHaveCount(0);
    await client.getByRole("button", { name: "Did not hold" }).click();
    const dialog = page.getByRole("dialog", { name: "It did not hold" });
    await dialog.getByLabel("What happened").fill("Push retries piled up again during the November provider outage");
    await dialog.getByRole("button", { name: "Reopen" }).click();
    await expect(dialog).toBeHidden();
    await expect(client).toHaveCount(0);

    // Each answer is a commit by the signed-in author.
    await page.goto(`/incidents/${SEARCH_OOM}/history`);
    const newest = page.getByRole("form", { name: "Choose two revisions to compare" }).getByRole("row").nth(1);
    await expect(newest).toContainText("Ari Author");
    await expect(newest).toContainText("update countermeasures");

    await page.goto(`/incidents/${SEARCH_OOM}`);
    await expect(page.getByRole("list", { name: `Evidence for ${CACHE}` })).toContainText("Held Confirmed it held");
    await expect(page.getByRole("row").filter({ hasText: CACHE }).getByTestId("cm-verification")).toHaveText("Verified");
    await page.goto(`/incidents/${RETRY}`);
    await expect(page.getByRole("list", { name: `Evidence for ${CLIENT}` })).toContainText("Did not hold Push retries piled up again");
    await expect(page.getByRole("row").filter({ hasText: CLIENT })).toContainText(/open/i);

    await page.goto("/countermeasures?status=done");
    const done = list(page).getByRole("listitem", { name: CACHE, exact: true });
    await expect(done.getByTestId("cm-outcome")).toContainText("Verified");
    await expect(done.getByRole("list", { name: "Evidence" })).toContainText("Held");
    await page.goto("/countermeasures?status=open");
    const reopened = list(page).getByRole("listitem", { name: CLIENT, exact: true });
    await expect(reopened.getByRole("list", { name: "Evidence" })).toContainText("Did not hold Push retries piled up again during the November provider outage");
  });
});
