// Synthetic knowledge bases for the server benchmarks (bench:pages, bench:http): the sample incidents cloned with
// seeded variations (dates, teams, services, severity, factors, follow-ups), written as one commit.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseIncidentText } from "../../lib/content/incident-file";
import { serializeIncident } from "../../lib/editor/serialize";
import type { Taxonomy } from "../../lib/schema/taxonomy";
import { COUNTERMEASURE_STATUSES, SEVERITIES, STATUSES, type IncidentFrontmatter } from "../../lib/schema/incident";
import { rng } from "./synth";

const root = path.resolve(import.meta.dirname, "../..");

const DAY = 86_400_000;
const TEAMS = ["payments", "identity", "data", "sre", "mobile", "checkout", "platform", "security", "search", "logistics", "billing", "growth", "routing", "warehouse"];
const SERVICES = [
  "payments-gateway", "ledger-db", "checkout-api", "edge-proxy", "auth-service", "mobile-app", "kafka", "warehouse-sync", "notifications",
  "search-api", "routing-engine", "customer-portal", "billing-api", "pricing-service", "tracking-api", "carrier-gateway", "redis-cache",
  "inventory-db", "label-printer", "email-relay", "feature-flags", "ci-runners", "dns", "object-storage", "scheduler",
];
const OWNERS = ["maria.chen@lumen.example", "dev.patel@lumen.example", "sam.okafor@lumen.example", "lea.martin@lumen.example", "ravi.iyer@lumen.example", "@oncall-sre", "@platform-leads"];

interface Sample {
  slug: string;
  fm: IncidentFrontmatter;
  body: string;
}

function loadSamples(taxonomy: Taxonomy): Sample[] {
  const dir = path.join(root, "content", "incidents");
  const samples: Sample[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".mdx")).sort()) {
    const raw = fs.readFileSync(path.join(dir, name), "utf8");
    const parsed = parseIncidentText(name, raw, taxonomy);
    if (!parsed.ok) continue; // the sample keeps one broken file on purpose in some checkouts
    samples.push({ slug: name.slice(0, -4).replace(/^\d{4}-\d{2}-\d{2}-/, ""), fm: parsed.frontmatter, body: parsed.body });
  }
  if (samples.length === 0) throw new Error("no valid sample incidents in content/incidents");
  return samples;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] ?? (xs[0] as T);

/** Picks `k` distinct items, the earlier ones more often (a few busy factors, services and teams, a long tail). */
function pickSkewed<T>(r: () => number, xs: readonly T[], k: number): T[] {
  const out = new Set<T>();
  for (let guard = 0; out.size < Math.min(k, xs.length) && guard < 100; guard++) out.add(xs[Math.floor(xs.length * r() ** 2)] ?? (xs[0] as T));
  return [...out];
}

