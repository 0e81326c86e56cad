// Shared loader of the postmortems.app corpus for evals (search and factors).
import { readPostmortemsAppDir, type PostmortemsAppReport } from "../../lib/import/postmortems-app";

export type CorpusReport = PostmortemsAppReport;

/** Every parseable report of the corpus directory, sorted by file name. */
export async function loadCorpus(dir: string): Promise<CorpusReport[]> {
  const { reports } = await readPostmortemsAppDir(dir);
  return reports.map((r) => r.report);
}
