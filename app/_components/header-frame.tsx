"use client";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

/**
 * The header's frame: on wide screens everything sits in one row; on phones the navigation, theme and sign-out fold
 * into a panel behind a Menu button (a disclosure: aria-expanded, Escape closes, a navigation closes it).
 */
export function HeaderFrame({ start, bar, children }: { start: React.ReactNode; bar: React.ReactNode; children: React.ReactNode }) {
  const pathname = usePathname();
  // Open on the page where it was opened: a link followed inside the panel lands on a new page with it closed.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const setOpen = (next: boolean) => setOpenOn(next ? pathname : null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpenOn(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <header className={`site-header${open ? " is-open" : ""}`}>
      <div className="site-header__inner">
        {start}
        {bar}
        <button type="button" className="menu-button" aria-expanded={open} aria-controls="site-menu" onClick={() => setOpen(!open)}>
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" aria-hidden="true">
            {open ? <path d="M6 6l12 12M18 6 6 18" /> : <path d="M4 7h16M4 12h16M4 17h16" />}
          </svg>
          Menu
        </button>
        <div id="site-menu" className="site-header__menu">
          {children}
        </div>
      </div>
    </header>
  );
}
