import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../lib/auth/viewer";
import { getIncidentSource, incidentSourceParamsSchema } from "../../lib/pages/incident-source";
import { fixtureFiles, PUBLIC_INCIDENT, repoWith } from "./publish-fixtures";

const reader = (groups: string[]): Viewer => ({ id: `r-${groups.join("-")}`, name: "R", email: "r@example.com", role: "reader", groups });
const previous = { content: process.env.KAIZEN_CONTENT_DIR, data: process.env.KAIZEN_DATA_DIR };
let dataDir = "";

beforeAll(async () => {
  process.env.KAIZEN_CONTENT_DIR = await repoWith(fixtureFiles());
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "kaizen-source-data-"));
  process.env.KAIZEN_DATA_DIR = dataDir;
});

afterAll(async () => {
  for (const [k, v] of [["KAIZEN_CONTENT_DIR", previous.content], ["KAIZEN_DATA_DIR", previous.data]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("incident download (.mdx)", () => {
  it("gives the committed file byte for byte, named after the incident", async () => {
    const source = await getIncidentSource(reader([]), "public-one");
    expect(source).toEqual({ filename: "public-one.mdx", text: PUBLIC_INCIDENT });
  });

  it("gives nothing of a restricted incident to a reader outside its groups, like the page's 404", async () => {
    expect(await getIncidentSource(reader([]), "restricted-one")).toBeNull();
    expect(await getIncidentSource(reader([]), "no-such-incident")).toBeNull();
  });

  it("gives a restricted incident to a member of its group", async () => {
    const source = await getIncidentSource(reader(["security"]), "restricted-one");
    expect(source?.text).toContain("SECRET-RESTRICTED-BODY");
  });

  it("refuses an id that is not an incident id before anything is read", async () => {
    for (const id of ["../factors", "UPPER", "a/b", ""]) expect(incidentSourceParamsSchema.safeParse({ id }).success).toBe(false);
    expect(incidentSourceParamsSchema.safeParse({ id: "public-one" }).success).toBe(true);
    expect(await getIncidentSource(reader([]), "../factors")).toBeNull();
  });
});
