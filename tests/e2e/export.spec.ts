import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "@playwright/test";
import { E2E, stateFile } from "./env";

// The exported site is opened from disk, with no server: file:// URLs, relative links and a local search index.
const SITE = path.join(E2E.root, "export-public");
const TLS = "2026-01-12-payments-gateway-expired-tls-certificate";
const INTERNAL_TEXT = "account manager named in the acquirer contract";
const fileUrl = (rel: string) => pathToFileURL(path.join(SITE, rel)).href;

test.beforeAll(() => {
  execFileSync("node_modules/.bin/tsx", ["scripts/kaizen.ts", "export", "--content", E2E.contentDir, "--public", SITE], { stdio: "pipe" });
});

test("the public export opens from file://, searches offline and follows its links", async ({ page }) => {
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(fileUrl("index.html"));
  await expect(page.getByRole("heading", { name: "Post-mortems", level: 1 })).toBeVisible();
  const all = page.locator("#all-incidents li");
  await expect(all).toHaveCount(5);
  await expect(page.locator("body")).not.toContainText("deploy token");

  const search = page.getByRole("searchbox", { name: /Search words/ });
  const results = page.getByRole("list", { name: "Search results" });
  await search.fill("certificate");
  await expect(page.locator("#search-status")).toHaveText("2 post-mortems found");
  await expect(results.getByRole("link")).toHaveText([/auth-service/, /Card payments fail/]);
  await expect(results.locator("mark").first()).toHaveText(/certificate/i);

  await search.fill('"emergency portal"');
  await expect(page.locator("#search-status")).toHaveText("1 post-mortem found");
  await search.fill("certificate -acquirer");
  await expect(results.getByRole("link")).toHaveText([/auth-service/]);
  await search.fill("severity:SEV1 certificate");
  await expect(results.getByRole("link")).toHaveText([/Card payments fail/]);
  // Internal blocks were never indexed.
  await search.fill('"account manager"');
  await expect(page.locator("#search-status")).toHaveText("0 post-mortems found");

  await search.fill("certificate");
  await results.getByRole("link", { name: /Card payments fail/ }).click();
  await expect(page).toHaveURL(fileUrl(`incidents/${TLS}.html`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Card payments fail for 74 minutes/);
  await expect(page.getByRole("article", { name: "Post-mortem" })).toContainText("The acquirer's emergency desk signed the CSR");
  await expect(page.locator("body")).not.toContainText(INTERNAL_TEXT);
  await expect(page.locator("body")).not.toContainText("account manager on the escalation number");

  await page.getByRole("link", { name: "Certificate or secret expiry" }).first().click();
  await expect(page).toHaveURL(fileUrl("factors/certificate-expiry.html"));
  await expect(page.getByRole("link", { name: /Card payments fail/ })).toBeVisible();
  await page.getByRole("link", { name: "← All contributing factors" }).click();
  await expect(page.getByRole("heading", { name: "Contributing factors", level: 1 })).toBeVisible();

  // The header search on any page lands on the index with the query.
  await page.getByRole("searchbox", { name: "Search post-mortems" }).fill("kafka");
  await page.getByRole("searchbox", { name: "Search post-mortems" }).press("Enter");
  await expect(page.getByRole("list", { name: "Search results" }).getByRole("link")).toHaveText([/Kafka broker disks/]);

  expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
});

test("the exported site reads well on a desktop and a phone", async ({ page }) => {
  for (const [width, height, name] of [[1280, 800, "desktop"], [390, 844, "phone"]] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(fileUrl("index.html"));
    await page.screenshot({ path: path.join(E2E.root, "screenshots", `export-index-${name}.png`) });
    await page.goto(fileUrl(`incidents/${TLS}.html`));
    await page.screenshot({ path: path.join(E2E.root, "screenshots", `export-incident-${name}.png`) });
    // Nothing wider than the viewport.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  }
});

test.describe("in the editor", () => {
  test.use({ storageState: stateFile("author") });

  test("a publish: public incident shows its public version beside the internal one", async ({ page }) => {
    await page.goto(`/incidents/${TLS}/edit`);
    const section = page.getByRole("region", { name: "Public version" });
    await expect(section.getByRole("checkbox", { name: /Also publish a public version/ })).toBeChecked();
    await expect(section.getByRole("region", { name: "Internal version" })).toContainText(INTERNAL_TEXT);
    const pub = section.getByRole("region", { name: "Public preview" });
    await expect(pub).toContainText("The acquirer's emergency desk signed the CSR");
    await expect(pub).not.toContainText(INTERNAL_TEXT);

    const row = section.getByRole("checkbox", { name: /Internal only Rolling restart of payments-gateway/ });
    await expect(row).not.toBeChecked();
    await row.check();
    await expect(row).toBeChecked();

    await section.getByRole("checkbox", { name: /Also publish a public version/ }).uncheck();
    await expect(section.getByRole("region", { name: "Public preview" })).toHaveCount(0);
  });
});
