import { describe, expect, it } from "vitest";
import { noteFromDescription, suggestFactors } from "../../lib/knowledge/suggest";
import { taxonomySchema } from "../../lib/schema/factors";
import { incidentSchema } from "../../lib/schema/incident";
import { Taxonomy } from "../../lib/schema/taxonomy";

// A taxonomy with the kind of names and descriptions teams write, and one past incident that shares only a word.
const tax = new Taxonomy(
  taxonomySchema.parse({
    categories: [{ id: "configuration", name: "Configuration" }, { id: "capacity", name: "Capacity" }, { id: "time", name: "Time" }, { id: "observability", name: "Observability" }],
    factors: [
      { id: "unvalidated-config-change", name: "Configuration change without validation", category: "configuration", description: "A configuration change went live without schema validation, a dry run or a staged rollout.", aliases: ["config push", "misconfiguration"] },
      { id: "capacity-planning-gap", name: "Capacity planning gap", category: "capacity", description: "Load grew past a limit nobody had planned capacity for.", aliases: ["capacity planning"] },
      { id: "connection-pool-exhaustion", name: "Connection pool exhaustion", category: "capacity", description: "A connection pool or connection limit was exhausted.", aliases: ["connection pool", "max_connections", "too many connections"] },
      { id: "memory-leak-or-oom", name: "Memory leak or out-of-memory", category: "capacity", description: "A process ran out of memory.", aliases: ["memory leak", "oom"] },
      { id: "timezone-or-dst-handling", name: "Time zone or DST handling", category: "time", description: "Code assumed a fixed offset and broke on a daylight saving change.", aliases: ["dst", "daylight saving"] },
      { id: "missing-monitoring", name: "Missing monitoring or alert", category: "observability", description: "No alert covered the failing component.", aliases: ["no alert", "not monitored"] },
    ],
  }),
);
const past = [
  { id: "heap", frontmatter: incidentSchema.parse({ title: "Heap size too small", status: "published", severity: "SEV3", summary: "The worker's heap size was too small for the new batch size.", contributing_factors: [{ factor: "memory-leak-or-oom", note: "heap size" }] }) },
];
const ids = (text: string) => suggestFactors(text, tax, past, { minConfidence: 0.25 }).map((s) => s.factor);

describe("factor suggestions from plain descriptions", () => {
  it("reads a pool size change that was not validated as configuration and connections, not memory", () => {
    const got = ids("pool size change not validated against max_connections");
    expect(got.slice(0, 2).sort()).toEqual(["connection-pool-exhaustion", "unvalidated-config-change"]);
    expect(got).not.toContain("memory-leak-or-oom");
  });

  it("finds an unvalidated configuration change without any alias in the text", () => {
    const s = suggestFactors("we changed the timeout setting and nobody tested the new value", tax, undefined, { minConfidence: 0.25 });
    expect(s[0]?.factor).toBe("unvalidated-config-change");
    expect(s[0]?.reasons.join("; ")).toMatch(/about validation, configuration, change/);
  });

  it("still matches aliases on whole words only", () => {
    expect(ids("the daylight saving switch doubled the nightly run")).toContain("timezone-or-dst-handling");
    // "boom" and "doom" contain "oom" but are not the alias.
    expect(ids("boom, doom and gloom in the channel")).toEqual([]);
  });

  it("does not suggest from a single shared word with a past incident", () => {
    expect(ids("the size of the team changed")).not.toContain("memory-leak-or-oom");
  });

  it("gives nothing for text about none of the factors", () => {
    expect(ids("lunch was late on Tuesday")).toEqual([]);
  });
});

describe("the note a chosen factor starts with", () => {
  it("is the first sentence of a short description", () => {
    expect(noteFromDescription("  pool size raised to 400.  Nobody compared it with max_connections. ")).toBe("pool size raised to 400.");
    expect(noteFromDescription("pool size change not validated against max_connections")).toBe("pool size change not validated against max_connections");
  });

  it("is empty for a long description rather than the whole paragraph", () => {
    const long = "The connection pool size was raised from 200 to 400 in the service configuration during the migration window without anyone comparing it with the database's max_connections setting, which stayed at 300";
    expect(noteFromDescription(long)).toBe("");
  });
});
