import path from "node:path";

/** Where the content repository lives: KAIZEN_CONTENT_DIR, else the demo repository created by `npm start`. */
export function contentDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.KAIZEN_CONTENT_DIR ?? path.join(process.cwd(), ".kaizen", "content"));
}

/** Where Kaizen keeps its own state (users, audit log, search index, render cache): never inside the content repository. */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.KAIZEN_DATA_DIR ?? path.join(process.cwd(), ".kaizen", "data"));
}

/** The worker number when this process is one of several cluster workers of scripts/serve.mjs (KAIZEN_WORKERS), else null. */
export function clusterWorker(): number | null {
  const n = Number(process.env.KAIZEN_WORKER);
  return Number.isInteger(n) && n > 0 ? n : null;
}
