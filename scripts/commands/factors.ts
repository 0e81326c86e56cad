import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { buildKnowledge } from "../../lib/knowledge/model";
import { canReadEntry } from "../../lib/knowledge/facts";
import type { Viewer } from "../../lib/auth/viewer";
import { flagCount, flagString, UsageError, type CliArgs } from "../cli-args";
import { FACTOR_CHANGES, FACTOR_CHANGES_USAGE, runFactorChange } from "./factor-changes";

const USAGE = "factors [--content DIR] [--json] [--category C] [--team T] [--from DATE] [--to DATE] [--limit N] [--as-group G[,G…] | --include-restricted]";

/** Later incidents listed per done countermeasure; the count covers the rest. */
const RECURRENCE_EXAMPLES = 5;

/** Who the report is for: a reader without groups unless told otherwise. */
function cliViewer(groups: string | undefined, admin: boolean): Viewer {
  const list = (groups ?? "").split(",").map((g) => g.trim()).filter(Boolean);
  return { id: "cli", name: "kaizen factors", email: "", role: admin ? "admin" : "reader", groups: list };
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export const command = {
  summary: "recurring contributing factors: global learnings ranking and per-factor figures",
  usage: `[--json] [--category C] … (the report) | ${FACTOR_CHANGES_USAGE}`,
  options: {
    json: { type: "boolean", description: "print the report as JSON" },
    category: { type: "string", value: "ID", description: "only factors of this category" },
    team: { type: "string", value: "TEAM", description: "only incidents of this team" },
    from: { type: "string", value: "DATE", description: "incidents that started on or after this day" },
    to: { type: "string", value: "DATE", description: "incidents that started on or before this day" },
    limit: { type: "string", value: "N", description: "at most N factors" },
    "as-group": { type: "string", value: "G[,G…]", description: "report as a reader in these groups: restricted incidents of those groups count" },
    "include-restricted": { type: "boolean", description: "report as an admin: every restricted incident counts (the report may be pasted anywhere)" },
    name: { type: "string", value: "NAME", description: "rename: the factor's new name" },
    assign: { type: "string", value: "INC=F1,F2;…", description: "split: which incidents get which factors (others: the best match by text)" },
    "dry-run": { type: "boolean", description: "merge/rename/split: show what would change, write nothing" },
    author: { type: "string", value: '"Name <email>"', description: "merge/rename/split: the commit's author (default: the content repository's git identity)" },
  },
  async run(args: CliArgs): Promise<number> {
    const sub = args.positionals[0];
    if (sub !== undefined) {
      if (!(FACTOR_CHANGES as readonly string[]).includes(sub)) throw new UsageError(`unknown factors action "${sub}": ${FACTOR_CHANGES_USAGE}`);
      return runFactorChange(args);
    }
    const date = /^\d{4}-\d{2}-\d{2}/;
    const from = flagString(args, "from");
    const to = flagString(args, "to");
    if ((from && !date.test(from)) || (to && !date.test(to))) throw new UsageError(`${USAGE}\n--from/--to expect a date such as 2026-01-31`);
    const limit = flagCount(args, "limit", Infinity);

    const groups = flagString(args, "as-group");
    if (groups !== undefined && args.flags["include-restricted"] === true) throw new UsageError(`${USAGE}\n--as-group and --include-restricted exclude each other`);
    const viewer = cliViewer(groups, args.flags["include-restricted"] === true);

    const snap = await new ContentStore(contentDir()).snapshot();
    // The report may be pasted anywhere: it counts what the named viewer may read, by the rule every page uses.
    const incidents = snap.incidents.filter((i) => canReadEntry(viewer, i));
    const k = buildKnowledge({ incidents, taxonomy: snap.taxonomy });
    const learnings = k.learnings({ category: flagString(args, "category"), team: flagString(args, "team"), from, to, limit });
    const rec = k.recurringIncidentCounts();
    const factors = k
      .factorLinks()
      .filter((l) => l.incidents.length > 0)
      .map((l) => ({
        factor: l.factor,
        name: l.name,
        category: l.category,
        incidents: l.incidents.length,
        teams: l.teams.map((t) => t.name),
        services: l.services.map((s) => s.name),
        countermeasures: l.countermeasureCounts,
        recurrences: rec.get(l.factor) ?? 0,
        lastSeen: l.lastSeen,
      }));

    // Per factor from the recurrence index, never the full (factor, countermeasure, incident) list, which grows with
    // incidents × countermeasures of a common factor.
    const recurrences = factors
      .filter((f) => f.recurrences > 0)
      .map((f) => ({ factor: f.factor, ...k.factorRecurrences(f.factor, RECURRENCE_EXAMPLES) }));

    if (args.flags.json === true) {
      console.log(JSON.stringify({ learnings, factors, recurrences, taxonomy: k.taxonomyCare() }, null, 2));
      return 0;
    }

    console.log(`Global learnings (${incidents.length} incidents; cross-team first)\n`);
    if (learnings.length === 0) console.log("  no factor is seen in two or more incidents yet\n");
    learnings.forEach((l, i) => {
      console.log(`${String(i + 1).padStart(3)}. ${l.factor}  (${l.name})  score ${l.score.toFixed(2)}${l.crossTeam ? "  cross-team" : ""}`);
      console.log(`     ${l.summary}`);
    });

    console.log(`\nPer factor\n`);
    const head = `  ${"factor".padEnd(36)} ${"inc".padStart(3)} ${"teams".padStart(5)} ${"svcs".padStart(4)} ${"done".padStart(4)} ${"open".padStart(4)} ${"recur".padStart(5)}  last seen`;
    console.log(head);
    for (const f of factors) {
      console.log(
        `  ${clip(f.factor, 36).padEnd(36)} ${String(f.incidents).padStart(3)} ${String(f.teams.length).padStart(5)} ${String(f.services.length).padStart(4)} ` +
          `${String(f.countermeasures.done).padStart(4)} ${String(f.countermeasures.open).padStart(4)} ${String(f.recurrences).padStart(5)}  ${f.lastSeen?.slice(0, 10) ?? "—"}`,
      );
    }

    if (recurrences.length) {
      console.log(`\nRecurred after a countermeasure was done\n`);
      for (const r of recurrences) {
        for (const g of r.byCountermeasure) {
          const more = g.count > g.recurredIn.length ? ` and ${g.count - g.recurredIn.length} more` : "";
          const later = g.recurredIn.map((i) => `${i.incidentId} (${i.started_at.slice(0, 10)})`).join(", ");
          console.log(`  ${r.factor}: ${g.countermeasure.incidentId}#${g.countermeasure.id} done ${g.countermeasure.done_at} → ${later}${more}`);
        }
      }
    }

    const care = k.taxonomyCare();
    console.log(`\nTaxonomy: ${care.unused.length} factors unused, ${care.usedOnce.length} used once, ${care.mergedInUse.length} merged ids still in use, ${care.unknownInUse.length} unknown ids`);
    for (const m of care.mergedInUse) console.log(`  ${m.oldId} → ${m.newId}: ${m.incidentIds.join(", ")}`);
    for (const u of care.unknownInUse) console.log(`  unknown ${u.id} in ${u.incidentIds.join(", ")}${u.suggestions.length ? ` (did you mean ${u.suggestions.join(", ")}?)` : ""}`);
    return 0;
  },
};
