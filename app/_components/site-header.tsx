import Link from "next/link";
import { LogoMark } from "./logo";
import type { Viewer } from "@/lib/auth/viewer";
import { HeaderFrame } from "./header-frame";
import { HeaderSearch } from "./header-search";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";
import type { SyncBadge } from "@/lib/sync/badge";

export function SiteHeader({ viewer, sync = null, reviews = 0 }: { viewer: Viewer; sync?: SyncBadge | null; reviews?: number }) {
  const links = [
    { href: "/", label: "Overview" },
    { href: "/incidents", label: "Incidents" },
    { href: "/search", label: "Search" },
    { href: "/factors", label: "Factors" },
    { href: "/learnings", label: "Learnings" },
    { href: "/trends", label: "Trends" },
    { href: "/countermeasures", label: "Countermeasures" },
    { href: "/reviews", label: reviews > 0 ? `Reviews (${reviews})` : "Reviews" },
    ...(viewer.role === "admin" ? [{ href: "/admin/audit", label: "Audit" }] : []),
  ];
  return (
    <HeaderFrame
      start={
        <Link href="/" className="brand" aria-label="Kaizen home">
          <LogoMark />
          Kaizen
        </Link>
      }
      bar={
        <>
          <HeaderSearch />
          {/* Who is signed in, and as what, stays in view at every width (it is not folded into the phone menu). */}
          <div className="user-chip" title={viewer.email ? `${viewer.name} <${viewer.email}>` : viewer.name}>
            <span className="visually-hidden">Signed in as </span>
            <span className="user-chip__name">{viewer.name}</span>
            <span className="user-chip__role">{viewer.role}</span>
          </div>
        </>
      }
    >
      <NavLinks links={links} />
      {sync && (
        <span className={`sync-badge sync-badge--${sync.tone}`} title={sync.title} data-testid="sync-badge">
          {sync.label}
        </span>
      )}
      <ThemeToggle />
      <div className="user-menu">
        <SignOutButton />
      </div>
    </HeaderFrame>
  );
}
