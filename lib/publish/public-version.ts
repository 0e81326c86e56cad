import type { Nodes, Root } from "mdast";
import { SKIP, visit } from "unist-util-visit";
import { INTERNAL_COMPONENT } from "../mdx/allowlist";
import { incidentLinkTarget } from "../mdx/links";
import { parseMdx } from "../mdx/validate";
import type { IncidentFrontmatter } from "../schema/incident";

export { incidentLinkTarget };

/** The fields publicVersion needs from an incident (an IncidentDoc has them). */
export interface PublishableIncident {
  id: string;
  frontmatter: IncidentFrontmatter;
  body: string;
}

/** An incident as the public reads it: every internal construct removed, links to non-public incidents neutralised. */
export interface PublicIncident {
  id: string;
  frontmatter: IncidentFrontmatter;
  body: string;
}

/**
 * The one rule for "this incident is published to the public": marked `publish: public`, status published, and not
 * restricted (the schema refuses that combination too; checked again because restricted means invisible).
 */
export function isPublic(incident: { frontmatter: Pick<IncidentFrontmatter, "publish" | "status" | "visibility"> }): boolean {
  const fm = incident.frontmatter;
  return fm.publish === "public" && fm.status === "published" && fm.visibility !== "restricted";
}

/** `publish: public` without the status check: what the editor previews and what `kaizen lint --public` checks. */
export function isMarkedPublic(fm: Pick<IncidentFrontmatter, "publish" | "visibility">): boolean {
  return fm.publish === "public" && fm.visibility !== "restricted";
}

/**
 * The public version of an incident. `linkable` says which incident ids a public reader may follow a link to (the
 * public ones); a link to any other incident keeps its text and loses its target.
 */
export function publicVersion(incident: PublishableIncident, linkable: (id: string) => boolean): PublicIncident {
  return { id: incident.id, frontmatter: publicFrontmatter(incident.frontmatter), body: publicBody(incident.body, linkable) };
}

/**
 * Frontmatter without `internal: true` rows, factor entries and countermeasures, and without what only an insider needs:
 * who wrote it, who owns a countermeasure, the ticket it lives in, and which groups may read it.
 */
export function publicFrontmatter(fm: IncidentFrontmatter): IncidentFrontmatter {
  const factors = fm.contributing_factors.filter((f) => !f.internal);
  const kept = new Set(factors.map((f) => f.factor));
  return {
    ...fm,
    groups: [],
    authors: [],
    source: undefined,
    timeline: fm.timeline.filter((e) => !e.internal),
    contributing_factors: factors,
    countermeasures: fm.countermeasures
      .filter((c) => !c.internal)
      .map((c) => ({
        ...c,
        owner: "",
        ticket: undefined,
        // A countermeasure addressing a factor entry that was internal would name it; keep only the public ones.
        addresses: c.addresses?.filter((id) => kept.has(id)),
      })),
  };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

type Positioned = { position?: { start: { offset?: number | undefined }; end: { offset?: number | undefined } } | undefined };

function range(node: Positioned): { start: number; end: number } | null {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? null : { start, end };
}

/** True for an `<Internal>` element of the parsed body (block or, should the parser produce one, inline). */
export function isInternalNode(node: Nodes): boolean {
  return (node.type === "mdxJsxFlowElement" || node.type === "mdxJsxTextElement") && node.name === INTERNAL_COMPONENT;
}

/**
 * The body with every `<Internal>` block removed (nested ones go with their outermost block) and every link to an
 * incident that is not `linkable` replaced by its text. Works on the parsed MDX tree: positions of the nodes decide
 * what is cut from the source text, so the rest stays exactly as the author wrote it. The result is parsed again and
 * must contain no Internal element, so a construct this misses fails loudly instead of leaking.
 */
export function publicBody(body: string, linkable: (id: string) => boolean): string {
  const tree = parseMdx(body);
  const out = applyEdits(body, bodyEdits(tree, body, linkable));
  if (containsInternal(parseMdx(out))) throw new Error("public version still contains an <Internal> block");
  return out;
}

function bodyEdits(tree: Root, body: string, linkable: (id: string) => boolean): Edit[] {
  const edits: Edit[] = [];
  const hiddenDefinitions = new Set<string>();
  visit(tree, "definition", (node) => {
    const target = incidentLinkTarget(node.url);
    if (target !== null && !linkable(target)) hiddenDefinitions.add(node.identifier);
  });
  const childrenText = (node: Nodes & { children: Nodes[] }): string => {
    const first = node.children[0];
    const last = node.children[node.children.length - 1];
    const a = first && range(first);
    const b = last && range(last);
    return a && b ? body.slice(a.start, b.end) : "";
  };
  visit(tree, (node) => {
    const at = range(node);
    if (isInternalNode(node)) {
      if (at) edits.push({ ...at, text: "" });
      return SKIP;
    }
    if (node.type === "link") {
      const target = incidentLinkTarget(node.url);
      if (target !== null && !linkable(target) && at) edits.push({ ...at, text: childrenText(node) });
      return SKIP;
    }
    if (node.type === "linkReference" && hiddenDefinitions.has(node.identifier)) {
      if (at) edits.push({ ...at, text: childrenText(node) });
      return SKIP;
    }
    if (node.type === "definition" && hiddenDefinitions.has(node.identifier)) {
      if (at) edits.push({ ...at, text: "" });
      return SKIP;
    }
    return undefined;
  });
  return edits;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  let floor = Number.POSITIVE_INFINITY;
  // From the end, so earlier offsets stay valid; SKIP above means edits never nest.
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    if (e.end > floor) continue;
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    floor = e.start;
  }
  return out;
}

function containsInternal(tree: Root): boolean {
  let found = false;
  visit(tree, (node) => {
    if (isInternalNode(node)) found = true;
  });
  return found;
}

