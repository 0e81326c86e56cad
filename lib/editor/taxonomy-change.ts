import "server-only";
import { z } from "zod";
import { audit } from "../auth/audit";
import { denied } from "../auth/session";
import { canManageTaxonomy, type Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { ConflictError } from "../content/repository";
import type { ContentStore } from "../content/store";
import { AppError } from "../errors";
import { refreshSearchIndex } from "../search/service";
import { commitTaxonomyChange, TaxonomyChangeError, taxonomyChangeSchema } from "./factor-rewrite";

/** The body of `POST /api/factors/changes`: a merge, rename or split, and whether to only preview it. */
export const taxonomyChangeRequestSchema = z.strictObject({ change: taxonomyChangeSchema, dryRun: z.boolean().default(false) });
export type TaxonomyChangeRequest = z.infer<typeof taxonomyChangeRequestSchema>;

export interface TaxonomyChangeResult {
  summary: string;
  commit: string | null;
  /** Ids of the incidents rewritten (the caller is an admin, who may read every incident). */
  rewritten: string[];
  skipped: { id: string; reason: string }[];
  redirectTo: string;
}

/**
 * Merge, rename or split a factor for an admin on /factors: one commit authored by them (see factor-rewrite.ts),
 * audited, then the search index follows. A save that lands meanwhile makes the commit fail as a whole; it is
 * retried once on the new content before the admin is asked to try again.
 */
export async function changeTaxonomy(viewer: Viewer, request: TaxonomyChangeRequest, store: ContentStore = getStore()): Promise<TaxonomyChangeResult> {
  if (!canManageTaxonomy(viewer)) throw await denied(viewer, "change taxonomy", "factors.yml", "admins only");
  const author = { name: viewer.name || viewer.id, email: viewer.email || `${viewer.id}@kaizen.local` };
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await commitTaxonomyChange(store, request.change, author, { dryRun: request.dryRun });
      if (r.commit) {
        await audit({ type: "taxonomy-change", user: viewer.id, change: r.summary, commit: r.commit, incidents: r.rewritten.length });
        await refreshSearchIndex(store).catch((err: unknown) => console.error("[kaizen] search index update failed:", (err as Error).message));
      }
      return { summary: r.summary, commit: r.commit, rewritten: r.rewritten, skipped: r.skipped.map((s) => ({ id: s.id, reason: s.reason })), redirectTo: r.redirectTo };
    } catch (err) {
      if (err instanceof TaxonomyChangeError) throw new AppError("bad_request", err.message);
      if (err instanceof ConflictError || (err instanceof AppError && err.code === "conflict")) {
        if (attempt === 0) continue;
        throw new AppError("conflict", "incidents were saved while the change was being written; nothing was changed: try again");
      }
      throw err;
    }
  }
}
