import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The lint step keeps imports going downward and server modules out of client components.
const root = path.resolve(__dirname, "../..");
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "kaizen/client-boundary").map((m) => m.ruleId ?? "");
}

describe("import boundaries", () => {
  it("refuse an upward import and allow a downward one", async () => {
    expect(await problems("lib/content/zz-upward.ts", 'import { canReadEntry } from "../knowledge/facts";\nexport const x = canReadEntry;\n')).toEqual(["no-restricted-imports"]);
    expect(await problems("lib/knowledge/zz-upward.ts", 'import { buildFollowupRows } from "../followups/rows";\nexport const x = buildFollowupRows;\n')).toEqual(["no-restricted-imports"]);
    expect(await problems("lib/search/zz-upward.ts", 'import { getOverview } from "@/lib/pages/overview";\nexport const x = getOverview;\n')).toEqual(["no-restricted-imports"]);
    expect(await problems("lib/pages/zz-upward.ts", 'import Page from "@/app/page";\nexport const x = Page;\n')).toEqual(["no-restricted-imports"]);
    expect(await problems("lib/mdx/zz-upward.ts", 'import { getStore } from "../content";\nexport const x = getStore;\n')).toEqual(["no-restricted-imports"]);
    expect(await problems("lib/content/zz-upward.ts", 'import { isPublic } from "../publish/public-version";\nexport const x = isPublic;\n')).toEqual(["no-restricted-imports"]);
    expect(await problems("lib/export/zz-down.ts", 'import { isPublic } from "../publish/public-version";\nexport const x = isPublic;\n')).toEqual([]);
    expect(await problems("lib/search/zz-down.ts", 'import { canReadEntry } from "../knowledge/facts";\nexport const x = canReadEntry;\n')).toEqual([]);
  }, 60_000);

  it("refuse a server-only module in a \"use client\" file, but allow its types", async () => {
    const client = (line: string) => `"use client";\n${line}\nexport const x = 1;\n`;
    expect(await problems("app/zz-client.tsx", client('import { getIncidentList } from "@/lib/pages/incidents";\nvoid getIncidentList;'))).toEqual(["kaizen/client-boundary"]);
    expect(await problems("app/zz-client.tsx", client('import type { IncidentRowData } from "@/lib/pages/incidents";\nexport type T = IncidentRowData;'))).toEqual([]);
    expect(await problems("app/zz-server.tsx", 'import { getIncidentList } from "@/lib/pages/incidents";\nexport const x = getIncidentList;\n')).toEqual([]);
  }, 60_000);
});
