import "server-only";
import type { Viewer } from "../auth/viewer";
import { getStore } from "../content";
import { buildFollowupRowsInSteps } from "../followups/visible-rows";
import { factorLinksInSteps } from "../knowledge/factor-links";
import { visibleContent } from "../knowledge/visible";
import { getOverview } from "./overview";

// Most people are readers or authors in no group: they share one visible incident list, and with it the knowledge
// model, the countermeasure rows and the factor links (all memoized on that list). Building those for this
// viewer right after each new snapshot takes them off the request path of the first page and the first incident page
// for nearly everyone; members of groups and admins share them only partly and build the rest on first use.
const TYPICAL: Viewer = { id: "kaizen-warm-up", name: "warm-up", email: "", role: "reader", groups: [] };

let warming: Promise<void> | null = null;

// The overview holds the event loop while it is built: a pause after it lets the requests that arrived meanwhile (a
// first page, a sign-in) be served first. The factor links and the countermeasure rows are built a slice of incidents
// per turn of the event loop, so requests are served between slices, and one that needs them finishes the build.
const BREATHER_MS = 250;
const breather = () => new Promise((r) => setTimeout(r, BREATHER_MS));
const nextTurn = () => new Promise((r) => setImmediate(r));
let again = false;

/** The home page's figures (knowledge model overview, countermeasure rows) for the typical viewer; never throws. */
async function warmOverview(): Promise<void> {
  try {
    await getOverview(TYPICAL);
  } catch (err) {
    console.error("[kaizen] warming the overview failed; the first request will build it:", (err as Error).message);
  }
}

/** Builds the typical viewer's page models for the current snapshot; never throws (the first request does the work). */
async function warm(log: (line: string) => void): Promise<void> {
  const t0 = Date.now();
  try {
    const visible = await visibleContent(TYPICAL);
    await warmOverview();
    await breather();
    const tLinks = Date.now();
    await factorLinksInSteps(visible.incidents, visible.snapshot.taxonomy, nextTurn);
    // The dashboard's rows: the overview builds only the overdue ones, so the first page does not wait for these.
    const tRows = Date.now();
    await buildFollowupRowsInSteps(visible, nextTurn);
    const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
    log(`[kaizen] page models ready for ${visible.incidents.length} incidents: overview in ${s(t0, tLinks)}, factor links in ${s(tLinks, tRows)}, countermeasure rows in ${s(tRows, Date.now())}`);
  } catch (err) {
    console.error("[kaizen] warming the page models failed; the first request will build them:", (err as Error).message);
  }
}

function schedule(log: (line: string) => void): void {
  if (warming) {
    // A snapshot arrived mid-build: one more round after this one covers it (not one per save).
    again = true;
    return;
  }
  warming = warm(log).finally(() => {
    warming = null;
    if (again) {
      again = false;
      schedule(log);
    }
  });
}

/**
 * The home page's figures for the first snapshot: what the server's start-up builds before it opens the search index
 * (which opens synchronously, seconds at 10,000 incidents, and would otherwise hold up the first page).
 */
export async function warmUpFirstPage(): Promise<void> {
  await getStore()
    .snapshot()
    .then(warmOverview, () => undefined);
}

/**
 * At server start, once the content is loaded, and again after every new snapshot (a save, a pull): the page models
 * of the typical viewer, built in the background. Resolves when the first round is done.
 */
export async function warmUpPages(log: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const store = getStore();
  await store.snapshot().catch(() => undefined);
  store.onChange(() => schedule(log));
  schedule(log);
  await warming;
}
