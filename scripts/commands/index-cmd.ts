import { ContentStore } from "../../lib/content/store";
import { contentDir } from "../../lib/env";
import { rebuildAndSave } from "../../lib/search/open";
import { indexDir } from "../../lib/search/persist";

export const command = {
  summary: "build and persist the search index; prints the count and the time taken",
  usage: "",
  options: {},
  async run(): Promise<number> {
    const t0 = performance.now();
    const snapshot = await new ContentStore(contentDir()).snapshot();
    const t1 = performance.now();
    const { index, bytes } = rebuildAndSave(snapshot, indexDir());
    const t2 = performance.now();
    const skipped = snapshot.broken.length ? ` (${snapshot.broken.length} file(s) that do not validate left out; see kaizen lint)` : "";
    console.log(`indexed ${index.size} incident(s)${skipped} in ${Math.round(t2 - t1)} ms (reading content ${Math.round(t1 - t0)} ms); ${index.stats().terms} terms, ${(bytes / 1024).toFixed(0)} KiB at ${indexDir()}`);
    return 0;
  },
};
