import "server-only";
import type { ContentStore } from "../content/store";

type Hook = (store: ContentStore) => Promise<void> | void;
const hooks: Hook[] = [];

/** Modules that keep derived state (the search index) register here to be updated right after every save. */
export function onAfterSave(hook: Hook): void {
  hooks.push(hook);
}

export async function afterSave(store: ContentStore): Promise<void> {
  for (const h of hooks) {
    try {
      await h(store);
    } catch (err) {
      // The commit exists; a derived index that lags is repaired by its next sync, so the save still succeeded.
      console.error("[kaizen] update after save failed:", (err as Error).message);
    }
  }
}
