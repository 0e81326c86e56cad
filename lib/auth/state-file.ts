import fs from "node:fs/promises";

/** The text of a state file in the data directory, or null when it does not exist yet (any other error is thrown). */
export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}
