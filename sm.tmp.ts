import { ContentStore } from "./lib/content/store";
import { mergeSuggestions } from "./lib/knowledge/taxonomy-care";
const s = await new ContentStore(process.argv[2]!).snapshot();
console.log(s.incidents.length, s.taxonomy.active.length);
console.log(mergeSuggestions(s.incidents, s.taxonomy, 10));
