import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { requireViewer } from "@/lib/auth/session";
import { getEditPage } from "@/lib/pages/editor";
import { AuthorsOnly } from "../../../_components/status-page";
import { IncidentEditor } from "../../_editor/incident-editor";

type Props = { params: Promise<{ id: string }> };

// One authorized load per request, shared by the tab title and the page (React's per-request cache).
const load = cache(async (id: string) => {
  return getEditPage(await requireViewer(`/incidents/${encodeURIComponent(id)}/edit`), id);
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const data = await load((await params).id);
  const title = data && data !== "authors-only" ? data.form.title : undefined;
  return { title: title ? `Edit: ${title}` : "Edit post-mortem" };
}

export default async function EditIncidentPage({ params }: Props) {
  const { id } = await params;
  const data = await load(id);
  if (!data) notFound();
  if (data === "authors-only") return <AuthorsOnly what="Editing a post-mortem" back={{ href: `/incidents/${id}`, label: "Back to the incident" }} />;
  return <IncidentEditor data={data} />;
}
