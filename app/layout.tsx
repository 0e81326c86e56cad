import type { Metadata, Viewport } from "next";
import "./globals.css";
import { getViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { waitingReviewCount } from "@/lib/pages/reviews";
import { syncBadge } from "@/lib/sync/badge";
import { syncStatus } from "@/lib/sync/service";
import { SiteHeader } from "./_components/site-header";

export const metadata: Metadata = {
  title: { default: "Kaizen", template: "%s · Kaizen" },
  description: "Blameless post-mortems, searchable, with recurring contributing factors and follow-ups.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#101828" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The layout only decides whether to show the navigation; every page authorizes for itself.
  const viewer = await getViewer();
  // Sync status is for the people who write: readers are not asked to care where a save is.
  const status = viewer && canAuthor(viewer) ? syncStatus() : null;
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {viewer && <SiteHeader viewer={viewer} sync={status ? syncBadge(status) : null} reviews={await waitingReviewCount(viewer)} />}
        {children}
      </body>
    </html>
  );
}
