// Inline fixtures for the knowledge-model tests: a small taxonomy and an incident builder validated by the real schema.
import type { KnowledgeIncident } from "../../lib/knowledge/incident-view";
import { Taxonomy } from "../../lib/schema/taxonomy";
import { taxonomySchema } from "../../lib/schema/factors";
import { incidentSchema, type IncidentFrontmatterInput } from "../../lib/schema/incident";

export function makeTaxonomy(): Taxonomy {
  return new Taxonomy(
    taxonomySchema.parse({
      categories: [
        { id: "capacity", name: "Capacity", maps_to: ["cascading-failure"] },
        { id: "observability", name: "Observability" },
        { id: "configuration", name: "Configuration", maps_to: ["config-change"] },
        { id: "time", name: "Time", maps_to: ["time"] },
      ],
      factors: [
        { id: "retry-storm", name: "Retry storm", category: "capacity", description: "d", aliases: ["thundering herd", "retries"] },
        { id: "connection-pool-exhaustion", name: "Connection pool exhaustion", category: "capacity", description: "d", aliases: ["connection pool", "too many connections"] },
        { id: "missing-monitoring", name: "Missing monitoring", category: "observability", description: "d", aliases: ["no alert", "monitoring gap"] },
        { id: "alert-fatigue", name: "Alert fatigue", category: "observability", description: "d", aliases: ["noisy alerts"] },
        { id: "unvalidated-config-change", name: "Config change without validation", category: "configuration", description: "d", aliases: ["config change"] },
        { id: "bad-config-push", name: "Bad config push", category: "configuration", description: "d", aliases: ["config push"], merged_into: "unvalidated-config-change" },
        { id: "certificate-expiry", name: "Certificate expiry", category: "time", description: "d", aliases: ["expired certificate", "certificate"] },
        { id: "clock-skew", name: "Clock skew", category: "time", description: "d", aliases: ["ntp"] },
        { id: "never-used", name: "Never used", category: "time", description: "d", aliases: [] },
      ],
    }),
  );
}

/** An incident whose frontmatter goes through incidentSchema (defaults applied), SEV3 and published unless given. */
export function inc(id: string, fm: Partial<IncidentFrontmatterInput> = {}, body = ""): KnowledgeIncident {
  return { id, frontmatter: incidentSchema.parse({ title: id, status: "published", severity: "SEV3", ...fm }), body };
}

/** Shorthand for contributing_factors. */
export function factors(...ids: string[]): { factor: string; note?: string }[] {
  return ids.map((factor) => ({ factor }));
}

/** A done countermeasure addressing the given factors. */
export function doneCm(id: string, doneAt: string, addresses: string[]) {
  return { id, title: `cm ${id}`, type: "prevent" as const, owner: "ops@example.com", due: doneAt, status: "done" as const, done_at: doneAt, addresses };
}
