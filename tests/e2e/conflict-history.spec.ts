import fs from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { zoneName } from "../../lib/knowledge/dates";
import { E2E, stateFile } from "./env";

// Incidents no other browser test reads: edits here change nothing another spec asserts.
const MERGED = "2026-07-08-ledger-db-migration-lock";
const CONFLICTED = "2025-11-02-warehouse-sync-dst-duplicate-jobs";
// The server's zone (playwright.config.ts passes KAIZEN_E2E_TIME_ZONE on as KAIZEN_TIME_ZONE).
const ZONE = process.env.KAIZEN_E2E_TIME_ZONE || "UTC";
/** "3 Dec 2026, 10:05 CET": the one date-time format, in the server's zone, named. */
const DATE_TIME = new RegExp(`\\b\\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d\\d:\\d\\d ${zoneName(Date.now(), ZONE).replace(/[+]/g, "\\+")}\\b`);
// Screenshots for a person to look at, when asked for (KAIZEN_SHOTS=dir).
const SHOTS = process.env.KAIZEN_SHOTS;

/** The part of the page around `at`, as a person sees it, in the light and the dark scheme. */
async function shot(page: Page, name: string, at: Locator) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await at.scrollIntoViewIfNeeded();
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

async function openEditor(page: Page, id: string) {
  await page.goto(`/incidents/${id}/edit`);
  await expect(page.getByRole("button", { name: /^Save/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Save" })).toContainText(/Ready to save|problem|To fill in/);
}

async function twoAuthors(browser: Browser, viewport = { width: 1280, height: 800 }) {
  const a = await browser.newContext({ storageState: stateFile("author"), viewport });
  const b = await browser.newContext({ storageState: stateFile("author2"), viewport });
  return { a, b, pa: await a.newPage(), pb: await b.newPage() };
}

async function noSidewaysScroll(page: Page) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, "the page scrolls sideways").toBeLessThanOrEqual(client);
}

test("two authors edit different parts of an incident: the second save is merged and both changes are kept", async ({ browser }) => {
  const { a, b, pa, pb } = await twoAuthors(browser);
  try {
    await openEditor(pa, MERGED);
    await openEditor(pb, MERGED);
    const title = "Ledger migration holds a table lock and delays settlement reports by three hours";
    await pa.getByRole("textbox", { name: "Title", exact: true }).fill(title);
    await pa.getByRole("button", { name: "Save changes" }).click();
    await expect(pa).toHaveURL(new RegExp(`/incidents/${MERGED}$`));

    const impact = "Ledger writes stalled for 19 minutes; settlement reports were published three hours late.";
    await pb.getByRole("textbox", { name: "Impact", exact: true }).fill(impact);
    await pb.getByRole("button", { name: "Save changes" }).click();
    await expect(pb).toHaveURL(new RegExp(`/incidents/${MERGED}$`));
    await expect(pb.getByRole("status").filter({ hasText: "Ari Author had saved a change while you were editing" })).toBeVisible();
    await expect(pb.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(pb.getByRole("main")).toContainText(impact);

    // History: the merged save compared with the one before it, field by field and line by line.
    await pb.goto(`/incidents/${MERGED}/history`);
    const fields = pb.getByRole("region", { name: "What changed" });
    await expect(fields).toContainText("Impact");
    await expect(fields).toContainText(impact);
    await expect(fields).not.toContainText("Title");
    await expect(pb.getByRole("region", { name: "Differences between the two revisions" })).toContainText(impact.slice(0, 40));
    await expect(pb.getByRole("main").getByText(DATE_TIME).first()).toBeVisible();
    await shot(pb, "history-1280", fields);

    // Comparing further back shows the title change too.
    const rows = pb.getByRole("radio", { name: /^Compare from / });
    await rows.nth(2).check();
    await pb.getByRole("button", { name: "Compare revisions" }).click();
    await expect(fields).toContainText("Title");
    await expect(fields).toContainText(title);

    // On a phone the same page reads without sideways scrolling.
    await pb.setViewportSize({ width: 390, height: 844 });
    await pb.reload();
    await expect(fields).toBeVisible();
    await noSidewaysScroll(pb);
    await shot(pb, "history-390", fields);
  } finally {
    await a.close();
    await b.close();
  }
});

test("two authors change the same line: the conflict says who saved and when, shows only that place, and 'save mine' shows what it undoes first", async ({ browser }) => {
  const { a, b, pa, pb } = await twoAuthors(browser);
  try {
    await openEditor(pa, CONFLICTED);
    await openEditor(pb, CONFLICTED);
    const theirs = "Warehouse sync ran twice across the DST change (first author's summary).";
    await pa.getByRole("textbox", { name: "Summary", exact: true }).fill(theirs);
    await pa.getByRole("button", { name: "Save changes" }).click();
    await expect(pa).toHaveURL(new RegExp(`/incidents/${CONFLICTED}$`));

    const mine = "Warehouse sync jobs ran twice when clocks went back (second author's summary).";
    await pb.getByRole("textbox", { name: "Summary", exact: true }).fill(mine);
    await pb.getByRole("button", { name: "Save changes" }).click();
    const conflict = pb.getByRole("region", { name: "Someone else saved this incident while you were editing" });
    await expect(conflict).toBeVisible();
    await expect(conflict).toContainText("Ari Author saved this incident at");
    await expect(conflict.getByText(DATE_TIME)).toBeVisible();
    const places = conflict.getByRole("list", { name: "Places you both changed" });
    await expect(places.getByRole("listitem")).toHaveCount(1);
    await expect(places).toContainText(theirs);
    await expect(places).toContainText(mine);
    // The author's text is still in the form, nothing saved over theirs yet.
    await expect(pb.getByRole("textbox", { name: "Summary", exact: true })).toHaveValue(mine);
    await shot(pb, "conflict-1280", conflict);

    await conflict.getByRole("button", { name: "Save mine over theirs…" }).click();
    const undo = conflict.getByRole("group", { name: /Saving yours would undo their change/ });
    await expect(undo.getByRole("region", { name: "The change that saving yours would undo" })).toContainText(theirs);
    await pb.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(pb);
    await shot(pb, "conflict-confirm-390", undo);
    await pb.setViewportSize({ width: 1280, height: 800 });
    await undo.getByRole("button", { name: "Cancel" }).click();
    await expect(undo).toHaveCount(0);
    await conflict.getByRole("button", { name: "Save mine over theirs…" }).click();
    await conflict.getByRole("button", { name: "Replace their version with mine" }).click();
    await expect(pb).toHaveURL(new RegExp(`/incidents/${CONFLICTED}$`));
    await expect(pb.getByRole("main")).toContainText(mine);
    await expect(pb.getByRole("main")).not.toContainText(theirs);
  } finally {
    await a.close();
    await b.close();
  }
});

test.describe("as a reader", () => {
  test.use({ storageState: stateFile("reader") });

  test("search shows dates in the product's format and facets in its words", async ({ page }) => {
    await page.goto("/search?q=ledger");
    const results = page.getByRole("main");
    await expect(results.getByText("8 Jul 2026").first()).toBeVisible();
    await expect(results).not.toContainText("2026-07-08");
    await expect(page.getByRole("complementary", { name: "Refine results" }).getByRole("button", { name: /^Published/ })).toBeVisible();
  });

  test("the JSON API pages incidents and factors with a next link, never counting a restricted incident", async ({ page }) => {
    const first = await (await page.request.get("/api/incidents?limit=5")).json();
    const ids: string[] = first.incidents.map((i: { id: string }) => i.id);
    let next: string | null = first.next;
    while (next) {
      const p = await (await page.request.get(next)).json();
      expect(p.total).toBe(first.total);
      ids.push(...p.incidents.map((i: { id: string }) => i.id));
      next = p.next;
    }
    expect(ids).toHaveLength(first.total);
    expect(ids).not.toContain(E2E.restrictedIncident);
    const bad = await page.request.get("/api/incidents?limit=0");
    expect(bad.status()).toBe(400);
    expect((await bad.json()).message).toMatch(/^limit: /);

    const factors = await (await page.request.get("/api/factors?limit=3")).json();
    expect(factors.factors).toHaveLength(3);
    expect(factors.next).toMatch(/^\/api\/factors\?limit=3&cursor=/);
    expect(JSON.stringify(factors)).not.toContain(E2E.restrictedIncident);
  });
});
