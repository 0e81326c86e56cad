"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** j / → for the next item, k / ← for the previous one, unless the user is typing in a field. */
export function ReviewKeys({ prevHref, nextHref }: { prevHref: string | null; nextHref: string | null }) {
  const router = useRouter();
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const t = e.target;
      if (t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(t.tagName) || t.closest("summary"))) return;
      const href = e.key === "j" || e.key === "ArrowRight" ? nextHref : e.key === "k" || e.key === "ArrowLeft" ? prevHref : null;
      if (!href) return;
      e.preventDefault();
      router.push(href);
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router, prevHref, nextHref]);
  return null;
}
