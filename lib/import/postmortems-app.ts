// Importer for the postmortems.app corpus format: markdown files with YAML frontmatter (uuid, url, title, company,
// product, categories, keywords, summary, start_time, end_time, …). Each report becomes incidents/<uuid>.mdx; the
// whole import is one commit, and a file that would not parse as a Kaizen incident is reported and skipped.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { parseYaml } from "../content/frontmatter";
import { stringifyYaml } from "../content/yaml";
import { parseIncidentText } from "../content/incident-file";
import { INCIDENTS_DIR, type ContentStore } from "../content/store";
import type { Taxonomy } from "../schema/taxonomy";
import { ID_PATTERN } from "../schema/common";
import type { Factor } from "../schema/factors";
import type { IncidentFrontmatterInput } from "../schema/incident";

const text = z.preprocess((v) => (v === null || v === undefined ? "" : typeof v === "number" ? String(v) : v), z.string());
const list = z.preprocess((v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.preprocess((x) => (typeof x === "number" ? String(x) : x), z.string())));

const reportSchema = z.object({
  uuid: z.string().min(1),
  url: text,
  title: text,
  summary: text,
  company: text,
  product: text,
  categories: list,
  keywords: list,
  start_time: text,
  end_time: text,
});

/** One report of the corpus, as its frontmatter and body say. */
export interface PostmortemsAppReport {
  uuid: string;
  title: string;
  summary: string;
  body: string;
  company: string;
  product: string;
  categories: string[];
  keywords: string[];
  url: string;
  start_time: string;
  end_time: string;
}

export type ParsedReport = { ok: true; report: PostmortemsAppReport } | { ok: false; error: string };

