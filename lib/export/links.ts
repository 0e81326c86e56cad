import { incidentLinkTarget } from "../mdx/links";
import { ID_PATTERN } from "../schema/common";

/** Where a page of the exported site lives, relative to the site root: `index.html`, `incidents/x.html`, … */
export const sitePath = {
  index: () => "index.html",
  incident: (id: string) => `incidents/${id}.html`,
  factors: () => "factors/index.html",
  factor: (id: string) => `factors/${id}.html`,
  feed: () => "feed.xml",
} as const;

const FACTOR_LINK = /^(?:\.{1,2}\/)*\/?factors\/([^/?#.\s]+)(?:\.html)?(?:[/?#]|$)/;

/**
 * The href a link inside a document gets in the exported site, or null when it must lose its target: app links to an
 * incident or factor become relative file links when that page is exported, any other link into the app (a root-relative
 * path) has nowhere to go without a server. `#anchors` and absolute URLs stay as they are.
 */
export function exportHref(href: string, fromDepth: number, has: { incident: (id: string) => boolean; factor: (id: string) => boolean }): string | null {
  const up = "../".repeat(fromDepth);
  const incident = incidentLinkTarget(href);
  if (incident !== null) return has.incident(incident) ? `${up}${sitePath.incident(incident)}${hashOf(href)}` : null;
  const factor = FACTOR_LINK.exec(href.trim())?.[1];
  if (factor !== undefined && ID_PATTERN.test(factor)) return has.factor(factor) ? `${up}${sitePath.factor(factor)}` : null;
  if (/^\s*\//.test(href) && !/^\s*\/\//.test(href)) return null;
  return href;
}

function hashOf(href: string): string {
  const i = href.indexOf("#");
  return i >= 0 ? href.slice(i) : "";
}
