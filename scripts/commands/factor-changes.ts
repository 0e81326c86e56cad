import { execFileSync } from "node:child_process";
import { ContentStore } from "../../lib/content/store";
import type { Author } from "../../lib/content/repository";
import { commitTaxonomyChange, TaxonomyChangeError, taxonomyChangeSchema, type TaxonomyChange } from "../../lib/editor/factor-rewrite";
import { contentDir } from "../../lib/env";
import { mergeSuggestions } from "../../lib/knowledge/taxonomy-care";
import { flagString, UsageError, type CliArgs } from "../cli-args";

export const FACTOR_CHANGES = ["merge", "rename", "split", "suggest-merges"] as const;

export const FACTOR_CHANGES_USAGE =
  "merge OLD NEW | rename OLD NEW [--name NAME] | split OLD NEW1,NEW2[,…] [--assign INCIDENT=F1[,F2];…] | suggest-merges   (each with --dry-run, --author \"Name <email>\")";

function gitConfig(cwd: string, key: string): string | undefined {
  try {
    return execFileSync("git", ["config", key], { cwd, encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Who the commit is by: --author "Name <email>", else the content repository's git identity. */
function authorOf(args: CliArgs, dir: string): Author {
  const given = flagString(args, "author");
  if (given) {
    const m = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(given);
    if (!m) throw new UsageError('--author expects "Name <email>"');
    return { name: m[1]!, email: m[2]! };
  }
  const name = gitConfig(dir, "user.name");
  const email = gitConfig(dir, "user.email");
  if (!name || !email) throw new UsageError('no git identity in the content repository: give --author "Name <email>"');
  return { name, email };
}

/** `--assign "inc-a=f1,f2;inc-b=f3"` → { "inc-a": ["f1","f2"], "inc-b": ["f3"] }. */
function parseAssign(text: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (text ?? "").split(";").map((p) => p.trim()).filter(Boolean)) {
    const [id, list] = part.split("=");
    if (!id || !list) throw new UsageError(`--assign expects INCIDENT=F1[,F2];…, got "${part}"`);
    out[id.trim()] = list.split(",").map((f) => f.trim()).filter(Boolean);
  }
  return out;
}

function changeOf(args: CliArgs): TaxonomyChange {
  const [sub, from, to, ...extra] = args.positionals;
  if (!from || !to || extra.length) throw new UsageError(`kaizen factors ${FACTOR_CHANGES_USAGE}`);
  const raw =
    sub === "merge"
      ? { op: "merge", from, into: to }
      : sub === "rename"
        ? { op: "rename", from, to, ...(flagString(args, "name") ? { name: flagString(args, "name") } : {}) }
        : { op: "split", from, into: to.split(",").map((t) => t.trim()).filter(Boolean), assign: parseAssign(flagString(args, "assign")) };
  const parsed = taxonomyChangeSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".") || sub}: ${i.message}`).join("; "));
  return parsed.data;
}

/** `kaizen factors merge|rename|split|suggest-merges …`: one commit in the content repository, or a dry run. */
export async function runFactorChange(args: CliArgs): Promise<number> {
  const dir = contentDir();
  const store = new ContentStore(dir);
  if (args.positionals[0] === "suggest-merges") {
    const snap = await store.snapshot();
    // Like the report, restricted incidents do not inform suggestions unless asked (they may be pasted anywhere).
    const incidents = args.flags["include-restricted"] === true ? snap.incidents : snap.incidents.filter((i) => i.frontmatter.visibility !== "restricted");
    const list = mergeSuggestions(incidents, snap.taxonomy);
    if (args.flags.json === true) console.log(JSON.stringify(list, null, 2));
    else if (!list.length) console.log("No merge candidates: no two factors are described alike and used alike.");
    else for (const s of list) console.log(`${s.a} + ${s.b}  (${Math.round(s.score * 100)}%)  ${s.reasons.join("; ")}\n  kaizen factors merge ${s.a} ${s.b}`);
    return 0;
  }
  const change = changeOf(args);
  const dryRun = args.flags["dry-run"] === true;
  try {
    const result = await commitTaxonomyChange(store, change, dryRun ? { name: "dry run", email: "dry-run@kaizen.local" } : authorOf(args, dir), { dryRun });
    const n = result.rewritten.length;
    console.log(`${dryRun ? "Would " : ""}${result.summary}: ${n} incident file${n === 1 ? "" : "s"} ${dryRun ? "to rewrite" : "rewritten"}${result.commit ? ` in ${result.commit.slice(0, 10)}` : ""}`);
    for (const id of result.rewritten) console.log(`  ${id}`);
    for (const s of result.skipped) console.log(`  skipped ${s.id}: ${s.reason} (the old id keeps working there through merged_into)`);
    console.log(`/factors/${change.from} now redirects to /factors/${result.redirectTo}`);
    return 0;
  } catch (err) {
    if (err instanceof TaxonomyChangeError) {
      console.error(`kaizen factors ${change.op}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