/** Parses one corpus file (frontmatter between `---` lines, then the markdown body). */
export function parsePostmortemsApp(raw: string): ParsedReport {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(raw);
  if (!m) return { ok: false, error: "no YAML frontmatter between --- lines" };
  let data: unknown;
  try {
    data = parseYaml(m[1] ?? "");
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "frontmatter"}: ${i.message}`).join("; ") };
  const r = parsed.data;
  return {
    ok: true,
    report: {
      uuid: r.uuid,
      title: r.title.trim(),
      summary: r.summary.trim(),
      body: (m[2] ?? "").trim(),
      company: r.company.trim(),
      product: r.product.trim(),
      categories: r.categories.map((c) => c.trim()).filter(Boolean),
      keywords: r.keywords.map((k) => k.trim()).filter(Boolean),
      url: r.url.trim(),
      start_time: r.start_time.trim(),
      end_time: r.end_time.trim(),
    },
  };
}

/** Reads every `*.md` report of a directory; unreadable ones come back in `skipped`. */
export async function readPostmortemsAppDir(dir: string): Promise<{ reports: { file: string; report: PostmortemsAppReport }[]; skipped: { file: string; reason: string }[] }> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith(".md") && n.toLowerCase() !== "readme.md").sort();
  const reports: { file: string; report: PostmortemsAppReport }[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const name of names) {
    const parsed = parsePostmortemsApp(await fs.readFile(path.join(dir, name), "utf8"));
    if (parsed.ok) reports.push({ file: name, report: parsed.report });
    else skipped.push({ file: name, reason: parsed.error });
  }
  return { reports, skipped };
}

/** ISO 8601 with Z for a parseable time, else undefined. */
export function isoOrUndefined(s: string): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  return new Date(t).toISOString().replace(".000Z", "Z");
}

/**
 * Escapes what MDX would read as JSX or expressions (`{`, `}`, `<`) everywhere except in code, so a markdown body
 * parses as MDX and renders as the text it was.
 */
export function escapeForMdx(body: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of body.split(/\r?\n/)) {
    const f = /^\s*(```+|~~~+)/.exec(line);
    if (fence) {
      out.push(line);
      if (f && f[1]?.startsWith(fence)) fence = null;
      continue;
    }
    if (f && f[1]) {
      fence = f[1];
      out.push(line);
      continue;
    }
    // Split on inline code spans and escape only outside them.
    out.push(line.split(/(`+[^`]*`+)/).map((part, i) => (i % 2 === 1 ? part : part.replace(/(?<!\\)([{}<])/g, "\\$1"))).join(""));
  }
  if (fence) out.push(fence);
  return out.join("\n");
}

/** Second-chance body for the rare report that still does not validate: links with unusual URLs become plain text. */
function plainLinks(body: string): string {
  return body.replace(/!?\[([^\]]*)\]\(([^)]*)\)/g, (_m, t: string, u: string) => `${t} (${u.replace(/[()]/g, "")})`).replace(/\\</g, "&lt;");
}

const SEV1_CUES = /\b(?:complete|total|full|global|worldwide|entire)\s+(?:outage|service outage|loss of service)|\ball (?:customers|users|regions)\b|\bdata loss\b|\blost (?:customer )?data\b/i;
const SEV3_CUES = /\b(?:minor|small (?:number|subset|percentage) of|a few (?:customers|users)|no customer impact|briefly degraded)\b/i;

/** Severity from text cues: SEV1 for total outages and data loss, SEV3 for clearly minor ones, otherwise SEV2. */
export function severityFromText(s: string): "SEV1" | "SEV2" | "SEV3" {
  if (SEV1_CUES.test(s)) return "SEV1";
  if (SEV3_CUES.test(s)) return "SEV3";
  return "SEV2";
}

function normalize(s: string): string {
  return ` ${s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim()} `;
}

/**
 * Factors for the report's corpus categories: for each category, the factors whose (own or category's) `maps_to`
 * names it; the one whose name or aliases best match the report text wins, else the first of them.
 */
export function factorsFor(report: Pick<PostmortemsAppReport, "categories" | "title" | "summary" | "body">, taxonomy: Taxonomy): string[] {
  const hay = normalize(`${report.title} ${report.summary} ${report.body}`);
  const out: string[] = [];
  for (const cat of report.categories) {
    const candidates = taxonomy.active.filter((f: Factor) => (f.maps_to ?? taxonomy.category(f.category)?.maps_to ?? []).includes(cat));
    if (candidates.length === 0) continue;
    let best: Factor | undefined;
    let bestScore = 0;
    for (const f of candidates) {
      let s = 0;
      for (const phrase of [f.name, ...f.aliases]) {
        const p = normalize(phrase);
        if (p.trim().length < 3) continue;
        let at = hay.indexOf(p);
        while (at >= 0) {
          s += p.trim().split(" ").length;
          at = hay.indexOf(p, at + p.length);
        }
      }
      if (s > bestScore) {
        best = f;
        bestScore = s;
      }
    }
    const chosen = best ?? candidates[0];
    if (chosen && !out.includes(chosen.id)) out.push(chosen.id);
  }
  return out;
}

function fallbackTitle(r: PostmortemsAppReport): string {
  const who = [r.company, r.product].filter(Boolean).join(" ");
  const first = (r.summary || r.body).replace(/\s+/g, " ").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").split(/(?<=[.!?])\s/)[0] ?? "";
  const short = first.length > 90 ? `${first.slice(0, 87).replace(/\s+\S*$/, "")}…` : first;
  return [who, short].filter(Boolean).join(": ") || `Post-mortem ${r.uuid}`;
}

function fallbackSummary(body: string): string {
  const para = body.split(/\n\s*\n/).map((p) => p.trim()).find((p) => p && !p.startsWith("#")) ?? "";
  const flat = para.replace(/\s+/g, " ");
  return flat.length > 500 ? `${flat.slice(0, 497).replace(/\s+\S*$/, "")}…` : flat;
}

/** The incident file for one report (pure). */
export function toIncidentFile(r: PostmortemsAppReport, taxonomy: Taxonomy, bodyTransform: (b: string) => string = (b) => b): { id: string; path: string; content: string } {
  const id = r.uuid.toLowerCase();
  const started = isoOrUndefined(r.start_time);
  let resolved = isoOrUndefined(r.end_time);
  if (started && resolved && Date.parse(resolved) < Date.parse(started)) resolved = undefined;
  const summary = r.summary || fallbackSummary(r.body);
  const factors = factorsFor(r, taxonomy);
  const fm: IncidentFrontmatterInput = {
    title: r.title || fallbackTitle(r),
    status: "published",
    kind: "incident",
    severity: severityFromText(`${r.title} ${summary} ${r.body}`),
    visibility: "internal",
    ...(started ? { started_at: started } : {}),
    ...(resolved ? { resolved_at: resolved } : {}),
    services: r.product ? [r.product] : [],
    tags: [...new Set(r.keywords)],
    authors: [],
    summary,
    contributing_factors: factors.map((factor) => ({ factor })),
    source: { ...(r.url ? { url: r.url } : {}), uuid: r.uuid, ...(r.company ? { company: r.company } : {}) },
  };
  const header = stringifyYaml(fm);
  const body = bodyTransform(escapeForMdx(r.body || summary));
  return { id, path: `${INCIDENTS_DIR}/${id}.mdx`, content: `---\n${header}---\n\n${body}\n` };
}

export interface ImportReport {
  imported: string[];
  unchanged: string[];
  skipped: { file: string; reason: string }[];
  commit: string | null;
}

export const IMPORT_AUTHOR = { name: "Kaizen importer", email: "importer@kaizen.local" };

/** Imports every report of `dir` into the store in one commit; returns what was imported and what was skipped. */
export async function importPostmortemsApp(dir: string, store: ContentStore, taxonomy?: Taxonomy): Promise<ImportReport> {
  const tax = taxonomy ?? (await store.snapshot()).taxonomy;
  const { reports, skipped } = await readPostmortemsAppDir(dir);
  const changes: { path: string; content: string; baseBlob?: string | null }[] = [];
  const imported: string[] = [];
  const unchanged: string[] = [];
  const seen = new Set<string>();
  for (const { file, report } of reports) {
    const id = report.uuid.toLowerCase();
    if (!ID_PATTERN.test(id)) {
      skipped.push({ file, reason: `uuid "${report.uuid}" is not a valid incident id` });
      continue;
    }
    if (seen.has(id)) {
      skipped.push({ file, reason: `duplicate uuid ${id}` });
      continue;
    }
    seen.add(id);
    let out = toIncidentFile(report, tax);
    let check = parseIncidentText(out.path, out.content, tax);
    if (!check.ok) {
      out = toIncidentFile(report, tax, plainLinks);
      check = parseIncidentText(out.path, out.content, tax);
    }
    if (!check.ok) {
      skipped.push({ file, reason: check.problems.map((p) => `${p.line}:${p.col} ${p.field}: ${p.message}`).join("; ") });
      continue;
    }
    const existing = await store.repo.readFile(out.path);
    if (existing === out.content) {
      unchanged.push(id);
      continue;
    }
    changes.push({ path: out.path, content: out.content });
    imported.push(id);
  }
  if (changes.length === 0) return { imported, unchanged, skipped, commit: null };
  const { commit, snapshot } = await store.commit(changes, `Import ${changes.length} post-mortem(s) from postmortems.app`, IMPORT_AUTHOR);
  for (const id of imported) {
    const entry = snapshot.byId.get(id);
    if (entry && !entry.ok) skipped.push({ file: `${id}.md`, reason: `imported but does not validate: ${entry.problems.map((p) => p.message).join("; ")}` });
  }
  return { imported, unchanged, skipped, commit };
}
