import { afterEach, describe, expect, it } from "vitest";
import { ContentStore } from "../../lib/content/store";
import { buildFromSnapshot } from "../../lib/search/build";
import { search } from "../../lib/search/search";
import { gitRepoSync, inIncidents, removeTempDirsSync } from "../fixtures/git-repo";

// A factor's name describes the factor in general; only an incident's note on it is text of that incident. The name
// still reaches the incidents carrying the factor, through the concept boost (and says so in the reasons).
const TAXONOMY = `factors:
  - { id: unvalidated-config-change, name: Configuration change without validation, category: change, description: A config change was not checked. }
`;

function incident(title: string, extra: string, body: string): string {
  return `---\ntitle: ${title}\nstatus: published\nseverity: SEV2\nstarted_at: 2024-02-01T10:00:00Z\n${extra}---\n\n${body}\n`;
}

afterEach(removeTempDirsSync);

describe("the factor field", () => {
  it("indexes the incident's note, not the factor's name, and a query naming the factor still finds its incidents", async () => {
    const root = gitRepoSync(
      {
        "factors.yml": TAXONOMY,
        ...inIncidents({
          "tagged.mdx": incident(
            "Checkout errors after a flag flip",
            "contributing_factors:\n  - factor: unvalidated-config-change\n    note: the flag was flipped for every region at once\n",
            "Checkout returned errors for an hour.",
          ),
          "words.mdx": incident("Validation of the change process", "", "We reviewed how a configuration change gets validation before it ships."),
          "other.mdx": incident("Disk filled on the log host", "", "Logs grew until the disk was full."),
        }),
      },
      { prefix: "kaizen-factor-field-", message: "init" },
    );
    const index = buildFromSnapshot(await new ContentStore(root).snapshot());
    // The note is searchable text of the incident it is on.
    expect(search(index, "flipped region").results.map((r) => r.id)).toEqual(["tagged"]);
    // The factor's name is not body text: "without" and "validation" alone do not match the tagged incident's words.
    expect(search(index, '"without validation"').results.map((r) => r.id)).toEqual([]);
    // Naming the factor finds the incident carrying it, and says why.
    const named = search(index, "configuration change without validation").results;
    const tagged = named.find((r) => r.id === "tagged");
    expect(tagged?.why).toContain("factor: Configuration change without validation");
    expect(named.map((r) => r.id)).not.toContain("other");
  });
});
