// Next.js bundles instrumentation, route handlers and pages in separate layers, each with its own copy of every module:
// a cache in a module-level variable is then one cache per layer, and what the start-up warm-up computes (in the
// instrumentation layer) is recomputed by the first page (in the page layer). Caches keyed on a snapshot hang off
// globalThis instead, so every layer of the process shares them (the store itself is shared the same way).
const globalForShared = globalThis as unknown as { kaizenProcessShared?: Map<string, unknown> };

/** One value per process under `name`, created on first use and shared by every bundle layer. */
export function processShared<T>(name: string, create: () => T): T {
  const all = (globalForShared.kaizenProcessShared ??= new Map());
  if (!all.has(name)) all.set(name, create());
  return all.get(name) as T;
}