const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString().replace(/\.000Z$/, "Z");
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One synthetic incident: a sample moved in time, with its teams, services, severity, factors and follow-ups varied. */
function variant(s: Sample, n: number, r: () => number, factorIds: string[], now: number): { id: string; text: string } {
  const fm = s.fm;
  const origin = Date.parse(fm.started_at ?? fm.timeline[0]?.at ?? "2026-01-01T00:00:00Z");
  const start = Math.floor(now - 3 * 365 * DAY + r() * 3 * 365 * DAY);
  const delta = start - origin;
  const move = (iso: string | undefined) => (iso ? shift(iso, delta) : undefined);
  const factors = pickSkewed(r, factorIds, 1 + Math.floor(r() * 4));
  const restricted = r() < 0.03;
  const cms = fm.countermeasures.map((cm, i) => {
    const due = start + (7 + Math.floor(r() * 90)) * DAY;
    const x = r();
    const status = due > now ? pick(r, ["open", "in-progress", "done"] as const) : x < 0.6 ? "done" : (COUNTERMEASURE_STATUSES[Math.floor(r() * 4)] ?? "open");
    const doneAt = Math.min(now, start + Math.floor(r() * (due - start + 20 * DAY)));
    return {
      ...cm,
      id: `cm-${i + 1}`,
      owner: pick(r, OWNERS),
      due: day(due),
      status,
      done_at: status === "done" ? day(doneAt) : undefined,
      addresses: pickSkewed(r, factors, 1 + Math.floor(r() * 2)),
    };
  });
  const out: IncidentFrontmatter = {
    ...fm,
    status: r() < 0.85 ? "published" : pick(r, STATUSES),
    severity: fm.kind === "near-miss" ? fm.severity : SEVERITIES[Math.min(3, Math.floor(r() ** 0.7 * 4))],
    visibility: restricted ? "restricted" : "internal",
    groups: restricted ? ["security"] : [],
    // A restricted incident may not be published to the public site (the schema refuses it).
    publish: restricted ? undefined : fm.publish,
    started_at: move(fm.started_at),
    detected_at: move(fm.detected_at),
    mitigated_at: move(fm.mitigated_at),
    resolved_at: move(fm.resolved_at),
    teams: pickSkewed(r, TEAMS, 1 + Math.floor(r() * 2)),
    services: pickSkewed(r, SERVICES, 1 + Math.floor(r() * 4)),
    timeline: fm.timeline.map((t) => ({ ...t, at: shift(t.at, delta) })),
    contributing_factors: factors.map((f, i) => ({ factor: f, note: fm.contributing_factors[i]?.note })),
    countermeasures: cms,
  };
  const id = `${day(start)}-${s.slug}-${n}`;
  return { id, text: serializeIncident(out, s.body) };
}

function sh(cmd: string, argv: string[], cwd: string) {
  const env = { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@localhost", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@localhost" };
  execFileSync(cmd, argv, { cwd, env, stdio: ["ignore", "ignore", "inherit"] });
}

/** Writes a content repository of `size` incidents (the sample itself when size equals the sample) in one commit. */
export function generate(dir: string, size: number, taxonomy: Taxonomy): string[] {
  const samples = loadSamples(taxonomy);
  const incDir = path.join(dir, "incidents");
  fs.mkdirSync(incDir, { recursive: true });
  fs.copyFileSync(path.join(root, "content", "factors.yml"), path.join(dir, "factors.yml"));
  const ids: string[] = [];
  if (size <= samples.length) {
    for (const name of fs.readdirSync(path.join(root, "content", "incidents")).slice(0, size)) {
      fs.copyFileSync(path.join(root, "content", "incidents", name), path.join(incDir, name));
      ids.push(name.slice(0, -4));
    }
  } else {
    const r = rng(size);
    const factorIds = taxonomy.factors.filter((f) => !f.merged_into).map((f) => f.id);
    // A fixed order of factors (shuffled once by the seed) makes the skewed picks favour the same few everywhere.
    for (let i = factorIds.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [factorIds[i], factorIds[j]] = [factorIds[j] ?? "", factorIds[i] ?? ""];
    }
    const now = Date.now();
    for (let n = 0; n < size; n++) {
      const s = samples[n % samples.length];
      if (!s) continue;
      const { id, text } = variant(s, n, r, factorIds, now);
      fs.writeFileSync(path.join(incDir, `${id}.mdx`), text);
      ids.push(id);
      // Every file must still be a valid incident: check a spread of them with the real parser.
      if (n % 97 === 0) {
        const parsed = parseIncidentText(`${id}.mdx`, text, taxonomy);
        if (!parsed.ok) throw new Error(`generated ${id}.mdx does not validate:\n${parsed.problems.map((p) => `  ${p.line}:${p.col} ${p.field} ${p.message}`).join("\n")}`);
      }
    }
  }
  sh("git", ["init", "-q", "-b", "main"], dir);
  sh("git", ["add", "-A"], dir);
  sh("git", ["commit", "-q", "-m", `synthetic knowledge base of ${ids.length} incidents`], dir);
  return ids;
}
