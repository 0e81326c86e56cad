import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { buildKnowledge } from "../../lib/knowledge/model";
import { recurrenceCounts } from "../../lib/knowledge/recurrence";
import { flagCount, flagString, UsageError, type CliArgs } from "../cli-args";

const USAGE = "factors [--content DIR] [--json] [--category C] [--team T] [--from DATE] [--to DATE] [--limit N] [--include-restricted]";

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export const command = {
  summary: "recurring contributing factors: global learnings ranking and per-factor figures",
  usage: "[--json] [--category C] [--team T] [--from DATE] [--to DATE] [--limit N] [--include-restricted]",
  options: {
    json: { type: "boolean", description: "print the report as JSON" },
    category: { type: "string", value: "ID", description: "only factors of this category" },
    team: { type: "string", value: "TEAM", description: "only incidents of this team" },
    from: { type: "string", value: "DATE", description: "incidents that started on or after this day" },
    to: { type: "string", value: "DATE", description: "incidents that started on or before this day" },
    limit: { type: "string", value: "N", description: "at most N factors" },
    "include-restricted": { type: "boolean", description: "count restricted incidents too (the report may be pasted anywhere)" },
  },
  async run(args: CliArgs): Promise<number> {
    const date = /^\d{4}-\d{2}-\d{2}/;
    const from = flagString(args, "from");
    const to = flagString(args, "to");
    if ((from && !date.test(from)) || (to && !date.test(to))) throw new UsageError(`${USAGE}\n--from/--to expect a date such as 2026-01-31`);
    const limit = flagCount(args, "limit", Infinity);

    const snap = await new ContentStore(contentDir()).snapshot();
    // Like `followups`, restricted incidents stay out of a report that may be pasted anywhere unless asked for.
    const incidents = args.flags["include-restricted"] === true ? snap.incidents : snap.incidents.filter((i) => i.frontmatter.visibility !== "restricted");
    const k = buildKnowledge({ incidents, taxonomy: snap.taxonomy });
    const learnings = k.learnings({ category: flagString(args, "category"), team: flagString(args, "team"), from, to, limit });
    const rec = recurrenceCounts(k.recurrences());
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

    if (args.flags.json === true) {
      console.log(JSON.stringify({ learnings, factors, recurrences: k.recurrences(), taxonomy: k.taxonomyCare() }, null, 2));
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

    const recs = k.recurrences();
    if (recs.length) {
      console.log(`\nRecurred after a countermeasure was done\n`);
      for (const r of recs) {
        console.log(`  ${r.factor}: ${r.countermeasure.incidentId}#${r.countermeasure.id} done ${r.countermeasure.done_at} → ${r.recurredIn.incidentId} (${r.recurredIn.started_at.slice(0, 10)})`);
      }
    }

    const care = k.taxonomyCare();
    console.log(`\nTaxonomy: ${care.unused.length} factors unused, ${care.usedOnce.length} used once, ${care.mergedInUse.length} merged ids still in use, ${care.unknownInUse.length} unknown ids`);
    for (const m of care.mergedInUse) console.log(`  ${m.oldId} → ${m.newId}: ${m.incidentIds.join(", ")}`);
    for (const u of care.unknownInUse) console.log(`  unknown ${u.id} in ${u.incidentIds.join(", ")}${u.suggestions.length ? ` (did you mean ${u.suggestions.join(", ")}?)` : ""}`);
    return 0;
  },
};
