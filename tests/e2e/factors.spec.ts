import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E, stateFile } from "./env";

// Sample content facts these tests rely on: factor certificate-expiry was named by the payments team's TLS incident,
// whose countermeasure cm-1 was done on 2026-02-20, and came back in the identity team's mTLS incident in September.
const tlsIncident = "2026-01-12-payments-gateway-expired-tls-certificate";
const mtlsIncident = "2026-09-16-auth-service-mtls-certificate-expiry";
const mtlsTitle = /mTLS certificate for auth-service expires/;
const cm1 = /Move all payments certificates .* to cert-manager/;
const restrictedTitle = /deploy token/i;
const nearMiss = "2026-08-05-near-miss-cleanup-script-targets-production-buckets";
// Factors of the restricted incident (only excessive-permissions is also used by an internal incident).
const restrictedFactors = [
  { id: "credential-leak", name: "Credential leak" },
  { id: "excessive-permissions", name: "Excessive permissions" },
  { id: "deploy-pipeline-gap", name: "Deploy pipeline gap" },
];

async function pageAs(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ storageState: stateFile(user) });
  return context.newPage();
}

/** The count in "Incidents (N)" on a factor page. */
async function factorIncidentCount(page: Page, id: string): Promise<number> {
  await page.goto(`/factors/${id}`);
  const heading = page.getByRole("heading", { level: 2, name: /^Incidents \(\d+\)$/ });
  return Number(/\((\d+)\)/.exec((await heading.textContent()) ?? "")?.[1]);
}

/** The incidents column of a factor's row on /factors. */
async function factorsTableCount(page: Page, name: string): Promise<number> {
  const row = page.getByRole("row", { name: new RegExp(`^${name}\\b`) });
  return Number(await row.getByRole("cell").first().textContent());
}

test.describe("a reader", () => {
  test.use({ storageState: stateFile("reader") });

  test("follows a factor from an incident to its page and sees other teams' incidents and the recurrence", async ({ page }) => {
    await page.goto(`/incidents/${tlsIncident}`);
    await page.getByRole("region", { name: "Contributing factors" }).getByRole("link", { name: "Certificate or secret expiry" }).click();
    await expect(page).toHaveURL(/\/factors\/certificate-expiry$/);
    await expect(page.getByRole("heading", { level: 1, name: "Certificate or secret expiry" })).toBeVisible();

    const incidents = page.getByRole("region", { name: /^Incidents \(/ });
    await expect(incidents.getByRole("link", { name: mtlsTitle })).toBeVisible();
    await expect(incidents.getByRole("link", { name: /acquirer-facing TLS certificate/ })).toBeVisible();
    const teams = page.getByRole("region", { name: "Teams", exact: true });
    await expect(teams.getByRole("link", { name: "identity" })).toBeVisible();
    await expect(teams.getByRole("link", { name: "payments" })).toBeVisible();

    const alert = page.getByRole("region", { name: "Recurred after a countermeasure was done" });
    await expect(alert).toContainText(cm1);
    await expect(alert).toContainText("20 Feb 2026");
    await expect(alert.getByRole("listitem").filter({ hasText: cm1 }).getByRole("link", { name: mtlsTitle })).toHaveAttribute("href", `/incidents/${mtlsIncident}`);

    const cms = page.getByRole("region", { name: "Countermeasures addressing it" });
    const row = cms.getByRole("row", { name: cm1 });
    await expect(row).toContainText("Recurred after this was done:");
    await expect(row.getByRole("link", { name: mtlsTitle })).toBeVisible();
    await expect(page.getByRole("img", { name: /Certificate or secret expiry: incidents per month by severity/ })).toBeVisible();
  });

  test("the incident page says where its factors were seen before and that a countermeasure elsewhere did not hold", async ({ page }) => {
    await page.goto(`/incidents/${mtlsIncident}`);
    const section = page.getByRole("region", { name: "Seen before?" });
    const cert = section.getByRole("list", { name: "Factors seen before" }).getByRole("listitem").filter({ has: page.getByRole("link", { name: "Certificate or secret expiry" }) });
    await expect(cert).toContainText("seen 1 time before across 1 team");
    await expect(cert).toContainText("payments");
    const notice = section.getByRole("note", { name: "Recurred after a countermeasure" });
    await expect(notice).toContainText(cm1);
    await expect(notice).toContainText("20 Feb 2026");
    await expect(notice.getByRole("listitem").filter({ hasText: cm1 }).getByRole("link", { name: /acquirer-facing TLS certificate/ })).toHaveAttribute("href", new RegExp(`/incidents/${tlsIncident}`));
    const related = section.getByRole("list", { name: "Related incidents" });
    await expect(related.getByRole("listitem").filter({ hasText: /acquirer-facing TLS certificate/ })).toContainText("Certificate or secret expiry");

    await page.goto(`/incidents/${tlsIncident}`);
    const own = page.getByRole("region", { name: "Seen before?" }).getByRole("note", { name: "Countermeasures that did not hold" });
    await expect(own).toContainText(cm1);
    await expect(own.getByRole("listitem").filter({ hasText: cm1 }).getByRole("link", { name: mtlsTitle })).toBeVisible();
  });

  test("the learnings page ranks cross-team factors first with their reasons, and filters by team", async ({ page }) => {
    await page.goto("/learnings");
    await expect(page.getByRole("heading", { level: 1, name: "Global learnings" })).toBeVisible();
    const ranking = page.getByRole("region", { name: "Ranking", exact: true });
    const items = ranking.getByRole("listitem");
    await expect(items.first().getByRole("heading")).toHaveText("Missing monitoring or alert");
    await expect(items.first()).toContainText("Cross-team");
    await expect(items.first()).toContainText(/Seen in 7 incidents across 4 teams/);
    await expect(items.first()).toContainText(/recurred \d+ times after a countermeasure was done/);
    await expect(ranking.getByRole("link", { name: "Retry storm" })).toBeVisible();

    await page.getByLabel("Team").selectOption("identity");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/[?&]team=identity/);
    await expect(page.getByLabel("Team")).toHaveValue("identity");
    await expect(ranking.getByRole("link", { name: "Retry storm" })).toHaveCount(0);
    const n = await items.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) await expect(items.nth(i)).toContainText("identity");
  });

  test("the factors page sorts through the URL, dims unused factors and lists taxonomy care", async ({ page }) => {
    await page.goto("/factors");
    const capacity = page.getByRole("region", { name: "Capacity and load" });
    await expect(capacity.getByRole("row").nth(1)).toContainText("Connection pool exhaustion");
    await expect(page.getByRole("row", { name: /^Certificate or secret expiry/ })).toContainText("recurred after countermeasure");
    await page.getByRole("navigation", { name: "Sort factors" }).getByRole("link", { name: "Name" }).click();
    await expect(page).toHaveURL(/sort=name/);
    const names = await capacity.getByRole("rowheader").allTextContents();
    const plain = names.map((n) => n.replace(/(recurred after countermeasure|unused)/g, "").trim());
    expect(plain).toEqual([...plain].sort((a, b) => a.localeCompare(b)));
    await expect(page.getByRole("row", { name: /^Cache stampede/ })).toContainText("unused");
    const care = page.getByRole("region", { name: "Taxonomy care" });
    await expect(care.getByRole("list", { name: "Never used factors" }).getByRole("link", { name: "Cache stampede" })).toBeVisible();
    await expect(care.getByRole("list", { name: "Factors used once" }).getByRole("listitem").first()).toBeVisible();
  });

  test("an old merged factor id redirects to the current factor; an unknown id is not found", async ({ page }) => {
    await page.goto("/factors/bad-config-push");
    await expect(page).toHaveURL(/\/factors\/unvalidated-config-change$/);
    await expect(page.getByRole("heading", { level: 1, name: "Configuration change without validation" })).toBeVisible();
    const res = await page.goto("/factors/no-such-factor");
    expect(res?.status()).toBe(404);
  });

  test("the suggestion API returns a sensible factor for free text and refuses oversized text", async ({ page }) => {
    const res = await page.request.get(`/api/factors/suggest?text=${encodeURIComponent("the TLS certificate expired and clients failed the handshake")}`);
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.suggestions[0]).toMatchObject({ factor: "certificate-expiry", name: "Certificate or secret expiry", category: "time-and-scheduling" });
    expect(body.suggestions[0].confidence).toBeGreaterThan(0.5);
    expect(body.suggestions[0].reasons.length).toBeGreaterThan(0);
    const long = await page.request.get(`/api/factors/suggest?text=${"a".repeat(5001)}`);
    expect(long.status()).toBe(400);
  });
});

