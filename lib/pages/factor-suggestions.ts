import "server-only";
import { visibleContent, knowledgeOf } from "../knowledge/visible";
import type { Viewer } from "../auth/viewer";
import { UNKNOWN_CATEGORY } from "./factors";

export const MAX_SUGGEST_TEXT = 5000;

export interface SuggestedFactor {
  factor: string;
  name: string;
  category: string;
  confidence: number;
  reasons: string[];
}

/** Factor suggestions for free text, using the past incidents this viewer may read as evidence. */
export async function suggestFactorsFor(viewer: Viewer, text: string, now = new Date()): Promise<SuggestedFactor[]> {
  const visible = await visibleContent(viewer);
  const k = knowledgeOf(visible, now);
  return k.suggest(text).map((s) => ({ factor: s.factor, name: s.name, category: k.taxonomy.get(s.factor)?.category ?? UNKNOWN_CATEGORY.id, confidence: s.confidence, reasons: s.reasons }));
}
