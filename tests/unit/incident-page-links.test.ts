import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { getIncidentPage } from "../../lib/pages/incident";
import { fixtureFiles, repoWith } from "./publish-fixtures";

const reader = (groups: string[]): Viewer => ({ id: `r-${groups.join("-")}`, name: "R", email: "r@example.com", role: "reader", groups });
const previous = { content: process.env.KAIZEN_CONTENT_DIR, data: process.env.KAIZEN_DATA_DIR };
let dataDir = "";

beforeAll(async () => {
  process.env.KAIZEN_CONTENT_DIR = await repoWith(fixtureFiles());
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-links-data-"));
  process.env.KAIZEN_DATA_DIR = dataDir;
});

afterAll(async () => {
  for (const [k, v] of [["KAIZEN_CONTENT_DIR", previous.content], ["KAIZEN_DATA_DIR", previous.data]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function bodyOf(viewer: Viewer): Promise<string> {
  const page = await getIncidentPage(viewer, "public-one");
  if (!page || !("compiled" in page)) throw new Error("no page");
  return JSON.stringify(page.compiled.hast);
}

describe("incident page: links to other incidents", () => {
  it("shows a link to a restricted incident as text to a reader outside its groups, so its id never reaches them", async () => {
    const body = await bodyOf(reader([]));
    expect(body).not.toContain("restricted-one");
    expect(body).toContain("the earlier outage");
    expect(body).toContain("/incidents/other-public");
  });

  it("keeps the link for a member of the group", async () => {
    expect(await bodyOf(reader(["security"]))).toContain("/incidents/restricted-one");
  });
});
