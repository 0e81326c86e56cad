import { expect, test, type Page } from "@playwright/test";
import { E2E, stateFile } from "./env";

// A review from request to publish: the author asks a colleague, who finds it in "Reviews waiting for me", comments on
// a timeline row and approves; the incident is then published.
const DRAFT = "2026-10-28-checkout-api-retry-storm-after-edge-proxy-restart";
const panel = (page: Page) => page.getByRole("region", { name: "Review" });

test.describe.configure({ mode: "serial" });

test("author requests a review; the reviewer comments on a timeline row and approves; the incident is published", async ({ browser }) => {
  const author = await browser.newContext({ storageState: stateFile("author") });
  // The sample's kaizen.yml has review.required: a save that publishes by itself is refused, naming the status line.
  const current = (await (await author.request.get(`/api/incidents/${DRAFT}`)).json()) as { revision: string };
  const raw = await (await author.request.get(`/incidents/${DRAFT}/download`)).text();
  expect(raw).toMatch(/^status: draft$/m);
  const direct = await author.request.put(`/api/incidents/${DRAFT}`, {
    headers: { Origin: `http://localhost:${E2E.port}` },
    data: { baseBlob: current.revision, text: raw.replace(/^status: draft$/m, "status: published") },
  });
  expect(direct.status()).toBe(422);
  expect(((await direct.json()) as { problems: { field: string; message: string }[] }).problems).toEqual([
    expect.objectContaining({ field: "status", message: expect.stringContaining("publishing needs 1 approval in review") }),
  ]);
  const a = await author.newPage();
  await a.goto(`/incidents/${DRAFT}`);
  await expect(panel(a).getByTestId("review-status")).toHaveText("Draft: not yet in review");
  await panel(a).getByLabel("Reviewers").fill("author2");
  await panel(a).getByRole("button", { name: "Request review" }).click();
  await expect(panel(a).getByTestId("review-status")).toHaveText("0 of 1 approval");
  await expect(panel(a).getByRole("list", { name: "Reviewers" })).toContainText("Bo Author");
  await expect(panel(a).getByRole("list", { name: "Reviewers" })).toContainText("Waiting");
  await author.close();

  const reviewer = await browser.newContext({ storageState: stateFile("author2") });
  const r = await reviewer.newPage();
  await r.goto("/reviews");
  await expect(r.getByRole("link", { name: "Reviews (1)" })).toBeVisible();
  const waiting = r.getByRole("region", { name: "Reviews waiting for me" });
  await expect(waiting.getByRole("listitem")).toHaveCount(1);
  await waiting.getByRole("link", { name: /Retry storm from edge-proxy/ }).click();
  await expect(r).toHaveURL(new RegExp(`/incidents/${DRAFT}#review$`));
  await expect(panel(r).getByText("Your review is requested")).toBeVisible();

  // The first timeline row is the anchor.
  const select = panel(r).getByLabel("Comment on");
  const firstRow = (await select.locator("optgroup[label=Timeline] option").first().getAttribute("value")) ?? "";
  expect(firstRow).toMatch(/^timeline:t-\d{8}-\d{4}/);
  await select.selectOption(firstRow);
  await panel(r).getByLabel("Comment", { exact: true }).fill("Which proxy pool restarted first? Worth naming in the timeline.");
  await panel(r).getByRole("button", { name: "Add comment" }).click();
  const activity = panel(r).getByRole("list", { name: "Review activity" });
  await expect(activity).toContainText("Bo Author commented on Timeline");
  await expect(activity).toContainText("Which proxy pool restarted first?");
  const rowId = firstRow.slice("timeline:".length);
  await expect(r.locator(`[id="${rowId}"]`)).toContainText("1 review comment");

  await panel(r).getByRole("button", { name: "Approve" }).click();
  await expect(panel(r).getByText("Approved: the post-mortem is published.")).toBeVisible();
  await expect(panel(r).getByTestId("review-status")).toHaveText("Published");
  await expect(r.locator(".incident-head")).toContainText(/published/i);
  await expect(panel(r).getByRole("list", { name: "Reviewers" })).toContainText("Approved");

  await r.goto("/reviews");
  await expect(r.getByText("Nothing waits for your review.")).toBeVisible();
  await expect(r.getByRole("link", { name: "Reviews", exact: true })).toBeVisible();
  await reviewer.close();
});

test("restricted means invisible: nobody outside its groups is asked, sees its review, or counts it", async ({ browser }) => {
  const admin = await browser.newContext({ storageState: stateFile("admin") });
  const origin = { Origin: `http://localhost:${E2E.port}` };
  // A restricted draft of the security group, written by the admin.
  const text = ["---", "title: Signing key copied to a shared build cache", "status: draft", "severity: SEV2", "visibility: restricted", "groups: [security]", "---", "", "## Summary", "", "A signing key was cached where other builds could read it.", ""].join("\n");
  const created = await admin.request.post("/api/incidents", { headers: origin, data: { text } });
  expect(created.status()).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  const refused = await admin.request.post(`/api/incidents/${id}/reviews`, { headers: origin, data: { action: "request_review", reviewers: ["reader"] } });
  expect(refused.status()).toBe(400);
  expect(((await refused.json()) as { message: string }).message).toBe("reviewers: reader may not read this incident");
  const bad = await admin.request.post(`/api/incidents/${id}/reviews`, { headers: origin, data: { action: "comment" } });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { message: string }).message).toMatch(/^text: /);
  const asked = await admin.request.post(`/api/incidents/${id}/reviews`, { headers: origin, data: { action: "request_review", reviewers: ["secreader"] } });
  expect(asked.status()).toBe(201);
  await admin.close();

  const reader = await browser.newContext({ storageState: stateFile("reader") });
  const panelRes = await reader.request.get(`/api/incidents/${id}/reviews`);
  expect(panelRes.status()).toBe(404);
  const page = await reader.newPage();
  await page.goto("/reviews");
  await expect(page.getByText("Nothing waits for your review.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Reviews", exact: true })).toBeVisible();
  await reader.close();

  const sec = await browser.newContext({ storageState: stateFile("secreader") });
  const s = await sec.newPage();
  await s.goto("/reviews");
  await expect(s.getByRole("link", { name: "Reviews (1)" })).toBeVisible();
  await expect(s.getByRole("region", { name: "Reviews waiting for me" })).toContainText("Signing key copied to a shared build cache");
  await sec.close();
});
