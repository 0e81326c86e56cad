"use client";

import { useEffect, useMemo, useState, type RefObject } from "react";
import { clearDraft, readDraft, writeDraft, type LocalDraft } from "@/lib/editor/client-api";

interface DraftInput {
  /** The incident being edited (null for a new one): one draft per incident in this browser. */
  id: string | null;
  /** The text and id the editor opened with: a stored draft equal to them is nothing to offer. */
  openedText: string;
  openedNewId: string;
  text: string;
  newId: string;
  baseBlob: string | null;
  dirty: boolean;
  /** Set once the author changed something (an untouched form never overwrites a stored draft). */
  touched: RefObject<boolean>;
  /** Set when the page is leaving after a save (nothing more is written, no warning). */
  leaving: RefObject<boolean>;
}

/**
 * The local draft: every unsaved change is kept in this browser, a draft left by a crash or a closed tab is offered
 * back (never applied silently), and leaving with unsaved changes asks first.
 */
export function useLocalDraft({ id, openedText, openedNewId, text, newId, baseBlob, dirty, touched, leaving }: DraftInput) {
  const [offer, setOffer] = useState<LocalDraft | null>(null);

  useEffect(() => {
    const d = readDraft(id);
    if (!d || (d.text === openedText && d.newId === openedNewId)) return;
    // Deferred: localStorage exists only in the browser, and the server-rendered page must hydrate first.
    const t = setTimeout(() => setOffer(d), 0);
    return () => clearTimeout(t);
  }, [id, openedText, openedNewId]);

  useEffect(() => {
    if (!touched.current || leaving.current || !dirty) return;
    writeDraft(id, { savedAt: new Date().toISOString(), baseBlob, newId, text });
  }, [text, newId, baseBlob, dirty, id, touched, leaving]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      if (leaving.current) return;
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, leaving]);

  return useMemo(
    () => ({
      offer,
      /** The offer is taken (restored) or declined: stop showing it. */
      dismiss: () => setOffer(null),
      /** Forget the stored draft (discarded, or saved). */
      clear: () => clearDraft(id),
    }),
    [offer, id],
  );
}
