import "server-only";
import { getStore } from "../content";
import { getSearchIndex } from "./service";

const PROGRESS_EVERY_MS = 2_000;
// Opening the index holds the event loop (about a second at 10,000 incidents): the requests that came in with the
// first health check (a deploy's first page) are served first.
const FIRST_REQUESTS_MS = 1_000;

/**
 * Builds what the first request would otherwise wait for — the content snapshot (parse cache first) and the search
 * index — right after the server starts, printing progress while it lasts. Never throws: a failure here only means
 * the first request does the work.
 */
export async function warmUp(log: (line: string) => void = (l) => console.log(l), opts: { beforeIndex?: () => Promise<void> } = {}): Promise<void> {
  const store = getStore();
  const t0 = Date.now();
  const seconds = () => ((Date.now() - t0) / 1000).toFixed(1);
  const timer = setInterval(() => {
    const p = store.progress();
    if (!p.ready) log(`[kaizen] starting: ${p.phase}, ${p.parsed} of ${p.toParse} files parsed on ${p.workers} MDX worker${p.workers === 1 ? "" : "s"} (${p.fromCache} from the parse cache, ${p.files} in all), ${seconds()} s`);
  }, PROGRESS_EVERY_MS);
  timer.unref();
  try {
    const snap = await store.snapshot();
    const p = store.progress();
    log(`[kaizen] content ready: ${snap.incidents.length} incidents, ${snap.broken.length} with problems (${p.fromCache} from the parse cache) in ${seconds()} s`);
    // What the first page needs goes first: opening the index holds the event loop while it lasts.
    await opts.beforeIndex?.();
    await new Promise((r) => setTimeout(r, FIRST_REQUESTS_MS));
    await getSearchIndex(store);
    log(`[kaizen] search index ready in ${seconds()} s`);
  } catch (err) {
    console.error("[kaizen] warm-up failed; the first request will load the content:", (err as Error).message);
  } finally {
    clearInterval(timer);
  }
}
