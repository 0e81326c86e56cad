import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { getEditorData } from "@/lib/pages/editor";
import { AuthorsOnly } from "../../_components/status-page";
import { IncidentEditor } from "../_editor/incident-editor";

export const metadata: Metadata = { title: "New post-mortem" };

export default async function NewIncidentPage() {
  const viewer = await requireViewer("/incidents/new");
  // The editor is no secret: a reader is told why they cannot write, not sent to a 404.
  if (!canAuthor(viewer)) return <AuthorsOnly what="Writing a post-mortem" back={{ href: "/incidents", label: "All incidents" }} />;
  const data = await getEditorData(viewer, null);
  if (!data) notFound();
  return <IncidentEditor data={data} />;
}
