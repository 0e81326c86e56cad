// What the search bench calls of the engine, in one module, so tests/bench/engine.ts can compile it as one bundle.
export { buildSearchIndex } from "../../lib/search/build";
export { loadIndex, saveIndex, saveIndexInSteps } from "../../lib/search/persist";
export { search } from "../../lib/search/search";
