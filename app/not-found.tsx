import type { Metadata } from "next";
import { StatusPage } from "./_components/status-page";

export const metadata: Metadata = { title: "Not found" };

// Unknown and not-readable look alike on purpose: a restricted incident's URL says nothing about it.
export default function NotFound() {
  return (
    <StatusPage code="404" title="This page is not here" actions={[{ href: "/incidents", label: "All incidents" }, { href: "/search", label: "Search" }]}>
      <p>The address may be mistyped, the post-mortem may have been renamed or removed, or it is not shared with you.</p>
    </StatusPage>
  );
}
