import { expect, test } from "@playwright/test";
import { E2E, stateFile } from "./env";

// Writes to the content repository: runs in the "e2e-writes" project, after every reading spec.
const INCIDENT = "2026-02-26-edge-proxy-near-miss-config-typo";

test.describe("taxonomy care for admins", () => {
  test.use({ storageState: stateFile("admin") });

  test("an admin previews and merges a factor on /factors; the old page redirects and the incident shows the new factor", async ({ page }) => {
    await page.goto("/factors");
    const panel = page.getByRole("region", { name: "Merge, rename or split" });
    await expect(panel).toBeVisible();
    await panel.getByLabel("Factor", { exact: true }).selectOption({ label: "Tool interface makes the risky action easy" });
    await panel.getByLabel("Merge into").selectOption({ label: "Runbook missing or out of date" });
    await panel.getByRole("button", { name: "Preview" }).click();
    const preview = panel.getByTestId("taxonomy-preview");
    await expect(preview).toContainText("Would merge ambiguous-tooling-interface into runbook-gap: 1 incident rewritten in one commit");
    await expect(preview.getByRole("link", { name: INCIDENT })).toBeVisible();
    await panel.getByRole("button", { name: "Merge: rewrite 1 incident" }).click();
    await expect(panel.getByRole("status")).toContainText("Done: merge ambiguous-tooling-interface into runbook-gap, 1 incident rewritten");

    await page.goto("/factors/ambiguous-tooling-interface");
    await expect(page).toHaveURL(/\/factors\/runbook-gap$/);
    await page.goto(`/incidents/${INCIDENT}`);
    await expect(page.getByRole("link", { name: "Runbook missing or out of date" }).first()).toBeVisible();
    await expect(page.getByText("Tool interface makes the risky action easy")).toHaveCount(0);
  });
});

test.describe("taxonomy care is for admins only", () => {
  test.use({ storageState: stateFile("author") });

  test("an author sees no admin panel and the API refuses them", async ({ page }) => {
    await page.goto("/factors");
    await expect(page.getByRole("heading", { name: "Contributing factors" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Merge, rename or split" })).toHaveCount(0);
    const res = await page.request.post("/api/factors/changes", {
      headers: { Origin: `http://localhost:${E2E.port}` },
      data: { change: { op: "merge", from: "disk-full", into: "runbook-gap" }, dryRun: true },
    });
    expect(res.status()).toBe(403);
  });
});
