"use client";

import { useEffect, useState } from "react";
import { takeMerge } from "@/lib/editor/client-api";

/** After a save that was merged with a version saved meanwhile: says so once, on the incident page. */
export function MergeNotice({ id }: { id: string }) {
  const [by, setBy] = useState<string | null>(null);
  useEffect(() => {
    // sessionStorage exists only in the browser, after hydration.
    const t = setTimeout(() => setBy(takeMerge(id)?.name ?? null), 0);
    return () => clearTimeout(t);
  }, [id]);
  if (!by) return null;
  return (
    <div className="alert alert--info" role="status">
      Saved. {by} had saved a change while you were editing; you changed different lines, so both changes were kept.
    </div>
  );
}
