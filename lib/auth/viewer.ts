import { z } from "zod";

export const ROLES = ["reader", "author", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** Who is asking. Every read and write decision in Kaizen is a function of this and the incident's visibility. */
export const viewerSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  groups: z.array(z.string()),
});
export type Viewer = z.infer<typeof viewerSchema>;

export interface VisibilityFields {
  visibility: "internal" | "restricted";
  groups: readonly string[];
}

/** May this viewer read an incident with this visibility? Restricted ones: admins and members of one of its groups. */
export function canRead(viewer: Viewer | null | undefined, incident: VisibilityFields): boolean {
  if (!viewer) return false;
  if (incident.visibility !== "restricted") return true;
  if (viewer.role === "admin") return true;
  return incident.groups.some((g) => viewer.groups.includes(g));
}

/** May this viewer create incidents at all? */
export function canAuthor(viewer: Viewer | null | undefined): boolean {
  return !!viewer && (viewer.role === "author" || viewer.role === "admin");
}

/** May this viewer edit this incident? Authors and admins, and only incidents they may read. */
export function canEdit(viewer: Viewer | null | undefined, incident: VisibilityFields): boolean {
  return canAuthor(viewer) && canRead(viewer, incident);
}

/** Visibility and groups of an incident are changed by admins only. */
export function canManageVisibility(viewer: Viewer | null | undefined): boolean {
  return viewer?.role === "admin";
}

/** Merging, renaming and splitting factors rewrites incidents of every team and group: admins only. */
export function canManageTaxonomy(viewer: Viewer | null | undefined): boolean {
  return viewer?.role === "admin";
}

export function canManageUsers(viewer: Viewer | null | undefined): boolean {
  return viewer?.role === "admin";
}
