import readline from "node:readline";
import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { formatDate } from "../../lib/knowledge/dates";
import { openIndex } from "../../lib/search/open";
import { indexDir, saveIndex } from "../../lib/search/persist";
import { search } from "../../lib/search/search";
import { segmentsToText } from "../../lib/search/snippet";
import { flagCount, UsageError, type CliArgs } from "../cli-args";

export const command = {
  summary: "ranked search; with --stdin, one query per input line and one JSON array per output line",
  usage: '"<query>" [--limit N] [--offset N] [--json] | --stdin',
  options: {
    limit: { type: "string", value: "N", description: "results per page (default 10)" },
    offset: { type: "string", value: "N", description: "skip the first N results" },
    json: { type: "boolean", description: "print [{ id, title, score, snippet }]" },
    stdin: { type: "boolean", description: "read queries from standard input, one per line" },
  },
  async run(args: CliArgs): Promise<number> {
    const limit = flagCount(args, "limit", 10);
    const offset = flagCount(args, "offset", 0, 0);
    const query = args.positionals.join(" ").trim();
    const fromStdin = args.flags.stdin === true;
    if (!query && !fromStdin) throw new UsageError('search needs a query: kaizen search "<query>" (or --stdin for one query per line)');
    if (query && fromStdin) throw new UsageError("give a query or --stdin, not both");
    const snapshot = await new ContentStore(contentDir()).snapshot();
    const opened = openIndex(snapshot);
    if (opened.source !== "persisted") {
      try {
        saveIndex(opened.index, opened.revision, indexDir());
      } catch {
        // A read-only data directory only costs the next run a rebuild.
      }
    }
    const run = (q: string) => search(opened.index, q, { limit, offset });
    const asJson = (q: string) => run(q).results.map((r) => ({ id: r.id, title: r.title, score: r.score, snippet: segmentsToText(r.snippet) }));

    if (fromStdin) {
      const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const line of rl) console.log(JSON.stringify(line.trim() ? asJson(line) : []));
      return 0;
    }
    const res = run(query);
    if (res.errors.length > 0) {
      for (const e of res.errors) console.error(e);
      return 2;
    }
    if (args.flags.json === true) {
      console.log(JSON.stringify(asJson(query), null, 2));
      return 0;
    }
    if (res.total === 0) console.log(`no results${res.didYouMean ? ` — did you mean "${res.didYouMean}"?` : ""}`);
    res.results.forEach((r, i) => {
      const meta = [r.severity, r.started_at ? formatDate(r.started_at) : undefined, r.status].filter(Boolean).join(" · ");
      console.log(`${String(offset + i + 1).padStart(3)}. ${r.title}  [${r.id}]  ${r.score.toFixed(2)}\n     ${meta}\n     ${segmentsToText(r.snippet).replace(/\s+/g, " ")}\n`);
    });
    if (res.total > 0) console.error(`${res.total} result(s)${res.didYouMean ? `; did you mean "${res.didYouMean}"?` : ""}`);
    return 0;
  },
};
