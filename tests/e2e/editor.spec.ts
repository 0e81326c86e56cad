import { expect, test, type Page } from "@playwright/test";
import { E2E, stateFile } from "./env";

// An incident no other browser test reads, so edits here do not change what they see.
const EDITED = "2026-02-04-search-api-oom-after-index-growth";

async function openEditor(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole("button", { name: /^Save/ })).toBeVisible();
  // The draft offer and validation start after hydration; wait for the editor to be interactive.
  await expect(page.getByRole("region", { name: "Save" })).toContainText(/Ready to save|problem|To fill in/);
}

test.describe("as an author", () => {
  test.use({ storageState: stateFile("author") });

  test("creates a post-mortem with timeline, factors and countermeasures, with blameless hints, and finds it in the list", async ({ page }) => {
    const title = `Label printing stalls after a driver update ${Date.now()}`;
    await openEditor(page, "/incidents/new");
    await expect(page.getByRole("heading", { name: "New post-mortem" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Authors" }).or(page.getByText("author@lumen.example"))).toBeVisible();

    await page.getByRole("textbox", { name: "Title", exact: true }).fill(title);
    await page.getByLabel("Severity").selectOption("SEV2");
    // The sample's kaizen.yml has review.required: "Published" is not offered, and the hint says how it gets there.
    await expect(page.getByLabel("Status").getByRole("option", { name: "Published" })).toBeDisabled();
    await expect(page.getByText("Published through review: request reviewers in the incident page's Review panel")).toBeVisible();
    await page.getByRole("combobox", { name: "Services" }).fill("label-printer");
    await page.getByRole("combobox", { name: "Services" }).press("Enter");
    await page.getByRole("textbox", { name: "Summary", exact: true }).fill("Label printing stopped for 40 minutes. The on-call should have noticed the queue growing.");

    // Blameless hint beside the editor; clicking it selects the phrase in the summary.
    const hints = page.getByRole("list", { name: "Blameless-language hints" });
    await expect(hints).toContainText("should have");
    await hints.getByRole("button", { name: /should have/ }).click();
    await expect(page.getByRole("textbox", { name: "Summary", exact: true })).toBeFocused();
    expect(await page.getByRole("textbox", { name: "Summary", exact: true }).evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))).toBe("should have");
    await page.getByRole("textbox", { name: "Summary", exact: true }).fill("Label printing stopped for 40 minutes while the print queue grew without an alert.");
    await expect(page.getByText("No blaming or hindsight phrases found.")).toBeVisible();

    // Timeline: one row by hand, three pasted from the incident channel.
    await page.getByLabel(/^Started/).fill("2026-03-14T14:00");
    await page.getByRole("button", { name: "+ Add event" }).click();
    await page.getByLabel("Row 1 time (UTC)").fill("2026-03-14T14:00");
    await page.getByLabel("Row 1 kind").selectOption("trigger");
    await page.getByLabel("Row 1 event").fill("Printer driver 4.2 deployed to the warehouse fleet");
    await page.getByText("Paste lines from a chat log or notes").click();
    await page.getByLabel("Lines to turn into timeline rows").fill("14:22 UTC paged on-call\n[14:31] alice: rolled back the driver\n2026-03-14 14:40 recovered, queue drained");
    await page.getByRole("button", { name: "Add rows" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Added 3 rows" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Timeline rows" }).getByRole("listitem")).toHaveCount(4);
    await expect(page.getByLabel("Row 2 kind")).toHaveValue("detection");
    await expect(page.getByLabel("Row 3 kind")).toHaveValue("mitigation");
    await expect(page.getByLabel("Row 4 kind")).toHaveValue("resolution");
    await page.getByRole("button", { name: "Take all key times from the timeline" }).click();
    await expect(page.getByLabel(/^Detected/)).toHaveValue("2026-03-14T14:22");
    await expect(page.getByLabel(/^Resolved/)).toHaveValue("2026-03-14T14:40");

    // A factor picked from the suggestions for the author's own words.
    await page.getByLabel("Describe a factor in your words").fill("the print service ran out of connections to the spooler database");
    const suggestions = page.getByRole("list", { name: "Suggested factors" });
    await suggestions.getByRole("button", { name: /Connection pool exhaustion/ }).click();
    const chosen = page.getByRole("list", { name: "Chosen factors" });
    await expect(chosen).toContainText("Connection pool exhaustion");
    await expect(page.getByLabel("Note for Connection pool exhaustion")).toHaveValue(/ran out of connections/);

    // A countermeasure is flagged until it has an owner and a due date.
    await page.getByRole("button", { name: "+ Add countermeasure" }).click();
    const cm = page.getByRole("listitem", { name: "Countermeasure cm-1" });
    await expect(cm.getByText("Needs an owner and a due date")).toBeVisible();
    await cm.getByLabel("What will be done").fill("Alert on print queue depth");
    await cm.getByLabel("Type").selectOption("detect");
    await cm.getByLabel("Owner").fill("author@lumen.example");
    await cm.getByLabel("Due").fill("2026-04-30");
    await cm.getByRole("checkbox", { name: "Connection pool exhaustion" }).check();
    await expect(cm.getByText(/^Needs/)).toHaveCount(0);

    await expect(page.getByText("Ready to save")).toBeVisible();
    await page.getByRole("button", { name: "Save post-mortem" }).click();
    await expect(page).toHaveURL(/\/incidents\/2026-03-14-label-printing-stalls-after-a-driver-update/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.getByRole("list", { name: "Timeline events" }).getByRole("listitem")).toHaveCount(4);
    await expect(page.getByRole("region", { name: "Contributing factors" })).toContainText("Connection pool exhaustion");
    await expect(page.getByRole("region", { name: "Countermeasures" })).toContainText("Alert on print queue depth");

    await page.goto("/incidents");
    await page.getByRole("link", { name: title }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  });

  test("keeps a local draft across a reload and offers it back", async ({ page }) => {
    await openEditor(page, "/incidents/new");
    await page.getByRole("textbox", { name: "Title", exact: true }).fill("A draft that must survive a reload");
    await expect(page.getByText("Unsaved changes")).toBeVisible();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.type());
      void d.accept();
    });
    await page.reload();
    await expect(page.getByText(/Restore your unsaved draft from/)).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Title", exact: true })).toHaveValue("");
    await page.getByRole("button", { name: "Restore draft" }).click();
    await expect(page.getByRole("textbox", { name: "Title", exact: true })).toHaveValue("A draft that must survive a reload");
    expect(dialogs).toContain("beforeunload");
  });
});

