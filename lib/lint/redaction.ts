import type { Nodes } from "mdast";
import { SKIP, visit } from "unist-util-visit";
import { splitDocument } from "../content/frontmatter";
import { parseMdx } from "../mdx/validate";
import { isInternalNode } from "../publish/public-version";
import type { IncidentFrontmatter } from "../schema/incident";
import type { RedactPolicy } from "../schema/policy";
import type { Problem } from "../schema/problems";

/** What the redaction lint knows beyond the file: the policy and who the people of this knowledge base are. */
export interface RedactionContext {
  redact: RedactPolicy;
  /** Authors, owners and reviewers (e-mails or handles) across the knowledge base. */
  people: readonly string[];
  /** Ids of incidents that are not public: naming one in public text points readers at something they cannot see. */
  nonPublicIds?: readonly string[];
}

interface Finding {
  index: number;
  text: string;
  message: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const IPV4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/g;
const INTERNAL_HOST = /(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:internal|corp|local|lan|intranet|localdomain)(?![\w-])/gi;
const URL = /\bhttps?:\/\/[^\s<>()"'`\]]+/gi;
const TICKET_KEY_PATH = /\/(?:browse\/)?[A-Z][A-Z0-9]{1,9}-\d+(?:\b|$)/;

/** RFC 1918 private ranges, plus loopback, link-local and carrier-grade NAT: none of them belongs in public text. */
function isPrivateIp(parts: number[]): boolean {
  const [a = -1, b = -1] = parts;
  if (parts.some((p) => p > 255)) return false;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a === 127 || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A whole-word, case-insensitive matcher for a term (words may be separated by any run of whitespace). */
function termPattern(term: string): RegExp {
  const words = term.trim().split(/\s+/).map(escapeRegExp).join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${words}(?![\\p{L}\\p{N}_])`, "giu");
}

function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith("*.")) return h.endsWith(p.slice(1)) || h === p.slice(2);
  return h === p || h.endsWith(`.${p}`);
}

/** The ways a person may be written: the e-mail or handle itself, its local part, "@handle", and "First Last". */
export function personVariants(person: string): string[] {
  const local = (person.split("@")[0] ?? "").replace(/^@/, "");
  const variants = new Set<string>([person]);
  if (local.length >= 3) {
    variants.add(local);
    variants.add(`@${local}`);
  }
  const parts = local.split(/[._-]+/).filter((p) => p.length >= 2 && /^[a-z]+$/i.test(p));
  if (parts.length >= 2) variants.add(parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join(" "));
  return [...variants];
}

/** Everything in one piece of public text that looks internal, by index into the text. */
export function findRedactions(text: string, ctx: RedactionContext): Finding[] {
  const found: Finding[] = [];
  // One finding per stretch of text: of overlapping matches (a URL and the host in it, "bo" and "@bo") the longest wins.
  const add = (index: number, match: string, message: string) => {
    const overlaps = (f: Finding) => index < f.index + f.text.length && f.index < index + match.length;
    if (found.some((f) => overlaps(f) && f.text.length >= match.length)) return;
    for (let i = found.length - 1; i >= 0; i--) if (overlaps(found[i]!)) found.splice(i, 1);
    found.push({ index, text: match, message });
  };
  for (const m of text.matchAll(URL)) {
    const url = m[0].replace(/[.,;:!?]+$/, "");
    let parsed: globalThis.URL;
    try {
      parsed = new globalThis.URL(url);
    } catch {
      continue;
    }
    const host = parsed.hostname;
    const org = parsed.pathname.split("/")[1] ?? "";
    if (/(^|\.)atlassian\.net$/i.test(host) || /(^|\.)linear\.app$/i.test(host) || /\/browse\/[A-Z][A-Z0-9]+-\d+/.test(parsed.pathname)) {
      add(m.index, url, `ticket URL ${url}: link to a public write-up instead`);
    } else if (/^(www\.)?github\.com$/i.test(host) && /\/(issues|pull)\/\d+/.test(parsed.pathname) && ctx.redact.github_orgs.some((o) => o.toLowerCase() === org.toLowerCase())) {
      add(m.index, url, `ticket URL ${url} (private GitHub organisation ${org})`);
    } else if (ctx.redact.hosts.some((p) => hostMatches(host, p))) {
      add(m.index, url, `link to internal host ${host}`);
    } else if (TICKET_KEY_PATH.test(parsed.pathname)) {
      add(m.index, url, `ticket URL ${url}: link to a public write-up instead`);
    }
  }
  for (const m of text.matchAll(EMAIL)) add(m.index, m[0], `e-mail address ${m[0]}`);
  for (const m of text.matchAll(IPV4)) {
    if (isPrivateIp(m.slice(1, 5).map(Number))) add(m.index, m[0], `internal IP address ${m[0]}`);
  }
  for (const m of text.matchAll(INTERNAL_HOST)) add(m.index, m[0], `internal host name ${m[0]}`);
  for (const host of ctx.redact.hosts) {
    const bare = host.replace(/^\*\./, "");
    const re = new RegExp(`(?<![\\w-])(?:[a-z0-9-]+\\.)*${escapeRegExp(bare)}(?![\\w-])`, "gi");
    for (const m of text.matchAll(re)) add(m.index, m[0], `internal host name ${m[0]}`);
  }
  for (const person of ctx.people) {
    for (const v of personVariants(person)) {
      for (const m of text.matchAll(termPattern(v))) add(m.index, m[0], `names a person (${m[0]}): public post-mortems describe roles, not people`);
    }
  }
  for (const term of ctx.redact.terms) {
    for (const m of text.matchAll(termPattern(term))) add(m.index, m[0], `"${m[0]}" is on the redact list in kaizen.yml`);
  }
  for (const id of ctx.nonPublicIds ?? []) {
    for (const m of text.matchAll(termPattern(id))) add(m.index, m[0], `names incident ${id}, which is not public`);
  }
  return found.sort((a, b) => a.index - b.index);
}

function lineCol(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return { line, col: index - before.lastIndexOf("\n") };
}

/** The public text fields of frontmatter, with their paths (internal rows are already gone). */
function publicFields(fm: IncidentFrontmatter): { path: (string | number)[]; value: string }[] {
  const fields: { path: (string | number)[]; value: string }[] = [
    { path: ["title"], value: fm.title },
    { path: ["summary"], value: fm.summary },
    { path: ["impact"], value: fm.impact },
  ];
  (["services", "teams", "tags"] as const).forEach((k) => fm[k].forEach((v, i) => fields.push({ path: [k, i], value: v })));
  return fields;
}

/**
 * Redaction warnings for one incident file's public version: `file:line:col  field  message`. Frontmatter fields are
 * checked on their values and located in the YAML; the body is checked on its source with `<Internal>` blocks and
 * comments (which never reach a reader) left out, found on the parsed MDX tree.
 */
export function redactionProblems(file: string, raw: string, fm: IncidentFrontmatter, ctx: RedactionContext): Problem[] {
  const split = splitDocument(raw);
  if (!split.ok) return [];
  const { doc } = split;
  const problems: Problem[] = [];
  const yamlLines = doc.yaml.split(/\r?\n/);
  const report = (path: (string | number)[], field: string, value: string) => {
    // doc.locate answers in file lines; the search below walks the frontmatter's own lines.
    const inFile = doc.locate(path);
    const at = { line: inFile.line - doc.yamlLine + 1, col: inFile.col };
    for (const f of findRedactions(value, ctx)) {
      // The value may be folded over several lines: look for the match from the field's line on.
      let loc = at;
      for (let i = at.line - 1; i < Math.min(yamlLines.length, at.line + 40); i++) {
        const col = (yamlLines[i] ?? "").indexOf(f.text);
        if (col >= 0) {
          loc = { line: i + 1, col: col + 1 };
          break;
        }
      }
      problems.push({ file, line: loc.line + doc.yamlLine - 1, col: loc.col, field, message: f.message, severity: "warning" });
    }
  };
  for (const { path, value } of publicFields(fm)) report(path, fieldName(path), value);
  // Indexes are those of the file, so internal rows are skipped here rather than filtered out first.
  fm.timeline.forEach((e, i) => !e.internal && report(["timeline", i, "event"], `timeline[${i}].event`, e.event));
  fm.contributing_factors.forEach((f, i) => !f.internal && f.note && report(["contributing_factors", i, "note"], `contributing_factors[${i}].note`, f.note));
  fm.countermeasures.forEach((c, i) => !c.internal && report(["countermeasures", i, "title"], `countermeasures[${i}].title`, c.title));

  const body = maskHidden(doc.body);
  for (const f of findRedactions(body, ctx)) {
    const at = lineCol(body, f.index);
    problems.push({ file, line: at.line + doc.bodyLine - 1, col: at.col, field: "body", message: f.message, severity: "warning" });
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

function fieldName(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");
}

/** The body with what never reaches a public reader (Internal blocks, comments) blanked out, keeping every offset. */
function maskHidden(body: string): string {
  let tree;
  try {
    tree = parseMdx(body);
  } catch {
    return body;
  }
  const hide: [number, number][] = [];
  visit(tree, (node: Nodes) => {
    const isHidden = isInternalNode(node) || node.type === "mdxFlowExpression" || node.type === "mdxTextExpression";
    if (!isHidden) return undefined;
    const s = node.position?.start.offset;
    const e = node.position?.end.offset;
    if (s !== undefined && e !== undefined) hide.push([s, e]);
    return SKIP;
  });
  let out = body;
  for (const [s, e] of hide) out = out.slice(0, s) + out.slice(s, e).replace(/[^\n]/g, " ") + out.slice(e);
  return out;
}
