import { z } from "zod";
import { blobId } from "../content/git";
import type { Author, FileChange } from "../content/repository";
import { FACTORS_FILE, type ContentStore } from "../content/store";
import { parseIncidentText } from "../content/incident-file";
import { frontmatterRegions, parseYaml } from "../content/frontmatter";
import { editYaml } from "../content/yaml-edit";
import { stems } from "../text/analyze";
import { idSchema } from "../schema/common";
import { taxonomySchema, type Factor } from "../schema/factors";
import { Taxonomy } from "../schema/taxonomy";

/**
 * Taxonomy care as one rewrite: merge a factor into another, rename its id, or split it into several. Every incident
 * that names the old id (as a contributing factor or in a countermeasure's `addresses`) is rewritten to the new id(s)
 * with only those YAML lines changed; factors.yml keeps the old id with `merged_into`, so links and old files still
 * resolve (the factor page redirects). Pure: text in, text out; the commit is lib/editor/taxonomy-change.ts.
 */
export const taxonomyChangeSchema = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("merge"), from: idSchema, into: idSchema }),
  z.strictObject({ op: z.literal("rename"), from: idSchema, to: idSchema, name: z.string().trim().min(1).max(200).optional() }),
  z.strictObject({
    op: z.literal("split"),
    from: idSchema,
    into: z.array(idSchema).min(2, "split into at least two factors").max(6),
    /** Incident id → the factors it gets; incidents not named get the target their text matches best. */
    assign: z.record(idSchema, z.array(idSchema).min(1)).default({}),
  }),
]);
export type TaxonomyChange = z.infer<typeof taxonomyChangeSchema>;

export interface IncidentText {
  id: string;
  path: string;
  text: string;
}

export interface PlannedRewrite {
  /** factors.yml after the change. */
  taxonomyText: string;
  /** Incident files that change, with their new text. */
  files: { id: string; path: string; text: string; factors: string[] }[];
  /** Incident files that name the old id but could not be rewritten (they do not validate today); the old id keeps working for them through merged_into. */
  skipped: { id: string; path: string; reason: string }[];
  /** The id the old factor's page now redirects to. */
  redirectTo: string;
  summary: string;
}

export class TaxonomyChangeError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

/** The factors list inside factors.yml's data (a plain list, or `{ categories, factors }`). */
function factorList(data: unknown): Obj[] {
  const list = Array.isArray(data) ? data : isObj(data) ? data.factors : null;
  if (!Array.isArray(list) || !list.every(isObj)) throw new TaxonomyChangeError("factors.yml has no factors list to change");
  return list as Obj[];
}

function withFactors(data: unknown, factors: Obj[]): unknown {
  return Array.isArray(data) ? factors : { ...(data as Obj), factors };
}

function requireActive(taxonomy: Taxonomy, id: string, role: string): Factor {
  const f = taxonomy.get(id);
  if (!f) {
    const dym = taxonomy.didYouMean(id);
    throw new TaxonomyChangeError(`no factor "${id}" in factors.yml${dym.length ? ` (did you mean ${dym.join(", ")}?)` : ""}`);
  }
  if (f.merged_into) throw new TaxonomyChangeError(`${role} "${id}" is already merged into "${f.merged_into}"`);
  return f;
}

