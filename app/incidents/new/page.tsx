import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { getEditorData } from "@/lib/editor/editor-data";
import { IncidentEditor } from "../_editor/incident-editor";

export const metadata: Metadata = { title: "New post-mortem" };

export default async function NewIncidentPage() {
  const viewer = await requireViewer("/incidents/new");
  const data = await getEditorData(viewer, null);
  // Readers get the same 404 as an unknown page: the editor is not theirs to see.
  if (!data) notFound();
  return <IncidentEditor data={data} />;
}
