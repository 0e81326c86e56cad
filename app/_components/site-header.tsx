import Link from "next/link";
import { LogoMark } from "./logo";
import type { Viewer } from "@/lib/auth/viewer";
import { HeaderSearch } from "./header-search";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
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
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand" aria-label="Kaizen home">
          <LogoMark />
          Kaizen
        </Link>
        <NavLinks links={links} />
        <HeaderSearch />
        {sync && (
          <span className={`sync-badge sync-badge--${sync.tone}`} title={sync.title} data-testid="sync-badge">
            {sync.label}
          </span>
        )}
        <div className="user-menu">
          <span className="user-menu__name">{viewer.name}</span>
          <span className="user-menu__role">{viewer.role}</span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
