import "server-only";
import { canEdit, type Viewer } from "../auth/viewer";
import type { BrokenIncident, IncidentDoc } from "../content";
import { getStore } from "../content";
import { INCIDENTS_DIR } from "../content/store";
import { followupRowsOfIncident } from "../followups/visible-rows";
import type { Verification } from "../followups/effectiveness";
import { incidentMetrics, type IncidentMetrics } from "../knowledge/metrics";
import { canReadEntry } from "../knowledge/facts";
import { getIncidentEntry, visibleContent } from "../knowledge/visible";
import { compileMdxCached } from "../mdx/cache";
import type { CompiledMdx } from "../mdx/compile";
import { hideIncidentLinks } from "../mdx/links";
import type { Snapshot } from "../content";
import { ID_PATTERN } from "../schema/common";
import type { Countermeasure } from "../schema/incident";
import { splitFieldSections, type FieldSection } from "./incident-sections";
import type { Root } from "hast";

export interface IncidentPageData {
  incident: IncidentDoc;
  /** The write-up without the sections that repeat a field shown above it (see splitFieldSections). */
  compiled: CompiledMdx;
  /** What such a section added to its field: shown under the field. */
  fieldExtra: Partial<Record<FieldSection, Root>>;
  metrics: IncidentMetrics;
  factors: { id: string; name: string; category: string; note?: string; known: boolean }[];
  countermeasures: CountermeasureRowView[];
  canEdit: boolean;
}

export interface CountermeasureRowView extends Countermeasure {
  overdueDays: number | null;
  addressesNames: { id: string; name: string }[];
  recurred: { incidentId: string; title: string }[];
  /** Done countermeasures: verified, unverified or failed (lib/followups/effectiveness); null otherwise. */
  verification: Verification | null;
}

/** The compiled body with links to incidents this viewer cannot open (restricted or unknown) shown as their text. */
async function readableLinks(viewer: Viewer, snapshot: Snapshot, body: string): Promise<CompiledMdx> {
  const compiled = await compileMdxCached(body);
  const hast = hideIncidentLinks(compiled.hast, (id) => {
    const e = snapshot.byId.get(id);
    return e !== undefined && canReadEntry(viewer, e);
  });
  return hast === compiled.hast ? compiled : { ...compiled, hast };
}

/** Everything the incident page shows, for this viewer; null when it does not exist or may not be seen. */
export async function getIncidentPage(viewer: Viewer, id: string): Promise<IncidentPageData | BrokenIncident | null> {
  const entry = await getIncidentEntry(viewer, id);
  if (!entry || !entry.ok) return entry;
  const visible = await visibleContent(viewer);
  const { taxonomy } = visible.snapshot;
  const fm = entry.frontmatter;
  // Its own countermeasures' rows only: the first incident page after a restart does not build everyone's.
  const rows = followupRowsOfIncident(visible, entry.id);
  // The page always shows the contributing factors; summary and impact only when they are filled in.
  const shown = new Set<FieldSection>(["factors", ...(fm.summary ? (["summary"] as const) : []), ...(fm.impact ? (["impact"] as const) : [])]);
  const { compiled, extra } = splitFieldSections(await readableLinks(viewer, visible.snapshot, entry.body), fm, shown);
  return {
    incident: entry,
    compiled,
    fieldExtra: extra,
    metrics: incidentMetrics(fm),
    factors: fm.contributing_factors.map((ref) => {
      const f = taxonomy.canonical(ref.factor);
      return { id: f?.id ?? ref.factor, name: f?.name ?? ref.factor, category: taxonomy.category(f?.category ?? "")?.name ?? "", note: ref.note, known: !!f };
    }),
    countermeasures: fm.countermeasures.map((cm) => {
      const row = rows.find((r) => r.id === cm.id);
      return {
        ...cm,
        overdueDays: row?.overdue ? row.daysOverdue : null,
        addressesNames: (cm.addresses ?? []).map((a) => ({ id: taxonomy.canonicalId(a) ?? a, name: taxonomy.canonical(a)?.name ?? a })),
        recurred: (row?.recurredAfterDone ?? []).map((h) => ({ incidentId: h.incidentId, title: h.title })),
        verification: row?.outcome?.verification ?? null,
      };
    }),
    canEdit: canEdit(viewer, fm),
  };
}

/** Where an incident that was renamed lives now, if the viewer may see it there (old URLs keep working). */
export async function renamedIncident(viewer: Viewer, id: string): Promise<string | null> {
  if (!ID_PATTERN.test(id)) return null;
  const map = await getStore().repo.renames();
  const to = map.get(`${INCIDENTS_DIR}/${id}.mdx`);
  const newId = to?.startsWith(`${INCIDENTS_DIR}/`) ? to.slice(INCIDENTS_DIR.length + 1).replace(/\.mdx$/, "") : null;
  if (!newId || newId === id) return null;
  return (await getIncidentEntry(viewer, newId)) ? newId : null;
}