test("two authors edit the same incident: the second save shows the conflict and keeps its text", async ({ browser }) => {
  const a = await browser.newContext({ storageState: stateFile("author") });
  const b = await browser.newContext({ storageState: stateFile("author2") });
  try {
    const pa = await a.newPage();
    const pb = await b.newPage();
    await openEditor(pa, `/incidents/${EDITED}/edit`);
    await openEditor(pb, `/incidents/${EDITED}/edit`);

    await pa.getByRole("textbox", { name: "Impact", exact: true }).fill("Impact as rewritten by the first author.");
    await pa.getByRole("button", { name: "Save changes" }).click();
    await expect(pa).toHaveURL(new RegExp(`/incidents/${EDITED}$`));

    const mine = "Impact as rewritten by the second author, who started from the older version.";
    await pb.getByRole("textbox", { name: "Impact", exact: true }).fill(mine);
    await pb.getByRole("button", { name: "Save changes" }).click();
    const conflict = pb.getByRole("region", { name: "Someone else saved this incident while you were editing" });
    await expect(conflict).toBeVisible();
    await expect(pb).toHaveURL(new RegExp(`/incidents/${EDITED}/edit$`));
    await expect(pb.getByRole("textbox", { name: "Impact", exact: true })).toHaveValue(mine);
    // Both changed the same line: that place is shown first, the whole comparison one click away.
    await expect(conflict.getByRole("list", { name: "Places you both changed" })).toContainText(mine);
    await conflict.getByText("All differences between their version and yours").click();
    const diff = pb.getByRole("region", { name: "Differences between the saved version and yours" });
    // The saved file keeps its own YAML style (a folded `impact: >-` block), so the changed line is the value's.
    await expect(diff).toContainText("−   Impact as rewritten by the first author.");
    await expect(diff).toContainText(`+   ${mine}`);

    await pb.getByRole("button", { name: "Save mine over theirs…" }).click();
    await pb.getByRole("button", { name: "Replace their version with mine" }).click();
    await expect(pb).toHaveURL(new RegExp(`/incidents/${EDITED}$`));
    await pb.goto(`/incidents/${EDITED}/history`);
    await expect(pb.getByRole("main").getByText("Bo Author").first()).toBeVisible();
  } finally {
    await a.close();
    await b.close();
  }
});

test.describe("as a reader", () => {
  test.use({ storageState: stateFile("reader") });

  test("has no Edit button, no editor, and cannot save through the API", async ({ page, baseURL }) => {
    await page.goto(`/incidents/${E2E.historyIncident}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
    // Told why, not sent to a 404, and no editor on the page; a restricted incident's editor is a plain 404.
    for (const path of ["/incidents/new", `/incidents/${E2E.historyIncident}/edit`]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("needs the author role");
      await expect(page.getByRole("button", { name: /^Save/ })).toHaveCount(0);
    }
    expect((await page.goto(`/incidents/${E2E.restrictedIncident}/edit`))?.status()).toBe(404);
    const put = await page.request.put(`/api/incidents/${E2E.historyIncident}`, {
      headers: { Origin: baseURL ?? "" },
      data: { text: "---\ntitle: x\nstatus: draft\nseverity: SEV4\n---\n\nx\n", baseBlob: "0".repeat(40) },
    });
    expect(put.status()).toBe(403);
  });
});
