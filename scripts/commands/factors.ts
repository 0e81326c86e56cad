import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { buildKnowledge } from "../../lib/knowledge/model";
import { canReadEntry } from "../../lib/knowledge/facts";
import { formatDate } from "../../lib/knowledge/dates";
import { cliViewer } from "../cli-viewer";
import { factorReportRows, type FactorReportRow } from "../../lib/knowledge/factor-report";
import { DEFAULT_PAGE_SIZE, pageOf, parsePageQuery, type PageQuery } from "../../lib/paging";
import { flagCount, flagString, UsageError, type CliArgs } from "../cli-args";
import { FACTOR_CHANGES, FACTOR_CHANGES_USAGE, runFactorChange } from "./factor-changes";

const USAGE = "factors [--content DIR] [--json [--limit N] [--cursor C] | --all] [--category C] [--team T] [--from DATE] [--to DATE] [--limit N] [--as-group G[,G…] | --include-restricted]";

/** Later incidents listed per done countermeasure; the count covers the rest. */
const RECURRENCE_EXAMPLES = 5;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export const command = {
  summary: "recurring contributing factors: global learnings ranking and per-factor figures",
  usage: `[--json [--limit N] [--cursor C] | --all] [--category C] [--team T] [--from DATE] [--to DATE] [--as-group G[,G…] | --include-restricted] | ${FACTOR_CHANGES_USAGE}`,
  options: {
    json: { type: "boolean", description: `print the report as JSON, ${DEFAULT_PAGE_SIZE} factors a page (--limit N); "next" is the --cursor of the next page` },
    cursor: { type: "string", value: "C", description: "with --json: the page after this cursor (the previous page's next)" },
    all: { type: "boolean", description: "every factor as NDJSON, one JSON object a line, streamed" },
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
    const viewer = cliViewer("factors", { groups, admin: args.flags["include-restricted"] === true });

    const cursorFlag = flagString(args, "cursor");
    if (args.flags.cursor === true || cursorFlag === "") throw new UsageError(`${USAGE}\n--cursor needs the "next" value of the previous page`);
    if (cursorFlag !== undefined && args.flags.json !== true) throw new UsageError(`${USAGE}\n--cursor pages the JSON report: add --json`);
    if (args.flags.all === true && (args.flags.json === true || cursorFlag !== undefined)) throw new UsageError(`${USAGE}\n--all streams every factor as NDJSON: leave out --json and --cursor`);
    let page: PageQuery | null = null;
    if (args.flags.json === true) {
      try {
        page = { limit: Number.isFinite(limit) ? limit : DEFAULT_PAGE_SIZE, cursor: parsePageQuery({ cursor: cursorFlag }).cursor };
      } catch {
        throw new UsageError(`--cursor: not a cursor of this report (use the "next" value of the previous page)`);
      }
    }

    const snap = await new ContentStore(contentDir()).snapshot();
    // The report may be pasted anywhere: it counts what the named viewer may read, by the rule every page uses.
    const incidents = snap.incidents.filter((i) => canReadEntry(viewer, i));
    const k = buildKnowledge({ incidents, taxonomy: snap.taxonomy });
    const learnings = k.learnings({ category: flagString(args, "category"), team: flagString(args, "team"), from, to, limit });
    // Used factors only: the report is about what recurs. The same rows and order as GET /api/factors.
    const factors = factorReportRows(k).filter((f) => f.incidents > 0);
    // Per factor from the recurrence index, never the full (factor, countermeasure, incident) list, which grows with
    // incidents × countermeasures of a common factor.
    const recurrenceOf = (f: FactorReportRow) => ({ factor: f.factor, ...k.factorRecurrences(f.factor, RECURRENCE_EXAMPLES) });

    if (args.flags.all === true) {
      // One factor a line, written as it is made and paced by the reader of the pipe.
      for (const f of factors) {
        const line = `${JSON.stringify(f.recurrences > 0 ? { ...f, recurrence: recurrenceOf(f) } : f)}\n`;
        if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once("drain", resolve));
      }
      return 0;
    }
    const recurrences = factors.filter((f) => f.recurrences > 0).map(recurrenceOf);

    if (page) {
      const { items, next } = pageOf(factors, (f) => f.factor, page);
      const shown = new Set(items.map((f) => f.factor));
      // Learnings and taxonomy care describe the whole report: on the first page only.
      const first = page.cursor === null ? { learnings, taxonomy: k.taxonomyCare() } : {};
      console.log(JSON.stringify({ total: factors.length, factors: items, recurrences: recurrences.filter((r) => shown.has(r.factor)), next, ...first }, null, 2));
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
          `${String(f.countermeasures.done).padStart(4)} ${String(f.countermeasures.open).padStart(4)} ${String(f.recurrences).padStart(5)}  ${formatDate(f.lastSeen)}`,
      );
    }

    if (recurrences.length) {
      console.log(`\nRecurred after a countermeasure was done\n`);
      for (const r of recurrences) {
        for (const g of r.byCountermeasure) {
          const more = g.count > g.recurredIn.length ? ` and ${g.count - g.recurredIn.length} more` : "";
          const later = g.recurredIn.map((i) => `${i.incidentId} (${formatDate(i.started_at)})`).join(", ");
          console.log(`  ${r.factor}: ${g.countermeasure.incidentId}#${g.countermeasure.id} done ${formatDate(g.countermeasure.done_at)} → ${later}${more}`);
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