/** The new factors.yml data and the target(s) each old reference becomes (before split assignments). */
function rewriteTaxonomy(change: TaxonomyChange, data: unknown, taxonomy: Taxonomy): { data: unknown; redirectTo: string; summary: string } {
  const factors = factorList(data);
  const at = factors.findIndex((f) => f.id === change.from);
  const old = requireActive(taxonomy, change.from, "factor");
  if (at < 0) throw new TaxonomyChangeError(`no factor "${change.from}" in factors.yml`);
  const next = factors.map((f) => ({ ...f }));
  switch (change.op) {
    case "merge": {
      if (change.into === change.from) throw new TaxonomyChangeError("a factor cannot be merged into itself");
      const into = requireActive(taxonomy, change.into, "target");
      next[at] = { ...next[at], merged_into: into.id };
      return { data: withFactors(data, next), redirectTo: into.id, summary: `merge ${old.id} into ${into.id}` };
    }
    case "rename": {
      if (change.to === change.from && !change.name) throw new TaxonomyChangeError("give a new id or a new --name");
      if (change.to !== change.from && taxonomy.get(change.to)) throw new TaxonomyChangeError(`the id "${change.to}" is taken in factors.yml; to fold one factor into another, merge them`);
      if (change.to === change.from) {
        next[at] = { ...next[at], name: change.name };
        return { data: withFactors(data, next), redirectTo: old.id, summary: `rename ${old.id} to "${change.name}"` };
      }
      // The entry keeps its place (and its aliases) under the new id; the old id stays as a pointer to it.
      next[at] = { ...next[at], id: change.to, ...(change.name ? { name: change.name } : {}) };
      next.splice(at + 1, 0, { id: old.id, name: old.name, category: old.category, description: old.description, merged_into: change.to });
      return { data: withFactors(data, next), redirectTo: change.to, summary: `rename ${old.id} to ${change.to}` };
    }
    case "split": {
      const targets = [...new Set(change.into)];
      if (targets.length < 2) throw new TaxonomyChangeError("split into at least two different factors");
      if (targets.includes(change.from)) throw new TaxonomyChangeError("a factor cannot be split into itself");
      for (const t of targets) requireActive(taxonomy, t, "target");
      // Old links go to the first target, the one the split names first.
      next[at] = { ...next[at], merged_into: targets[0] };
      return { data: withFactors(data, next), redirectTo: targets[0]!, summary: `split ${old.id} into ${targets.join(", ")}` };
    }
  }
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** The split target whose name, description and aliases share the most stems with the incident's own words. */
function bestTarget(targets: Factor[], words: string): string {
  const mine = new Set(stems(words));
  let best = targets[0]!.id;
  let bestScore = -1;
  for (const t of targets) {
    const theirs = new Set(stems([t.name, t.description, ...t.aliases].join(" ")));
    let shared = 0;
    for (const s of theirs) if (mine.has(s)) shared++;
    const score = theirs.size ? shared / Math.sqrt(theirs.size) : 0;
    if (score > bestScore) {
      best = t.id;
      bestScore = score;
    }
  }
  return best;
}

/** The frontmatter data with `from` replaced by `to` (one or more ids) in factors and countermeasures, key order kept. */
function rewriteReferences(data: Obj, from: string, to: string[]): Obj {
  const out: Obj = { ...data };
  if (Array.isArray(data.contributing_factors)) {
    const refs: unknown[] = [];
    for (const ref of data.contributing_factors) {
      if (!isObj(ref) || ref.factor !== from) {
        refs.push(ref);
        continue;
      }
      to.forEach((id, i) => refs.push(i === 0 ? { ...ref, factor: id } : { factor: id }));
    }
    // A target the incident already named keeps its own entry; the old entry's note fills a missing one.
    const merged: unknown[] = [];
    const byFactor = new Map<string, Obj>();
    for (const ref of refs) {
      if (!isObj(ref) || typeof ref.factor !== "string") {
        merged.push(ref);
        continue;
      }
      const seen = byFactor.get(ref.factor);
      if (!seen) {
        const copy = { ...ref };
        byFactor.set(ref.factor, copy);
        merged.push(copy);
      } else if (!seen.note && ref.note) seen.note = ref.note;
    }
    out.contributing_factors = merged;
  }
  if (Array.isArray(data.countermeasures)) {
    out.countermeasures = data.countermeasures.map((cm) =>
      isObj(cm) && Array.isArray(cm.addresses) && cm.addresses.includes(from)
        ? { ...cm, addresses: uniq(cm.addresses.flatMap((a) => (a === from ? to : [a]))) }
        : cm,
    );
  }
  return out;
}

const names = (data: Obj, id: string): boolean =>
  (Array.isArray(data.contributing_factors) && data.contributing_factors.some((r) => isObj(r) && r.factor === id)) ||
  (Array.isArray(data.countermeasures) && data.countermeasures.some((c) => isObj(c) && Array.isArray(c.addresses) && c.addresses.includes(id)));

/**
 * Plans a taxonomy change over factors.yml and the incident files. Only files that name the old id change, and in
 * each only the lines of those references (editYaml); bodies are kept byte for byte. Every rewritten file is checked
 * against the new taxonomy; a file that does not validate today is left alone and reported.
 */
export function planTaxonomyChange(change: TaxonomyChange, taxonomyText: string, incidents: readonly IncidentText[]): PlannedRewrite {
  const before = taxonomySchema.safeParse(parseYaml(taxonomyText));
  if (!before.success) throw new TaxonomyChangeError("factors.yml does not validate; run `kaizen lint` and fix it first");
  const taxonomy = new Taxonomy(before.data);
  const data = parseYaml(taxonomyText);
  const { data: nextData, redirectTo, summary } = rewriteTaxonomy(change, data, taxonomy);
  const taxonomyOut = editYaml(taxonomyText, nextData);
  const after = taxonomySchema.safeParse(parseYaml(taxonomyOut));
  if (!after.success) throw new TaxonomyChangeError(`the changed factors.yml would not validate: ${after.error.issues[0]?.message ?? "unknown problem"}`);
  const newTaxonomy = new Taxonomy(after.data);

  const targetsOf = (id: string, words: string): string[] => {
    if (change.op === "merge") return [change.into];
    if (change.op === "rename") return [change.to];
    const explicit = change.assign[id];
    if (explicit) {
      const bad = explicit.find((t) => !change.into.includes(t));
      if (bad) throw new TaxonomyChangeError(`incident ${id} is assigned "${bad}", which is not one of the split's targets`);
      return uniq(explicit);
    }
    return [bestTarget(change.into.map((t) => taxonomy.get(t)!), words)];
  };

  const files: PlannedRewrite["files"] = [];
  const skipped: PlannedRewrite["skipped"] = [];
  if (change.op === "rename" && change.to === change.from) return { taxonomyText: taxonomyOut, files, skipped, redirectTo, summary };
  for (const inc of incidents) {
    const regions = frontmatterRegions(inc.text);
    if (!regions) continue;
    let fm: unknown;
    try {
      fm = parseYaml(regions.yaml);
    } catch {
      if (inc.text.includes(change.from)) skipped.push({ id: inc.id, path: inc.path, reason: "its frontmatter is not valid YAML" });
      continue;
    }
    if (!isObj(fm) || !names(fm, change.from)) continue;
    // The body was valid before and is kept byte for byte, so only the frontmatter needs checking.
    const noBodyProblems = () => [];
    const current = parseIncidentText(inc.path, inc.text, taxonomy, noBodyProblems);
    if (!current.ok) {
      skipped.push({ id: inc.id, path: inc.path, reason: current.problems[0]?.message ?? "it does not validate" });
      continue;
    }
    const note = current.frontmatter.contributing_factors.find((r) => r.factor === change.from)?.note ?? "";
    const to = targetsOf(inc.id, [note, current.frontmatter.title, current.frontmatter.summary].join(" "));
    const yaml = editYaml(regions.yaml, rewriteReferences(fm, change.from, to));
    const text = regions.open + (yaml.endsWith("\n") ? yaml : `${yaml}\n`) + regions.close + regions.body;
    const check = parseIncidentText(inc.path, text, newTaxonomy, noBodyProblems);
    if (!check.ok) {
      skipped.push({ id: inc.id, path: inc.path, reason: `the rewrite would not validate: ${check.problems[0]?.message ?? "unknown problem"}` });
      continue;
    }
    files.push({ id: inc.id, path: inc.path, text, factors: to });
  }
  return { taxonomyText: taxonomyOut, files, skipped, redirectTo, summary };
}

export interface CommittedRewrite extends Omit<PlannedRewrite, "taxonomyText" | "files"> {
  commit: string | null;
  /** Ids of the incident files rewritten (every one, visible to the caller or not: callers filter). */
  rewritten: string[];
}

/**
 * Plans and commits a taxonomy change in ONE commit: factors.yml and every rewritten incident, each compared and
 * swapped against the blob it was read at (a save in between makes the repository refuse the whole commit). With
 * `dryRun` nothing is written.
 */
export async function commitTaxonomyChange(
  store: ContentStore,
  change: TaxonomyChange,
  author: Author,
  opts: { dryRun?: boolean } = {},
): Promise<CommittedRewrite> {
  const snapshot = await store.forceRefresh();
  const taxonomyText = await store.repo.readFile(FACTORS_FILE);
  if (taxonomyText === null) throw new TaxonomyChangeError(`${FACTORS_FILE} is missing: there is no taxonomy to change (kaizen init writes a starter one)`);
  const entries = [...snapshot.incidents, ...snapshot.broken];
  const texts: IncidentText[] = [];
  for (const e of entries) {
    const text = await store.repo.readFile(e.path);
    if (text !== null && text.includes(change.from)) texts.push({ id: e.id, path: e.path, text });
  }
  const plan = planTaxonomyChange(change, taxonomyText, texts);
  const base = { skipped: plan.skipped, redirectTo: plan.redirectTo, summary: plan.summary, rewritten: plan.files.map((f) => f.id) };
  if (opts.dryRun) return { ...base, commit: null };
  const changes: FileChange[] = [
    { path: FACTORS_FILE, content: plan.taxonomyText, baseBlob: blobId(taxonomyText) },
    ...plan.files.map((f) => ({ path: f.path, content: f.text, baseBlob: blobId(texts.find((t) => t.path === f.path)!.text) })),
  ];
  const n = plan.files.length;
  const message = `Factors: ${plan.summary}\n\n${n} incident file${n === 1 ? "" : "s"} rewritten; the old id stays in ${FACTORS_FILE} with merged_into.`;
  const { commit } = await store.commit(changes, message, author);
  return { ...base, commit };
}
