import "server-only";
import { z } from "zod";
import type { Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { getIncidentEntry } from "../knowledge/visible";
import { ID_PATTERN } from "../schema/common";

/** The download route's parameters: an incident id, as in every incident URL. */
export const incidentSourceParamsSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN, "id must be an incident id (lowercase letters, digits and hyphens)"),
});

export interface IncidentSource {
  filename: string;
  text: string;
}

/**
 * The file an incident page was rendered from, exactly as committed, for this viewer; null when it does not exist or
 * may not be read (the same rule, and the same answer, as the incident page). A file with errors can be downloaded
 * too: that is how its author gets it back to fix it.
 */
export async function getIncidentSource(viewer: Viewer, id: string): Promise<IncidentSource | null> {
  const entry = await getIncidentEntry(viewer, id);
  if (!entry) return null;
  const text = (await getStore().repo.readBlobs([entry.blob])).get(entry.blob);
  return text === undefined ? null : { filename: `${entry.id}.mdx`, text };
}
