import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import "./globals.css";
import { getViewer } from "@/lib/auth/session";
import { canAuthor } from "@/lib/auth/viewer";
import { waitingReviewCount } from "@/lib/pages/reviews";
import { syncBadge } from "@/lib/sync/badge";
import { syncStatus } from "@/lib/sync/service";
import { SiteHeader } from "./_components/site-header";
import { THEME_SCRIPT } from "./_components/theme";
import { ThemeBoot } from "./_components/theme-boot";
import { NONCE_HEADER } from "@/proxy";

export const metadata: Metadata = {
  title: { default: "Kaizen", template: "%s · Kaizen" },
  description: "Blameless post-mortems, searchable, with recurring contributing factors and follow-ups.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#101828", colorScheme: "light dark" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The layout only decides whether to show the navigation; every page authorizes for itself.
  const viewer = await getViewer();
  // Sync status is for the people who write: readers are not asked to care where a save is.
  const status = viewer && canAuthor(viewer) ? syncStatus() : null;
  // The proxy gives every page request a CSP nonce; the theme script carries it, so the policy needs no 'unsafe-inline'.
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    // The inline script sets data-theme on <html> before React hydrates, so the attributes differ on purpose.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <ThemeBoot />
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {viewer && <SiteHeader viewer={viewer} sync={status ? syncBadge(status) : null} reviews={await waitingReviewCount(viewer)} />}
        {children}
      </body>
    </html>
  );
}
