import type { Element, ElementContent, Root } from "hast";
import { ID_PATTERN } from "../schema/common";

const INCIDENT_LINK = /^(?:\.{1,2}\/)*\/?incidents\/([^/?#.\s]+)(?:\.html)?(?:[/?#]|$)/;

/** The incident id a URL inside a body points at (`/incidents/x`, `../incidents/x`, `incidents/x.html#y`), or null. */
export function incidentLinkTarget(url: string): string | null {
  const m = INCIDENT_LINK.exec(url.trim());
  const id = m?.[1];
  return id && ID_PATTERN.test(id) ? id : null;
}

/**
 * A copy of compiled hast whose link targets are rewritten by `resolve`; a link it answers null for keeps only its
 * text. The compiled tree itself is shared (cached), so it is never changed in place.
 */
export function rewriteLinks(hast: Root, resolve: (href: string) => string | null): Root {
  const fix = (node: ElementContent): ElementContent => {
    if (node.type !== "element") return node;
    const el: Element = { ...node, properties: { ...node.properties }, children: node.children.map(fix) };
    if (el.tagName === "a" && typeof el.properties.href === "string") {
      const href = resolve(el.properties.href);
      if (href === null) return { type: "element", tagName: "span", properties: {}, children: el.children };
      el.properties.href = href;
    }
    return el;
  };
  return { type: "root", children: hast.children.map((c) => (c.type === "element" ? fix(c) : c)) };
}

function hasIncidentLink(node: Root | ElementContent, hidden: (id: string) => boolean): boolean {
  if (node.type === "element" && node.tagName === "a" && typeof node.properties.href === "string") {
    const id = incidentLinkTarget(node.properties.href);
    if (id !== null && hidden(id)) return true;
  }
  return "children" in node && node.children.some((c) => c.type !== "doctype" && hasIncidentLink(c as ElementContent, hidden));
}

/**
 * Links to incidents the reader may not follow become their text: the target's id (its slug names what happened) is
 * part of a restricted incident, and a link that 404s only for some readers would tell them it exists. Returns the
 * same tree when there is nothing to hide.
 */
export function hideIncidentLinks(hast: Root, readable: (id: string) => boolean): Root {
  const hidden = (id: string) => !readable(id);
  if (!hasIncidentLink(hast, hidden)) return hast;
  return rewriteLinks(hast, (href) => {
    const id = incidentLinkTarget(href);
    return id !== null && hidden(id) ? null : href;
  });
}
