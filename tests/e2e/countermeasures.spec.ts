import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E, stateFile } from "./env";

const list = (page: Page) => page.getByRole("list", { name: "Countermeasures" });
// The rows themselves: a row's evidence and policy-breach badges are lists of their own.
const rowsOf = (page: Page) => list(page).locator(":scope > li");
// The figure's accessible name is its visible text ("3 Overdue past their due date, not done").
const overdueStat = (page: Page) => page.getByRole("region", { name: "Summary" }).getByRole("link", { name: /^\d+ Overdue/ });

async function overdueCount(page: Page): Promise<number> {
  return Number((await overdueStat(page).getByTestId("overdue-count").textContent())?.trim() ?? NaN);
}

function feedToken(username: string): string {
  const raw: unknown = JSON.parse(fs.readFileSync(path.join(E2E.dataDir, "users.json"), "utf8"));
  const users = (raw as { users: { username: string; feedToken: string }[] }).users;
  const token = users.find((u) => u.username === username)?.feedToken;
  if (!token) throw new Error(`no feed token for ${username}`);
  return token;
}

test.describe("as a reader", () => {
  test.use({ storageState: stateFile("reader") });

  test("filtering to overdue shows only overdue countermeasures, with the summary and charts above", async ({ page }) => {
    await page.goto("/countermeasures");
    await expect(page.getByRole("heading", { name: "Countermeasures", level: 1 })).toBeVisible();
    await expect(page.getByRole("img", { name: /Countermeasures open and done at the end of each month/ })).toBeVisible();
    await expect(page.getByRole("img", { name: /Overdue countermeasures per team/ })).toBeVisible();
    await expect(page.getByRole("region", { name: "Effectiveness" })).toContainText(/type countermeasures were followed by recurrence in \d+ of \d+ case/);
    const all = await rowsOf(page).count();

    await page.getByRole("checkbox", { name: "Overdue only" }).check();
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/overdue=1/);
    const rows = rowsOf(page);
    await expect(rows.first()).toBeVisible();
    const n = await rows.count();
    expect(n).toBe(await overdueCount(page));
    expect(n).toBeLessThan(all);
    for (let i = 0; i < n; i++) await expect(rows.nth(i).getByText(/^\d+ d overdue$/)).toBeVisible();
  });

  test("a reader sees no update controls, and the server refuses a reader's update", async ({ page, baseURL }) => {
    await page.goto("/countermeasures");
    await expect(list(page).getByRole("listitem").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
    await expect(page.getByRole("combobox", { name: "Status" })).toHaveCount(0);

    const res = await page.request.post("/api/countermeasures", {
      headers: { Origin: baseURL ?? "" },
      data: { incidentId: "2025-10-08-ledger-db-connection-pool-exhaustion", cmId: "cm-3", baseBlob: "0".repeat(40), patch: { status: "done" } },
    });
    expect(res.status()).toBe(403);
  });

  test("the CSV export keeps the filters and leaves out restricted incidents", async ({ page, browser }) => {
    await page.goto("/countermeasures?status=open,in-progress");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toBe("countermeasures.csv");
    const csv = fs.readFileSync(await download.path(), "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("incident,title,owner,due,status,type,days overdue,ticket,addresses,url");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => /,(open|in-progress),/.test(l))).toBe(true);
    expect(csv).not.toContain(E2E.restrictedIncident);

    // The same export for an admin does include it, so the check above can fail.
    const admin = await browser.newContext({ storageState: stateFile("admin") });
    const res = await admin.request.get("/api/countermeasures.csv?status=open,in-progress");
    expect(res.headers()["content-disposition"]).toContain('filename="countermeasures.csv"');
    expect(await res.text()).toContain(E2E.restrictedIncident);
    await admin.close();
  });

  test("the calendar feed needs the user's token and follows the user's visibility", async ({ page, playwright, baseURL }) => {
    await page.goto("/countermeasures");
    await page.getByText("Subscribe (calendar)").click();
    const token = feedToken("reader");
    await expect(page.getByLabel("Everything you can see")).toHaveValue(new RegExp(`/api/countermeasures\\.ics\\?token=${token}`));

    // No session cookies: the token alone authenticates.
    const anonymous = await playwright.request.newContext({ baseURL });
    const wrong = await anonymous.get("/api/countermeasures.ics?token=not-a-real-token");
    expect(wrong.status()).toBe(401);
    const missing = await anonymous.get("/api/countermeasures.ics");
    expect(missing.status()).toBe(401);

    const ok = await anonymous.get(`/api/countermeasures.ics?token=${encodeURIComponent(token)}`);
    expect(ok.status()).toBe(200);
    expect(ok.headers()["content-type"]).toContain("text/calendar");
    const ics = await ok.text();
    expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(ics).toContain("BEGIN:VEVENT");
    expect(ics).not.toContain(E2E.restrictedIncident);

    const adminFeed = await anonymous.get(`/api/countermeasures.ics?token=${encodeURIComponent(feedToken("admin"))}`);
    expect(await adminFeed.text()).toContain(E2E.restrictedIncident);
    await anonymous.dispose();
  });

  test("review mode steps through overdue and due-soon items", async ({ page }) => {
    await page.goto("/countermeasures/review");
    await expect(page.getByText(/^1 of \d+$/)).toBeVisible();
    // The item's own heading ("Did it hold?" prompts may come first on the page).
    const itemHeading = page.locator("#h-cms-item");
    const first = await itemHeading.textContent();
    await page.getByRole("link", { name: "Next →" }).click();
    await expect(page).toHaveURL(/[?&]i=2/);
    await expect(page.getByText(/^2 of \d+$/)).toBeVisible();
    await expect(itemHeading).not.toHaveText(first ?? "");
    await expect(page.getByRole("region", { name: /./ }).filter({ has: page.getByText("Contributing factors") })).toBeVisible();

    // k goes back (the listener is attached once the page has hydrated, hence the retry; k on item 1 does nothing).
    await expect(async () => {
      await page.keyboard.press("k");
      await expect(page.getByText(/^1 of \d+$/)).toBeVisible({ timeout: 1000 });
    }).toPass();
    await expect(page).toHaveURL(/[?&]i=1/);
  });
});

test.describe("as an author", () => {
  test.use({ storageState: stateFile("author") });

  test("marks an overdue countermeasure done from the dashboard: committed as the author, counts change", async ({ page }) => {
    // The sample policy asks a link for prevent countermeasures (proof.spec.ts); the others close with one click.
    await page.goto("/countermeasures?overdue=1&type=detect,mitigate,process");
    const before = await overdueCount(page);
    expect(before).toBeGreaterThan(0);
    // Not the incident whose history other tests compare.
    const item = list(page)
      .getByRole("listitem")
      .filter({ hasNot: page.locator(`a[href^="/incidents/${E2E.historyIncident}"]`) })
      .first();
    const title = (await item.getAttribute("aria-label")) ?? "";
    const href = (await item.getByRole("link").first().getAttribute("href")) ?? "";
    const incidentId = /^\/incidents\/([^#?]+)/.exec(href)?.[1] ?? "";
    expect(incidentId).not.toBe("");

    // Marking done is one action: a small dialog (note and evidence link optional).
    await item.getByRole("button", { name: "Mark done" }).click();
    await page.getByRole("dialog", { name: "Mark done" }).getByRole("button", { name: "Mark done" }).click();
    // Done leaves the overdue list, and the summary counts one fewer.
    await expect(list(page).getByRole("listitem", { name: title, exact: true })).toHaveCount(0);
    await expect(overdueStat(page).getByTestId("overdue-count")).toHaveText(String(before - 1));

    // The newest revision is the update, committed with the signed-in author's name.
    await page.goto(`/incidents/${incidentId}/history`);
    const newest = page.getByRole("form", { name: "Choose two revisions to compare" }).getByRole("row").nth(1);
    await expect(newest).toContainText("Ari Author");
    await expect(newest).toContainText("update countermeasures");

    await page.goto(`/countermeasures?status=done`);
    // done_at was set to today by the update.
    await expect(list(page).getByRole("listitem", { name: title, exact: true }).getByText(/^done \d{1,2} \w{3} \d{4}$/)).toBeVisible();
  });

  test("a POST without an Origin header is refused", async ({ page }) => {
    const res = await page.request.post("/api/countermeasures", {
      data: { incidentId: "2025-10-08-ledger-db-connection-pool-exhaustion", cmId: "cm-3", baseBlob: "0".repeat(40), patch: { status: "done" } },
    });
    expect(res.status()).toBe(403);
    expect((await res.json()).message).toMatch(/cross-site/);
  });

  test("a stale base revision gets 409 with the current state", async ({ page, baseURL }) => {
    const res = await page.request.post("/api/countermeasures", {
      headers: { Origin: baseURL ?? "" },
      data: { incidentId: "2025-10-08-ledger-db-connection-pool-exhaustion", cmId: "cm-1", baseBlob: "0".repeat(40), patch: { owner: "someone.else@lumen.example" } },
    });
    expect(res.status()).toBe(409);
    const body = await res.json();
    expect(body.current).toMatchObject({ status: expect.any(String), owner: expect.any(String) });
    expect(body.currentBlob).toMatch(/^[0-9a-f]{40}$/);
  });
});
