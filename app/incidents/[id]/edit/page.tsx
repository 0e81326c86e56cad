import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { getEditorData } from "@/lib/editor/editor-data";
import { IncidentEditor } from "../../_editor/incident-editor";

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Edit post-mortem" };

export default async function EditIncidentPage({ params }: Props) {
  const { id } = await params;
  const viewer = await requireViewer(`/incidents/${encodeURIComponent(id)}/edit`);
  const data = await getEditorData(viewer, id);
  if (!data) notFound();
  return <IncidentEditor data={data} />;
}