test("signed out, the suggestion API answers 401", async ({ browser }) => {
  const context = await browser.newContext();
  const res = await context.request.get(`http://localhost:${E2E.port}/api/factors/suggest?text=certificate`);
  expect(res.status()).toBe(401);
  await context.close();
});

test("a restricted incident counts on factor pages only for readers who may open it", async ({ browser }) => {
  const reader = await pageAs(browser, "reader");
  const secreader = await pageAs(browser, "secreader");
  for (const f of restrictedFactors) {
    const outside = await factorIncidentCount(reader, f.id);
    await expect(reader.getByText(restrictedTitle)).toHaveCount(0);
    const inside = await factorIncidentCount(secreader, f.id);
    await expect(secreader.getByRole("region", { name: /^Incidents \(/ }).getByRole("link", { name: restrictedTitle })).toBeVisible();
    expect(inside, f.id).toBe(outside + 1);
  }

  await reader.goto("/factors");
  await secreader.goto("/factors");
  for (const f of restrictedFactors) expect(await factorsTableCount(secreader, f.name), f.id).toBe((await factorsTableCount(reader, f.name)) + 1);
  await expect(reader.getByText(restrictedTitle)).toHaveCount(0);

  for (const url of ["/learnings", `/incidents/${nearMiss}`]) {
    await reader.goto(url);
    await expect(reader.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(reader.getByText(restrictedTitle)).toHaveCount(0);
  }
  // The near miss shares excessive-permissions with the restricted incident, which started earlier.
  const perms = (p: Page) => p.getByRole("list", { name: "Factors seen before" }).getByRole("listitem").filter({ has: p.getByRole("link", { name: "Excessive permissions" }) });
  await expect(perms(reader)).toContainText("not seen in any other incident");
  await secreader.goto(`/incidents/${nearMiss}`);
  await expect(perms(secreader)).toContainText("seen 1 time before across 2 teams");
  await reader.context().close();
  await secreader.context().close();
});
