import { describe, expect, it } from "vitest";
import { buildSearchIndex } from "../../lib/search/build";
import { ImpactFlex } from "../../lib/search/impact-flex";
import { search } from "../../lib/search/search";
import { SearchIndex } from "../../lib/search/search-index";
import { FIXTURE, sdoc } from "./search-fixtures";

function exported(flex: ImpactFlex): [string, string][] {
  const out: [string, string][] = [];
  flex.export((key, data) => {
    if (data !== undefined && data !== null) out.push([key, data]);
  });
  return out;
}

const DOCS = [
  ...FIXTURE,
  ...Array.from({ length: 40 }, (_, i) => sdoc(`n${i}`, { title: `Disk alert ${i} on db-${i % 7}`, summary: i % 2 ? "disk full" : "", text: "disk ".repeat(1 + (i % 5)) + `node${i % 3}` })),
  sdoc("empty", { title: "", summary: "", text: "" }),
];

describe("the candidate stage's postings", () => {
  it("are filed exactly as flexsearch's own add files them", () => {
    const direct = buildSearchIndex(DOCS);
    const viaFlex = new SearchIndex();
    viaFlex.flex = ImpactFlex.viaFlexsearchAdd();
    viaFlex.addAll(DOCS);
    expect(exported(direct.flex)).toEqual(exported(viaFlex.flex));
    for (const q of ["disk", "disk full", "us-east-1", "数据库", "db*", '"disk full"', "node1 -disk"]) {
      expect(search(direct, q, { limit: 50 })).toEqual(search(viaFlex, q, { limit: 50 }));
    }
  });

  it("give the same postings after an update", () => {
    const ix = buildSearchIndex(DOCS);
    ix.add(sdoc("n3", { title: "Disk alert rewritten", text: "memory" }));
    const viaFlex = new SearchIndex();
    viaFlex.flex = ImpactFlex.viaFlexsearchAdd();
    viaFlex.addAll(DOCS);
    viaFlex.add(sdoc("n3", { title: "Disk alert rewritten", text: "memory" }));
    expect(exported(ix.flex)).toEqual(exported(viaFlex.flex));
    expect(search(ix, "disk rewritten", { limit: 50 })).toEqual(search(viaFlex, "disk rewritten", { limit: 50 }));
  });
});
