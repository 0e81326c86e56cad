import { expect, test } from "@playwright/test";
import { E2E, stateFile } from "./env";

test.use({ storageState: stateFile("admin") });

test("the overview shows recent incidents, severity counts, countermeasures and recurring factors", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "What we are learning from incidents" })).toBeVisible();
  await expect(page.getByText("Incidents in the last 12 months")).toBeVisible();
  await expect(page.getByRole("img", { name: /Incidents per month by severity/ })).toBeVisible();
  const recurring = page.getByRole("region", { name: "Most recurring factors" });
  await expect(recurring.getByRole("link").first()).toBeVisible();
  await expect(page.getByText("Overdue countermeasures")).toBeVisible();
  await expect(page.getByRole("region", { name: /Recent incidents/ }).getByRole("listitem").first()).toBeVisible();
});

test("the incident list filters by severity through the URL", async ({ page }) => {
  await page.goto("/incidents");
  const list = page.getByRole("region", { name: "Incident list" });
  const all = await list.getByRole("listitem").count();
  await page.getByRole("checkbox", { name: "SEV1" }).check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/severity=SEV1/);
  const rows = list.getByRole("listitem");
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThan(all);
  for (let i = 0; i < n; i++) await expect(rows.nth(i).getByText("SEV1", { exact: true })).toBeVisible();
});

test("an incident page shows its timeline, factors, countermeasures and body", async ({ page }) => {
  await page.goto(`/incidents/${E2E.historyIncident}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(/connection pool/i);
  await expect(page.getByText("Time to detect")).toBeVisible();
  const timeline = page.getByRole("list", { name: "Timeline events" });
  expect(await timeline.getByRole("listitem").count()).toBeGreaterThanOrEqual(5);
  await expect(page.getByRole("img", { name: /^Timeline from/ })).toBeVisible();
  const factors = page.getByRole("region", { name: "Contributing factors" });
  // The first link that is not the heading's copy-link anchor.
  await expect(factors.locator("a:not(.section-link)").first()).toHaveAttribute("href", /^\/factors\//);
  const cms = page.getByRole("region", { name: "Countermeasures" });
  await expect(cms.getByRole("columnheader", { name: "Owner" })).toBeVisible();
  await expect(cms.getByRole("row").nth(1)).toBeVisible();
  await expect(page.getByRole("article", { name: "Post-mortem" }).getByRole("heading", { name: "What went well" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "On this page" }).getByRole("link", { name: "Lessons" })).toBeVisible();
});

test("history lists revisions with authors and shows the diff between two of them", async ({ page }) => {
  await page.goto(`/incidents/${E2E.historyIncident}/history`);
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  await expect(page.getByText("Grace Example")).toBeVisible();
  await expect(page.getByText("Ada Example")).toBeVisible();
  const diff = page.getByRole("region", { name: "Differences between the two revisions" });
  await expect(diff).toContainText("+Reviewed again at the quarterly resilience review");
  // Comparing a revision with itself shows no changes.
  const [newest] = await page.getByRole("radio", { name: /^Compare from/ }).all();
  await newest!.check();
  await page.getByRole("button", { name: "Compare revisions" }).click();
  await expect(page.getByText("These two revisions have the same text.")).toBeVisible();
});

test("a broken incident shows its lint error while every other page still works", async ({ page }) => {
  await page.goto("/incidents");
  const card = page.getByRole("group", { name: `Invalid incident ${E2E.brokenIncident}` });
  await expect(card).toContainText(`incidents/${E2E.brokenIncident}.mdx:4:11  severity  expected one of SEV1..SEV4, got "sev 1"`);
  await page.goto(`/incidents/${E2E.brokenIncident}`);
  await expect(page.getByRole("heading", { name: `${E2E.brokenIncident} cannot be shown` })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "expected one of SEV1..SEV4" })).toBeVisible();
  await page.goto(`/incidents/${E2E.historyIncident}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const health = await page.request.get("/api/health");
  expect((await health.json()).problems).toBeGreaterThanOrEqual(1);
});
