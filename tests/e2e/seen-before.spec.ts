import { expect, test, type Browser, type Page } from "@playwright/test";
import { stateFile } from "./env";

// "Seen before?" runs the search engine with the draft's title, summary, timeline and factors as the query, and says
// why each result matched. Sample content facts: the payments team's expired TLS certificate incident carries
// certificate-expiry, like the identity team's mTLS incident; the deploy-token incident is restricted to security.
const tlsTitle = /acquirer-facing TLS certificate/;
const mtlsIncident = "2026-09-16-auth-service-mtls-certificate-expiry";
const restrictedTitle = /deploy token/i;

async function pageAs(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ storageState: stateFile(user) });
  return context.newPage();
}

async function draft(page: Page, title: string, summary: string) {
  await page.goto("/incidents/new");
  await page.getByRole("textbox", { name: "Title", exact: true }).fill(title);
  await page.getByRole("textbox", { name: "Summary", exact: true }).fill(summary);
  return page.getByRole("region", { name: "Seen before?" }).getByRole("list", { name: "Similar past incidents" });
}

test.describe("Seen before?", () => {
  test("the editor lists past incidents like the draft, with the words they matched", async ({ browser }) => {
    const page = await pageAs(browser, "author");
    const list = await draft(page, "Card payments failed when the gateway certificate expired", "The TLS certificate of the payments gateway expired and every acquirer call failed the handshake.");
    const tls = list.getByRole("listitem").filter({ has: page.getByRole("link", { name: tlsTitle }) });
    await expect(tls).toBeVisible();
    await expect(tls).toContainText(/matched: .*\bTLS\b/);
    await page.context().close();
  });

  test("a draft that reads like a restricted incident finds it only for someone allowed to read it", async ({ browser }) => {
    const title = "Deploy token printed in public CI logs";
    const summary = "A CI workflow printed the environment with the production deploy token; secret scanning flagged it and the token was revoked.";
    const admin = await pageAs(browser, "admin");
    const adminList = await draft(admin, title, summary);
    await expect(adminList.getByRole("link", { name: restrictedTitle })).toBeVisible();
    await admin.context().close();

    const author = await pageAs(browser, "author");
    const section = author.getByRole("region", { name: "Seen before?" });
    const authorList = await draft(author, title, summary);
    // The panel has answered once it lists incidents or says there are none.
    await expect(authorList.or(section.getByText("Nothing similar among the incidents you can see."))).toBeVisible();
    await expect(section.getByRole("link", { name: restrictedTitle })).toHaveCount(0);
    await author.context().close();
  });

  test("the incident page's related incidents say which factors they share and which words matched", async ({ browser }) => {
    const page = await pageAs(browser, "reader");
    await page.goto(`/incidents/${mtlsIncident}`);
    const related = page.getByRole("region", { name: "Seen before?" }).getByRole("list", { name: "Related incidents" });
    const tls = related.getByRole("listitem").filter({ hasText: tlsTitle });
    await expect(tls).toContainText("Certificate or secret expiry");
    await expect(tls).toContainText(/matched: .*certificate/i);
    await page.context().close();
  });
});
