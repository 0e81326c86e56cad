import { expect, test as setup } from "@playwright/test";
import { E2E, stateFile } from "./env";

// Each role signs in once through the real sign-in form; the tests reuse the saved session.
for (const user of E2E.users) {
  setup(`sign in as ${user.username}`, async ({ page }) => {
    await page.goto("/signin");
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await page.context().storageState({ path: stateFile(user.username) });
  });
}
